"""Actions say what the choices are, all of them, whole; the channel alone fits them to WhatsApp
(connectors/outbound.py, tested in tests/connectors/test_outbound.py)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Turn
from actions.choices import Choice, offer
from connectors.outbound import render


def _turn(language: str = "hi") -> Turn:
    tracker = Tracker("9198", {}, {"text": "maggi"}, [], False, None, {}, "action_listen")
    return Turn(CollectingDispatcher(), tracker, ctx=None, language=language)  # type: ignore[arg-type]


def test_three_short_choices_are_buttons():
    turn = _turn()
    offer(turn, "पक्का?", [Choice("/affirm", "हाँ"), Choice("/deny", "नहीं"), Choice("/stop", "रहने दो")])
    [message] = turn.dispatcher.messages
    assert message["text"] == "पक्का?"
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny", "/stop"]


def test_every_choice_is_sent_whole_and_whatsapp_gets_them_all_in_lists_labelled_in_the_persons_language():
    turn = _turn("ne")
    names = [f"Maggi Masala Noodles Family Pack {n}" for n in range(12)]
    offer(turn, "कुन Maggi?", [Choice(f'/check_stock{{"product": "{n}"}}', n) for n in names])
    [message] = turn.dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == names
    sent = render(message)
    rows = [row for out in sent for section in out.message["interactive"]["action"]["sections"]
            for row in section["rows"]]
    assert [row["id"] for row in rows] == [f'/check_stock{{"product": "{n}"}}' for n in names]
    assert {out.message["interactive"]["action"]["button"] for out in sent} == {"छान्नुहोस्"}
    assert all(len(row["title"]) <= 24 for row in rows) and len(sent) == 2


def test_a_menu_is_a_list_with_every_row_and_its_description():
    turn = _turn("en")
    offer(turn, "Pick one", [Choice(f"/p{n}", f"Product {n}", "x" * 100) for n in range(12)], header="Menu",
          as_list=True)
    custom = turn.dispatcher.messages[0]["custom"]
    rows = custom["sections"][0]["rows"]
    assert custom["type"] == "list" and custom["button"] == "Choose" and len(rows) == 12
    assert rows[0] == {"id": "/p0", "title": "Product 0", "description": "x" * 100}
