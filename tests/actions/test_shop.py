"""Which shop a message is for comes from the channel's metadata."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.shop import message_metadata

METADATA = {"phone_number_id": "1234", "wa_id": "919800000001"}


def _tracker(latest_message: dict, events: list[dict]) -> Tracker:
    return Tracker("919800000001", {}, latest_message, events, False, None, {}, "action_listen")


def test_metadata_is_read_from_the_latest_message():
    assert message_metadata(_tracker({"text": "hi", "metadata": METADATA}, [])) == METADATA


def test_metadata_falls_back_to_the_latest_user_event():
    events = [{"event": "user", "text": "old", "metadata": {"phone_number_id": "old"}},
              {"event": "user", "text": "hi", "metadata": METADATA},
              {"event": "action", "name": "action_listen"}]
    assert message_metadata(_tracker({"text": "hi"}, events)) == METADATA


def test_no_metadata_is_an_empty_dict():
    assert message_metadata(_tracker({"text": "hi"}, [{"event": "user", "text": "hi"}])) == {}
