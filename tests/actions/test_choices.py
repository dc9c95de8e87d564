"""Choices become buttons when they fit WhatsApp's reply buttons, else a list."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Turn
from actions.choices import Choice, offer


def _turn(language: str = "hi") -> Turn:
    tracker = Tracker("9198", {}, {"text": "maggi"}, [], False, None, {}, "action_listen")
    return Turn(CollectingDispatcher(), tracker, ctx=None, language=language)  # type: ignore[arg-type]


def test_three_short_choices_are_buttons():
    turn = _turn()
    offer(turn, "पक्का?", [Choice("/affirm", "हाँ"), Choice("/deny", "नहीं"), Choice("/stop", "रहने दो")])
    [message] = turn.dispatcher.messages
    assert message["text"] == "पक्का?"
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/stop"]


def test_more_than_three_or_long_titles_become_a_list_in_the_persons_language():
    turn = _turn("ne")
    names = [f"Maggi Masala Noodles Family Pack {n}" for n in range(12)]
    offer(turn, "कुन Maggi?", [Choice(f'/check_stock{{"product": "{n}"}}', n, "x" * 100) for n in names])
    [message] = turn.dispatcher.messages
    custom = message["custom"]
    rows = custom["sections"][0]["rows"]
    assert custom["type"] == "list" and custom["button"] == "छान्नुहोस्"
    assert len(rows) == 10
    assert rows[0]["id"] == f'/check_stock{{"product": "{names[0]}"}}'
    assert len(rows[0]["title"]) == 24 and rows[0]["title"].endswith("…")
    assert len(rows[0]["description"]) == 72


def test_two_choices_with_a_long_title_are_a_list():
    turn = _turn("en")
    offer(turn, "Which one?", [Choice("/a", "A very long product name here"), Choice("/b", "B")])
    assert turn.dispatcher.messages[0]["custom"]["type"] == "list"
