"""A conversation's tracker events as the turns the detail page shows."""

from __future__ import annotations

from bot.review.delivery import Delivery
from bot.review.masking import mask_text
from bot.review.tracker import Event
from bot.review.turns import build_turns, highlight, recipient


def event(n: int, type_name: str, **data) -> Event:
    return Event(n, "919800000011", type_name, 1000.0 + n, None, data.get("name"), {"event": type_name, **data})


def test_turns_show_understanding_actions_slots_and_replies_as_sent() -> None:
    parse = {"intent": {"name": "create_order", "confidence": 0.55},
             "intent_ranking": [{"name": "create_order", "confidence": 0.55}, {"name": "check_stock", "confidence": 0.3}],
             "entities": [{"entity": "quantity", "value": "10", "start": 10, "end": 12},
                          {"entity": "unit", "value": "kg", "start": 13, "end": 17},
                          {"entity": "product", "value": "chawal", "start": 18, "end": 24}]}
    events = [
        event(1, "action", name="action_session_start"), event(2, "session_started"),
        event(3, "user", text="Sharma ji 10 kilo chawal bhejo", parse_data=parse,
              metadata={"phone_number_id": "100000000000001", "wa_id": "919800000011"}),
        event(4, "slot", name="product", value="chawal"),
        event(5, "slot", name="session_started_metadata", value={"wa_id": "919800000011"}),
        event(6, "action", name="action_create_order", policy="RulePolicy", confidence=1.0),
        event(7, "bot", text="Order banaun?", data={"buttons": [{"title": "Haan", "payload": "/affirm"}]}),
        event(8, "bot", text=None, data={"custom": {"type": "list", "body": "Kaunsa?", "button": "Chuno",
                                                    "sections": [{"title": "Chawal", "rows": [{"id": "p1", "title": "Basmati"}]}]}}),
        event(9, "bot", text=None, data={"custom": {"type": "document", "path": "var/invoices/INV-7.pdf",
                                                    "filename": "INV-7.pdf", "caption": "Bill"}}),
        event(10, "action", name="action_listen"),
    ]
    turns = build_turns(events, {7: Delivery("wamid.A", "read", 1008.0)})
    assert [t.kind for t in turns] == ["session", "user", "slot", "action", "bot", "bot", "bot"]
    user = turns[1]
    assert (user.intent, user.confidence, user.runners_up) == ("create_order", 0.55, [("check_stock", 0.3)])
    assert [(s.text, s.entity, s.value) for s in user.segments] == [
        ("Sharma ji ", None, None), ("10", "quantity", None), (" ", None, None), ("kilo", "unit", "kg"),
        (" ", None, None), ("chawal", "product", None), (" bhejo", None, None)]
    assert (turns[2].name, turns[2].value) == ("product", "chawal")
    assert (turns[3].name, turns[3].policy) == ("action_create_order", "RulePolicy")
    assert turns[4].buttons == [{"title": "Haan", "payload": "/affirm"}] and turns[4].delivery.status == "read"
    assert turns[5].list_message["sections"][0]["rows"][0]["title"] == "Basmati"
    assert turns[6].document["filename"] == "INV-7.pdf"
    assert recipient(events) == "919800000011"


def test_overlapping_or_out_of_range_entities_are_not_highlighted() -> None:
    segments = highlight("Maggi do", [{"entity": "product", "start": 0, "end": 5},
                                      {"entity": "unit", "start": 3, "end": 8}, {"entity": "x", "start": 7, "end": 40}])
    assert [(s.text, s.entity) for s in segments] == [("Maggi", "product"), (" do", None)]


def test_a_masked_user_turn_shows_no_piece_of_a_phone_number_even_where_an_entity_cuts_it() -> None:
    text = "Pooja ka number 98123 45610 likh lo"
    start = text.index("98123")
    parse = {"intent": {"name": "add_customer", "confidence": 0.4},
             "entities": [{"entity": "quantity", "value": "98123", "start": start, "end": start + 5}]}
    turns = build_turns([event(1, "user", text=text, parse_data=parse)], say=mask_text)
    shown = [(s.text, s.entity, s.value) for s in turns[0].segments]
    assert shown == [("Pooja ka number ", None, None), ("98•••", "quantity", None), (" •••10 likh lo", None, None)]
    assert turns[0].text == "Pooja ka number 98••• •••10 likh lo"
    unmasked = build_turns([event(1, "user", text=text, parse_data=parse)])  # an admin's reveal
    assert "".join(s.text for s in unmasked[0].segments) == text


def test_a_photo_shows_as_a_photo_with_its_caption_not_as_its_payload() -> None:
    metadata = {"phone_number_id": "100000000000001", "wa_id": "919800000011", "message_type": "image",
                "media_id": "m1", "mime_type": "image/jpeg", "caption": "petrol ka bill"}
    [turn] = build_turns([event(1, "user", text="/bill_photo", metadata=metadata,
                                parse_data={"intent": {"name": "bill_photo", "confidence": 1.0}})])
    assert (turn.text, turn.intent) == ("📷 petrol ka bill", "bill_photo")
