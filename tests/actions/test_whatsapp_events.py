"""Finding the messages an edited one led to, in the tracker the action server gets."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.whatsapp_events import FOLLOWING_MESSAGES, message_and_followers


def tracker(*message_ids: str) -> Tracker:
    events = [{"event": "user", "text": "x", "metadata": {"message_id": mid}} for mid in message_ids]
    events.insert(1, {"event": "bot", "text": "Sharma ji ₹500, pakka?"})
    return Tracker("1:919800000001", {}, {}, events, False, None, {}, "action_listen")


def test_the_edited_message_and_the_ones_after_it_in_order():
    assert message_and_followers(tracker("wamid.A", "wamid.B", "wamid.C"), "wamid.B") == ["wamid.B", "wamid.C"]


def test_an_edit_of_a_message_the_conversation_no_longer_holds_finds_nothing():
    assert message_and_followers(tracker("wamid.A"), "wamid.GONE") == []


def test_only_a_few_messages_after_the_edited_one_are_searched():
    ids = [f"wamid.{n}" for n in range(FOLLOWING_MESSAGES + 5)]
    assert message_and_followers(tracker(*ids), "wamid.0") == ids[:FOLLOWING_MESSAGES + 1]
