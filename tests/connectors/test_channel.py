"""The channel inside a real Rasa server: verification, signatures, bad input, every message type,
statuses, duplicates, order, and a crash right after the 200.

The bot's answers come from the demo shop's books through the action server, and
they reach the customer through the simulator's Graph API.
"""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from connectors.metadata import ChannelMetadata
from erp_core import ledger, orders, parties, tenants
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import PartyKind, Role
from erp_core.permissions import Actor
from erp_core.tenants import find_tenant
from connectors.signature import sign
from connectors.simulator import webhooks
from erp_core.demo import DEMO_PHONE_NUMBER_ID as BUSINESS
from tests.connectors import meta_payloads as meta
from tests.connectors.simulator_process import APP_SECRET, VERIFY_TOKEN
from tests.connectors.stack import IDENTITY_SECRET, RASA_TOKEN

_numbers = itertools.count(1)


@pytest.fixture
def wa_id(stack) -> str:
    """A customer number of its own for each test, so conversations do not mix; it had the privacy notice
    already, so the replies are the answers (tests/actions/test_privacy_conversation.py tests the notice)."""
    number = f"9190000{next(_numbers):05d}"
    stack.introduce(number, number + "1", number + "9")
    return number


def texts(replies: list[dict]) -> list[str]:
    return [r["text"]["body"] for r in replies if r["type"] == "text"]


def maggi_in_stock(text: str) -> bool:
    """The demo shop's answer about Maggi, with a quantity."""
    return text.startswith("Maggi Noodles 70g: ") and Decimal(text.split(": ")[1].split()[0]) >= 0


# ---- verification and refusals ------------------------------------------------------------------------------

def test_subscription_check_echoes_the_challenge_only_for_our_token(stack):
    url = stack.webhook_url
    ok = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}, {}):
        assert httpx.get(url, params=params).status_code == 403


def test_bad_webhooks_are_refused_before_rasa_sees_them(stack, wa_id):
    payload = webhooks.text(BUSINESS, wa_id, "kitna stock hai Maggi ka?")
    body, headers = webhooks.signed(payload, APP_SECRET)
    assert stack.post(body, headers={}).status_code == 401
    assert stack.post(body, headers={"X-Hub-Signature-256": webhooks.signed(payload, "not-the-secret")[1][
        "X-Hub-Signature-256"]}).status_code == 403
    tampered = body.replace(b"Maggi", b"Magg1")
    assert stack.post(tampered, headers=headers).status_code == 403
    for bad in (b"not json at all", json.dumps({"object": "page", "entry": []}).encode()):
        ignored = stack.post(bad, headers={"X-Hub-Signature-256": sign(bad, APP_SECRET)})
        assert (ignored.status_code, ignored.json()) == (200, {"status": "ignored"})  # Meta would retry a 4xx
    huge = webhooks.text(BUSINESS, wa_id, "x" * (1024 * 1024))
    assert stack.post(huge).status_code == 413
    # A good webhook from another customer goes through, so nothing above was merely slow.
    assert stack.post(webhooks.text(BUSINESS, wa_id + "9", "maggi kitna hai")).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id + "9", 1)
    assert stack.user_events(BUSINESS, wa_id) == [] and stack.replies(BUSINESS, wa_id) == []


# ---- messages -------------------------------------------------------------------------------------------------

def test_a_text_is_answered_from_the_books_with_the_whatsapp_metadata(stack, wa_id):
    payload = webhooks.text(BUSINESS, wa_id, "kitna stock hai Maggi ka?", name="Sita Devi",
                            display_phone_number="919800000000")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert stack.post(payload).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert maggi_in_stock(reply["text"]["body"]) and reply["to"] == wa_id
    [event] = stack.wait_for_user_events(BUSINESS, wa_id)
    assert event["message_id"] == wamid and event["input_channel"] == "whatsapp"
    expected = {
        "phone_number_id": BUSINESS, "display_phone_number": "919800000000", "wa_id": wa_id,
        "profile_name": "Sita Devi", "message_id": wamid, "message_type": "text",
        "timestamp": int(payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"])}
    assert {key: event["metadata"].get(key) for key in expected} == expected
    reads = [r["body"] for r in stack.sim.requests() if r["body"].get("status") == "read"
             and r["body"]["message_id"] == wamid]
    assert reads and reads[0]["typing_indicator"] == {"type": "text"}


def test_the_channel_signs_the_identity_it_verified_and_the_actions_in_production_accept_it(stack, wa_id):
    assert stack.post(webhooks.text(BUSINESS, wa_id, "kitna stock hai Maggi ka?")).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert maggi_in_stock(reply["text"]["body"])  # the action server refuses an unsigned identity
    [event] = stack.wait_for_user_events(BUSINESS, wa_id)
    metadata = ChannelMetadata.from_dict(event["metadata"])
    assert metadata.signed_by(IDENTITY_SECRET) and not metadata.signed_by("another secret")


def test_rasas_http_api_answers_only_with_its_token(stack, wa_id):
    assert stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai")).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    tracker = f"{stack.rasa_url}/conversations/{BUSINESS}:{wa_id}/tracker"
    assert httpx.get(tracker).status_code == 401 and httpx.get(tracker, params={"token": "guess"}).status_code == 401
    assert httpx.put(f"{stack.rasa_url}/model", json={"model_file": "/tmp/evil.tar.gz"}).status_code == 401
    assert httpx.get(tracker, params={"token": RASA_TOKEN}).status_code == 200


def test_in_production_the_rest_channel_is_off_so_nobody_can_speak_for_a_shops_owner(stack):
    forged = {"sender": "owner", "message": "owner ki taraf se 4321 ka payment likh do",
              "metadata": {"phone_number_id": BUSINESS, "wa_id": "919800000000"}}
    assert httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=forged).status_code == 404


@pytest.mark.parametrize("kind, content", [
    ("interactive", {"type": "list_reply", "list_reply": {"id": '/check_stock{"product": "Maggi"}',
                                                          "title": "Maggi Noodles 70g"}}),
    ("interactive", {"type": "button_reply", "button_reply": {"id": '/check_stock{"product": "maggi"}',
                                                              "title": "Maggi"}}),
    ("button", {"payload": '/check_stock{"product": "Maggi"}', "text": "Maggi stock"}),
])
def test_taps_carry_intents_and_entities_to_rasa(stack, wa_id, kind, content):
    payload = webhooks.message_payload(BUSINESS, wa_id, kind, content, context_id="wamid.earlier")
    assert stack.post(payload).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert maggi_in_stock(reply["text"]["body"])
    [event] = stack.wait_for_user_events(BUSINESS, wa_id)
    assert event["parse_data"]["intent"]["name"] == "check_stock"
    assert event["metadata"]["context_id"] == "wamid.earlier" and event["metadata"]["reply_title"]


def test_an_image_is_downloaded_into_the_shops_media_folder_and_reaches_rasa_as_a_bill_photo(stack, wa_id):
    photo = b"\xff\xd8\xff\xe0 receipt photo bytes"
    media_id = stack.sim.upload(photo, "receipt.jpg", "image/jpeg")
    payload = webhooks.message_payload(BUSINESS, wa_id, "image", {
        "caption": "kitna stock hai Maggi ka?", "mime_type": "image/jpeg", "sha256": "", "id": media_id})
    assert stack.post(payload).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    [event] = stack.wait_for_user_events(BUSINESS, wa_id)
    metadata = event["metadata"]
    assert event["text"] == "/bill_photo" and metadata["message_type"] == "image"
    assert metadata["caption"] == "kitna stock hai Maggi ka?"
    assert metadata["mime_type"] == "image/jpeg" and metadata["media_id"] == media_id
    path = stack.tmp / "media" / BUSINESS / f"{media_id}.jpg"
    assert metadata["media_path"] == str(path) and path.read_bytes() == photo


def test_a_document_keeps_its_filename(stack, wa_id):
    media_id = stack.sim.upload(b"%PDF-1.4 supplier bill", "bill.pdf", "application/pdf")
    payload = webhooks.message_payload(BUSINESS, wa_id, "document", {
        "caption": "maggi kitna hai", "filename": "bill.pdf", "mime_type": "application/pdf", "id": media_id})
    assert stack.post(payload).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    metadata = stack.wait_for_user_events(BUSINESS, wa_id)[0]["metadata"]
    assert metadata["filename"] == "bill.pdf" and metadata["media_path"].endswith(f"{media_id}.pdf")


def test_what_the_bot_cannot_read_is_answered_in_the_language_of_the_conversation(stack, wa_id):
    assert stack.post(webhooks.text(BUSINESS, wa_id, "चावल कितना बचा है?")).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    media_id = stack.sim.upload(b"OggS voice", "voice.ogg", "audio/ogg")
    voice = webhooks.message_payload(BUSINESS, wa_id, "audio", {"mime_type": "audio/ogg", "id": media_id, "voice": True})
    assert stack.post(voice).status_code == 200
    replies = stack.wait_for_replies(BUSINESS, wa_id, 2)
    assert replies[-1]["text"]["body"] == "माफ़ कीजिए, वॉइस नोट अभी समझ नहीं आता। कृपया लिखकर भेजिए।"
    assert len(stack.user_events(BUSINESS, wa_id)) == 1


def test_a_voice_note_is_stored_and_answered_politely_without_rasa(stack, wa_id):
    media_id = stack.sim.upload(b"OggS voice", "voice.ogg", "audio/ogg")
    payload = webhooks.message_payload(BUSINESS, wa_id, "audio", {
        "mime_type": "audio/ogg; codecs=opus", "sha256": "", "id": media_id, "voice": True})
    assert stack.post(payload).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert "voice note" in reply["text"]["body"]
    assert (stack.tmp / "media" / BUSINESS / f"{media_id}.ogg").read_bytes() == b"OggS voice"
    assert stack.user_events(BUSINESS, wa_id) == []


@pytest.mark.parametrize("value", [meta.UNSUPPORTED, meta.INTERACTIVE_WITH_ERRORS])
def test_unsupported_payloads_get_a_polite_reply(stack, wa_id, value):
    message = {**value["messages"][0], "from": wa_id, "id": webhooks.new_wamid()}
    payload = webhooks.envelope(BUSINESS, "919800000000", {"contacts": [{"profile": {"name": "X"}, "wa_id": wa_id}],
                                                           "messages": [message]})
    assert stack.post(payload).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert "samajh nahi aaya" in reply["text"]["body"]
    assert stack.user_events(BUSINESS, wa_id) == []


@pytest.mark.parametrize("value", [meta.REACTION, meta.REACTION_REMOVED, meta.IDENTITY_CHANGED, meta.REVOKED,
                                   meta.UNSUPPORTED_REVOKE, meta.UNSUPPORTED_EDIT, meta.CALL_PERMISSION_REPLY],
                         ids=["reaction", "reaction removed", "system notice", "deleted", "deleted (unsupported)",
                              "edited (unsupported)", "call permission reply"])
def test_reactions_and_notices_get_no_apology_and_the_conversation_goes_on(stack, wa_id, value):
    message = {**value["messages"][0], "from": wa_id, "id": webhooks.new_wamid()}
    payload = webhooks.envelope(BUSINESS, "919800000000", {"contacts": [{"profile": {"name": "X"}, "wa_id": wa_id}],
                                                           "messages": [message]})
    assert stack.post(payload).status_code == 200
    assert stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai")).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert maggi_in_stock(reply["text"]["body"])
    time.sleep(1)  # an apology for the first message would have arrived by now
    assert len(stack.replies(BUSINESS, wa_id)) == 1 and len(stack.user_events(BUSINESS, wa_id)) == 1


def test_a_user_known_only_by_a_user_id_is_answered_and_a_broken_message_costs_no_other(stack, wa_id):
    user_id = f"IN.{wa_id}0001"
    hidden = {**meta.USER_ID_ONLY["messages"][0], "from_user_id": user_id, "id": webhooks.new_wamid()}
    broken = {"id": webhooks.new_wamid(), "timestamp": "1750090702", "type": "text", "text": {"body": "no sender"}}
    contacts = [{"profile": {"name": "Sita"}, "user_id": user_id}, {"profile": {"name": "X"}, "wa_id": wa_id}]
    normal = webhooks.text(BUSINESS, wa_id, "maggi kitna hai")["entry"][0]["changes"][0]["value"]["messages"][0]
    payload = webhooks.envelope(BUSINESS, "919800000000", {"contacts": contacts,
                                                           "messages": [broken, hidden, normal]})
    assert stack.post(payload).status_code == 200
    [reply] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert maggi_in_stock(reply["text"]["body"])
    notice, answer = stack.wait_for_replies(BUSINESS, user_id, 2)  # new to the shop: the privacy notice first
    assert notice["type"] == "interactive" and "Privacy" in notice["interactive"]["body"]["text"]
    assert maggi_in_stock(answer["text"]["body"])
    assert [e["text"] for e in stack.user_events(BUSINESS, user_id)] == ["maggi kitna hai"]
    to_user = [body for body in stack.sim.sends() if user_id in (body.get("to"), body.get("recipient"))]
    assert to_user and all(body["recipient"] == user_id and "to" not in body for body in to_user)


def test_location_and_flow_replies_reach_rasa_as_metadata(stack, wa_id):
    location = webhooks.message_payload(BUSINESS, wa_id, "location", meta.LOCATION["messages"][0]["location"])
    flow = webhooks.message_payload(BUSINESS, wa_id, "interactive", meta.FLOW_REPLY["messages"][0]["interactive"])
    follow_up = webhooks.text(BUSINESS, wa_id, "maggi kitna hai")
    for payload in (location, flow, follow_up):
        assert stack.post(payload).status_code == 200
    deadline = time.monotonic() + 60
    while len(stack.user_events(BUSINESS, wa_id)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    first, second, third = stack.user_events(BUSINESS, wa_id)
    assert first["metadata"]["location"]["name"] == "Philz Coffee"
    assert second["metadata"]["flow_response"]["flow_token"] == "AQAAAAACS5FpgQ_cAAAAAD0QI3s"
    assert third["text"] == "maggi kitna hai"


def test_a_flow_reply_reaches_the_dialogue_as_an_intent_with_its_answers_never_as_sent(stack, wa_id):
    assert stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai")).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    flow = webhooks.message_payload(BUSINESS, wa_id, "interactive", meta.FLOW_REPLY["messages"][0]["interactive"])
    assert stack.post(flow).status_code == 200
    reply = stack.wait_for_replies(BUSINESS, wa_id, 2)[-1]
    assert reply["text"]["body"] == "✅ Aapka form mil gaya, dhanyavaad."  # in the conversation's language
    event = stack.user_events(BUSINESS, wa_id)[-1]
    assert (event["text"], event["parse_data"]["intent"]["name"]) == ("/flow_reply", "flow_reply")
    assert event["metadata"]["flow_response"] == {"flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s", "quantity": "5",
                                                  "product": "Maggi"}


# ---- events without words: an edit, a new number, a shared contact, a catalog order ---------------------------

def books(stack) -> Context:
    """The demo shop's books in the stack's ERP database, as the system."""
    database = Database(f"sqlite:///{stack.tmp / 'erp.db'}")
    return Context(database, find_tenant(database, BUSINESS).id, Actor.system())


def tap(stack, wa_id: str, payload: str, title: str = "tap") -> None:
    reply = webhooks.message_payload(BUSINESS, wa_id, "interactive", {
        "type": "button_reply", "button_reply": {"id": payload, "title": title}})
    assert stack.post(reply).status_code == 200


def button_ids(reply: dict) -> list[str]:
    assert reply["type"] == "interactive", reply
    action = reply["interactive"]["action"]
    return [b["reply"]["id"] for b in action.get("buttons", ())] or [
        row["id"] for section in action["sections"] for row in section["rows"]]


def body(reply: dict) -> str:
    return reply["text"]["body"] if reply["type"] == "text" else reply["interactive"]["body"]["text"]


def test_editing_the_message_that_booked_a_payment_offers_to_reverse_that_entry(stack, wa_id):
    ctx = books(stack)
    tenants.add_user(ctx, wa_id=wa_id, role=Role.MANAGER, name="Manager")
    sharma = parties.resolve_party(ctx, "Sharma ji", PartyKind.CUSTOMER)
    before = ledger.balance(ctx, sharma.id).balance
    said = webhooks.text(BUSINESS, wa_id, "Sharma ji ne 500 diye")
    assert stack.post(said).status_code == 200
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    tap(stack, wa_id, "/affirm")
    stack.wait_for_replies(BUSINESS, wa_id, 2)
    assert ledger.balance(ctx, sharma.id).balance == before - 500

    original = said["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    edit = webhooks.message_payload(BUSINESS, wa_id, "edit", {
        "original_message_id": original, "message": {"type": "text", "text": {"body": "Sharma ji ne 600 diye"}}})
    assert stack.post(edit).status_code == 200
    offer = stack.wait_for_replies(BUSINESS, wa_id, 3)[-1]
    assert "Sharma ji ₹500" in body(offer) and "badla" in body(offer)
    undo_payload, keep = button_ids(offer)
    assert undo_payload.startswith('/undo{"entry": ') and keep == "/deny"
    tap(stack, wa_id, undo_payload)
    assert button_ids(stack.wait_for_replies(BUSINESS, wa_id, 4)[-1]) == ["/affirm", "/stop"]
    tap(stack, wa_id, "/affirm")
    assert "Hata diya: payment" in body(stack.wait_for_replies(BUSINESS, wa_id, 5)[-1])
    assert ledger.balance(ctx, sharma.id).balance == before
    [event] = [e for e in stack.user_events(BUSINESS, wa_id) if e["text"] == "/message_edited"]
    assert event["metadata"]["original_message_id"] == original


def test_a_new_number_takes_the_persons_khata_and_is_told_so_at_the_new_number(stack, wa_id):
    ctx = books(stack)
    new = f"9180000{wa_id[-5:]}"
    account = parties.add_party(ctx, kind=PartyKind.CUSTOMER, name="Kamla Devi", phone=wa_id)
    notice = {**meta.NUMBER_CHANGED["messages"][0], "from": wa_id, "id": webhooks.new_wamid(), "system": {
        "body": f"User A changed from {wa_id} to {new}", "wa_id": new, "type": "customer_changed_number"}}
    payload = webhooks.envelope(BUSINESS, "919800000000", {
        "contacts": [{"profile": {"name": "Kamla"}, "wa_id": wa_id}], "messages": [notice]})
    assert stack.post(payload).status_code == 200
    [told] = stack.wait_for_replies(BUSINESS, new, 1)
    # a new conversation without words yet: the bot's default, English
    assert told["text"]["body"] == f"✅ Your new number +{new} is recorded. Your account moved to it."
    assert stack.replies(BUSINESS, wa_id) == []
    assert tenants.actor_for(ctx.db, ctx.tenant_id, new).party_id == account.id
    assert tenants.actor_for(ctx.db, ctx.tenant_id, wa_id).party_id is None


def test_a_shared_contact_becomes_a_supplier_through_the_add_form(stack, wa_id):
    ctx = books(stack)
    tenants.add_user(ctx, wa_id=wa_id, role=Role.MANAGER, name="Manager")
    card_wa_id = f"9197{wa_id[-8:]}"
    surname = "Lal" + "".join(chr(ord("a") + int(digit)) for digit in wa_id[-3:])  # a name of this test's own
    name = f"Kishan {surname}"
    card = {"name": {"first_name": "Kishan", "last_name": surname, "formatted_name": name},
            "phones": [{"phone": f"+91 {card_wa_id[2:7]} {card_wa_id[7:]}", "wa_id": card_wa_id, "type": "CELL"}]}
    shared = {"from": wa_id, "id": webhooks.new_wamid(), "timestamp": "1750090702", "type": "contacts",
              "contacts": [card]}
    payload = webhooks.envelope(BUSINESS, "919800000000", {
        "contacts": [{"profile": {"name": "Manager"}, "wa_id": wa_id}], "messages": [shared]})
    assert stack.post(payload).status_code == 200
    offer = stack.wait_for_replies(BUSINESS, wa_id, 1)[-1]
    as_customer, as_supplier = button_ids(offer)
    assert as_customer.startswith("/add_customer") and '"supplier"' in as_supplier
    tap(stack, wa_id, as_supplier)
    asked = stack.wait_for_replies(BUSINESS, wa_id, 2)[-1]
    assert name in body(asked) and button_ids(asked) == ["/affirm", "/stop"]
    tap(stack, wa_id, "/affirm")
    assert body(stack.wait_for_replies(BUSINESS, wa_id, 3)[-1]) == f"✅ {name} is now a supplier."
    supplier = parties.resolve_party(ctx, name, PartyKind.SUPPLIER)
    assert parties.party_details(ctx, supplier.id).phone == card_wa_id


def test_a_cart_from_the_catalog_is_an_order_draft_that_still_asks_to_confirm(stack, wa_id):
    cart = {"catalog_id": "354160437058781", "text": "", "product_items": [
        {"product_retailer_id": "MAGGI-70", "quantity": 2, "item_price": 14, "currency": "INR"},
        {"product_retailer_id": "SUGAR", "quantity": 1, "item_price": 45, "currency": "INR"}]}
    assert stack.post(webhooks.message_payload(BUSINESS, wa_id, "order", cart, name="Kavita")).status_code == 200
    draft = stack.wait_for_replies(BUSINESS, wa_id, 1)[-1]
    assert "Maggi Noodles 70g" in body(draft) and "Cheeni" in body(draft) and "Kavita" in body(draft)
    assert button_ids(draft) == ["/affirm", "/stop"]
    ctx = books(stack)
    assert tenants.actor_for(ctx.db, ctx.tenant_id, wa_id).party_id is None, "nothing is written before the yes"
    tap(stack, wa_id, "/affirm")
    assert "Order #" in body(stack.wait_for_replies(BUSINESS, wa_id, 2)[-1])
    party_id = tenants.actor_for(ctx.db, ctx.tenant_id, wa_id).party_id
    [order] = orders.list_orders(ctx, party_id=party_id)
    assert sorted((line.quantity for line in order.lines)) == [Decimal(1), Decimal(2)]


def test_a_cart_with_a_product_the_shop_does_not_sell_is_refused_with_its_name(stack, wa_id):
    cart = {"catalog_id": "354160437058781", "product_items": [
        {"product_retailer_id": "HAMBURGER", "quantity": 3, "item_price": 30, "currency": "INR"}]}
    assert stack.post(webhooks.message_payload(BUSINESS, wa_id, "order", cart)).status_code == 200
    [refused] = stack.wait_for_replies(BUSINESS, wa_id, 1)
    assert refused["text"]["body"] == 'I could not find a product called "HAMBURGER".'


def test_one_webhook_with_many_entries_delivers_every_message(stack, wa_id):
    other = wa_id + "1"
    payload = webhooks.text(BUSINESS, wa_id, "maggi kitna hai")
    second = webhooks.text(BUSINESS, other, "maggi kitna hai")
    payload["entry"].append(second["entry"][0])
    payload["entry"][0]["changes"].append(webhooks.status_payload(BUSINESS, "wamid.x", wa_id, "sent")["entry"][0]
                                          ["changes"][0])
    assert stack.post(payload).status_code == 200
    assert maggi_in_stock(texts(stack.wait_for_replies(BUSINESS, wa_id, 1))[0])
    assert maggi_in_stock(texts(stack.wait_for_replies(BUSINESS, other, 1))[0])


def test_statuses_are_recorded_in_the_delivery_log(stack, wa_id):
    for value in (meta.SENT, meta.READ, meta.FAILED):
        status = {**value["statuses"][0], "recipient_id": wa_id}
        assert stack.post(webhooks.envelope(BUSINESS, "919800000000", {"statuses": [status]})).status_code == 200
    mine = [row for row in stack.delivery_log() if row["recipient_id"] == wa_id]
    assert [row["status"] for row in mine] == ["sent", "read", "failed"]
    assert mine[2]["error_code"] == 131047 and "24 hours" in mine[2]["error_details"]


def test_the_simulators_own_status_webhooks_reach_the_log(stack, wa_id):
    stack.post(webhooks.text(BUSINESS, wa_id, "maggi kitna hai"))
    stack.wait_for_replies(BUSINESS, wa_id, 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        statuses = {row["status"] for row in stack.delivery_log() if row["recipient_id"] == wa_id}
        if {"sent", "delivered"} <= statuses:
            break
        time.sleep(0.2)
    assert {"sent", "delivered"} <= statuses


# ---- exactly once, in order ------------------------------------------------------------------------------------

def test_the_same_webhook_arriving_many_times_at_once_is_processed_once(stack, wa_id):
    payload = webhooks.text(BUSINESS, wa_id, "maggi kitna hai")
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: stack.post(payload).status_code, range(12)))
    assert statuses == [200] * 12, "Meta gets its 200 for every copy, or it retries"
    stack.post(webhooks.text(BUSINESS, wa_id, "cheeni kitna hai"))
    replies = texts(stack.wait_for_replies(BUSINESS, wa_id, 2))
    time.sleep(0.5)
    replies = texts(stack.replies(BUSINESS, wa_id))
    assert len(replies) == 2 and maggi_in_stock(replies[0]) and replies[1].startswith("Cheeni")
    assert len(stack.user_events(BUSINESS, wa_id)) == 2


def test_one_customers_messages_are_answered_in_the_order_sent(stack, wa_id):
    questions = ["maggi kitna hai", "cheeni kitna hai", "chawal kitna hai", "maggi kitna hai", "cheeni kitna hai"]
    for question in questions:
        assert stack.post(webhooks.text(BUSINESS, wa_id, question)).status_code == 200
    replies = texts(stack.wait_for_replies(BUSINESS, wa_id, len(questions)))
    assert [r.split(":")[0] for r in replies] == [
        "Maggi Noodles 70g", "Cheeni", "Basmati Chawal", "Maggi Noodles 70g", "Cheeni"]
    assert [e["text"] for e in stack.user_events(BUSINESS, wa_id)] == questions


def test_a_crash_after_the_200_is_processed_exactly_once_after_the_restart(stack, wa_id):
    """The reply is on its way when the process is SIGKILLed; after the restart the customer gets it once,
    and Meta's retry of the same webhook changes nothing."""
    stack.sim.faults({"type": "text", "hang": 120, "status": 503, "code": 2, "times": 1})
    payload = webhooks.text(BUSINESS, wa_id, "maggi kitna hai")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert stack.post(payload).status_code == 200
    deadline = time.monotonic() + 60
    while not any(b.get("to") == wa_id for b in stack.sim.sends()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any(b.get("to") == wa_id for b in stack.sim.sends()), "the reply never left"
    stack.kill_rasa()
    stack.sim.faults()
    assert stack.replies(BUSINESS, wa_id) == []

    stack.restart_rasa()
    replies = texts(stack.wait_for_replies(BUSINESS, wa_id, 1))
    assert stack.post(payload).status_code == 200, "Meta retries the webhook after the restart"
    stack.post(webhooks.text(BUSINESS, wa_id, "cheeni kitna hai"))
    stack.wait_for_replies(BUSINESS, wa_id, 2)
    replies = texts(stack.replies(BUSINESS, wa_id))
    assert len(replies) == 2 and maggi_in_stock(replies[0]) and replies[1].startswith("Cheeni")
    assert [e["message_id"] for e in stack.user_events(BUSINESS, wa_id)][0] == wamid
    assert len(stack.user_events(BUSINESS, wa_id)) == 2
