"""Parsing every documented webhook shape into the channel's dataclasses."""

from __future__ import annotations

import json

import pytest

from connectors import events
from connectors.events import Message
from tests.connectors import meta_payloads as meta


def parse(*values, entries=1):
    return events.parse(json.dumps(meta.envelope(*values, entries=entries)).encode())


def only_message(value) -> Message:
    webhook = parse(value)
    assert len(webhook.messages) == 1 and not webhook.statuses
    return webhook.messages[0]


def test_text_carries_who_wrote_to_which_business():
    message = only_message(meta.TEXT)
    assert (message.type, message.text) == ("text", "Does it come in another color?")
    assert (message.wa_id, message.phone_number_id, message.display_phone_number) == (
        meta.WA_ID, meta.PHONE_NUMBER_ID, meta.DISPLAY)
    assert message.profile_name == "Sheena Nelson" and message.timestamp == 1750090702
    assert message.id.startswith("wamid.") and message.understood


@pytest.mark.parametrize("value, kind, text, title", [
    (meta.BUTTON_REPLY, "button_reply", "/affirm", "Haan"),
    (meta.LIST_REPLY, "list_reply", '/choose_product{"product_id": "12"}', "Maggi Noodles 70g"),
    (meta.TEMPLATE_BUTTON, "button", "/check_dues", "Baaki dekho"),
])
def test_a_tap_becomes_its_id_so_buttons_carry_intents(value, kind, text, title):
    message = only_message(value)
    assert (message.type, message.text, message.reply_title) == (kind, text, title)
    assert message.context_id.startswith("wamid.") and message.understood


@pytest.mark.parametrize("value, kind, caption, mime", [
    (meta.IMAGE, "image", "kal ka bill", "image/jpeg"),
    (meta.DOCUMENT, "document", "supplier invoice", "application/pdf"),
])
def test_a_photo_or_pdf_of_a_bill_is_the_bill_photo_payload_with_its_caption_kept(value, kind, caption, mime):
    message = only_message(value)
    assert (message.type, message.text, message.caption, message.media.mime_type) == (kind, "/bill_photo", caption,
                                                                                       mime)
    assert message.media.id.isdigit() and message.understood


def test_a_document_the_bot_cannot_read_like_a_photo_keeps_its_caption_as_the_text():
    value = json.loads(json.dumps(meta.DOCUMENT))
    value["messages"][0]["document"].update(mime_type="application/vnd.ms-excel", filename="stock.xls",
                                            caption="maggi kitna hai")
    message = only_message(value)
    assert (message.text, message.caption) == ("maggi kitna hai", "maggi kitna hai")


def test_document_keeps_its_filename():
    assert only_message(meta.DOCUMENT).media.filename == "bill.pdf"


def test_a_voice_note_is_media_the_bot_does_not_understand():
    message = only_message(meta.VOICE)
    assert message.type == "audio" and message.media.voice and not message.understood


def test_location():
    location = only_message(meta.LOCATION).location
    assert (location.latitude, location.longitude, location.name) == (37.483307, 122.148981, "Philz Coffee")


def test_a_flow_reply_has_its_response_json_parsed_and_reaches_rasa_as_an_intent_not_as_sent():
    message = only_message(meta.FLOW_REPLY)
    assert (message.type, message.text) == ("nfm_reply", "/flow_reply") and message.understood
    assert message.flow_response == {"flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s", "quantity": "5",
                                     "product": "Maggi"}


@pytest.mark.parametrize("value", [meta.UNSUPPORTED, meta.INTERACTIVE_WITH_ERRORS])
def test_unsupported_and_erroneous_payloads_parse_but_are_not_understood(value):
    message = only_message(value)
    assert message.errors[0].code == 131051 and not message.understood
    assert "supported" in message.errors[0].details


def test_statuses_with_and_without_errors():
    webhook = parse(meta.SENT, meta.READ, meta.FAILED)
    assert [s.status for s in webhook.statuses] == ["sent", "read", "failed"]
    failed = webhook.statuses[2]
    assert failed.errors[0].code == 131047 and "24 hours" in failed.errors[0].details
    assert not webhook.messages


def test_every_entry_and_change_is_read_not_just_the_first():
    webhook = parse(meta.TEXT, meta.IMAGE, meta.SENT, entries=3)
    assert len(webhook.messages) == 6 and len(webhook.statuses) == 3


def test_a_message_survives_the_round_trip_through_the_inbox():
    for value in (meta.TEXT, meta.IMAGE, meta.LOCATION, meta.FLOW_REPLY, meta.UNSUPPORTED, meta.CONTACTS, meta.ORDER,
                  meta.EDITED, meta.NUMBER_CHANGED):
        message = only_message(value)
        assert Message.from_dict(json.loads(json.dumps(message.to_dict()))) == message


@pytest.mark.parametrize("body", [
    b"not json", b"\xff\xfe", b"[]", b'{"object": "page", "entry": []}', b'{"object": "whatsapp_business_account"}',
    b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {}}]}]}',
    b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": '
    b'{"metadata": {"phone_number_id": "1"}, "messages": [{"id": "x"}]}}]}]}',
])
def test_anything_else_is_refused(body):
    with pytest.raises(ValueError):
        events.parse(body)


def test_a_user_who_hides_their_number_is_known_by_their_user_id():
    [message] = events.parse_payload(meta.envelope(meta.USER_ID_ONLY)).messages
    assert (message.wa_id, message.profile_name, message.text) == ("IN.1502576394655843", "Sita", "maggi kitna hai")


def test_one_unreadable_message_does_not_cost_the_others_in_the_webhook():
    broken = {"id": "wamid.broken", "timestamp": "1750090702", "type": "text", "text": {"body": "no sender"}}
    value = {**meta.TEXT, "messages": [broken, *meta.TEXT["messages"]]}
    webhook = events.parse_payload(meta.envelope(value, meta.USER_ID_ONLY))
    assert [m.wa_id for m in webhook.messages] == [meta.WA_ID, "IN.1502576394655843"]
    assert len(webhook.unreadable) == 1 and "wamid.broken" in webhook.unreadable[0]


@pytest.mark.parametrize("value", [
    meta.REACTION, meta.REACTION_REMOVED, meta.IDENTITY_CHANGED, meta.REVOKED, meta.UNSUPPORTED_REVOKE,
    meta.UNSUPPORTED_EDIT, meta.CALL_PERMISSION_REPLY,
], ids=["reaction", "reaction removed", "identity changed", "revoke", "unsupported revoke", "unsupported edit",
        "call permission reply"])
def test_what_asks_nothing_of_the_bot_is_read_and_needs_no_answer(value):
    [message] = events.parse_payload(meta.envelope(value)).messages
    assert message.ignored and not message.errors


@pytest.mark.parametrize("value", [meta.SYSTEM_NOTICE, meta.NUMBER_CHANGED], ids=["user_changed_number",
                                                                                   "customer_changed_number"])
def test_a_number_change_is_the_new_numbers_conversation_and_carries_the_old_one(value):
    message = only_message(value)
    assert (message.type, message.text) == ("number_changed", "/number_changed")
    assert (message.wa_id, message.previous_wa_id) == ("16505550000", meta.WA_ID)
    assert message.profile_name == "Sheena Nelson" and message.understood and not message.ignored


def test_an_edit_names_the_message_it_changed():
    message = only_message(meta.EDITED)
    assert (message.type, message.text) == ("edit", "/message_edited") and message.understood
    assert message.original_message_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJFRElURUQA"


def test_shared_contacts_keep_each_name_and_phone():
    message = only_message(meta.CONTACTS)
    assert (message.type, message.text) == ("contacts", "/shared_contact") and message.understood
    assert [(c.name, c.phone, c.wa_id) for c in message.contacts] == [
        ("Ramesh Kumar", "+91 98765 43210", "919876543210"), ("Gupta Traders", "+91 91234 56789", "")]


def test_a_catalog_order_keeps_its_items_and_prices_as_decimal_text():
    message = only_message(meta.ORDER)
    assert (message.type, message.text) == ("order", "/catalog_order") and message.understood
    assert message.order.catalog_id == "354160437058781" and message.order.text == "jaldi bhejna"
    assert [(i.product_retailer_id, i.quantity, i.item_price) for i in message.order.items] == [
        ("MAGGI-70", 3, "14"), ("CHEENI-1KG", 2, "45.5")]
