"""Webhook bodies as Meta's Cloud API reference documents them (the "messages" field), one per shape.

Every value wraps in the same envelope; ids and numbers are the kind Meta's examples use.
"""

from __future__ import annotations

import json
from typing import Any

PHONE_NUMBER_ID = "106540352242922"
DISPLAY = "15550783881"
WA_ID = "16505551234"


def envelope(*values: dict[str, Any], entries: int = 1) -> dict[str, Any]:
    """`entries` copies of an entry holding one change per value."""
    changes = [{"value": {"messaging_product": "whatsapp",
                          "metadata": {"display_phone_number": DISPLAY, "phone_number_id": PHONE_NUMBER_ID},
                          **value}, "field": "messages"} for value in values]
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": changes} for _ in range(entries)]}


def inbound(message: dict[str, Any], wamid: str = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
            name: str = "Sheena Nelson") -> dict[str, Any]:
    return {"contacts": [{"profile": {"name": name}, "wa_id": WA_ID}],
            "messages": [{"from": WA_ID, "id": wamid, "timestamp": "1750090702", **message}]}


TEXT = inbound({"text": {"body": "Does it come in another color?"}, "type": "text"})
BUTTON_REPLY = inbound({
    "context": {"from": DISPLAY, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjE1N0I5QzMyQjk0RkM5OEMA"},
    "type": "interactive",
    "interactive": {"type": "button_reply", "button_reply": {"id": "/affirm", "title": "Haan"}}})
LIST_REPLY = inbound({
    "context": {"from": DISPLAY, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBQkM"},
    "type": "interactive",
    "interactive": {"type": "list_reply", "list_reply": {
        "id": '/choose_product{"product_id": "12"}', "title": "Maggi Noodles 70g", "description": "48 packets"}}})
TEMPLATE_BUTTON = inbound({
    "context": {"from": DISPLAY, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJERUY"},
    "type": "button", "button": {"payload": "/check_dues", "text": "Baaki dekho"}})
IMAGE = inbound({"type": "image", "image": {
    "caption": "kal ka bill", "mime_type": "image/jpeg",
    "sha256": "", "id": "1003383421387256"}})
DOCUMENT = inbound({"type": "document", "document": {
    "caption": "supplier invoice", "filename": "bill.pdf", "mime_type": "application/pdf",
    "sha256": "", "id": "1376223850470843"}})
VOICE = inbound({"type": "audio", "audio": {
    "mime_type": "audio/ogg; codecs=opus", "sha256": "", "id": "1003383421387257", "voice": True}})
LOCATION = inbound({"type": "location", "location": {
    "address": "1 Hacker Way, Menlo Park, CA 94025", "latitude": 37.483307, "longitude": 122.148981,
    "name": "Philz Coffee"}})
FLOW_REPLY = inbound({
    "context": {"from": DISPLAY, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGTE9X"},
    "type": "interactive",
    "interactive": {"type": "nfm_reply", "nfm_reply": {
        "name": "flow", "body": "Sent",
        "response_json": json.dumps({"flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s", "quantity": "5",
                                     "product": "Maggi"})}}})
UNSUPPORTED = inbound({"type": "unsupported", "errors": [{
    "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
    "error_data": {"details": "Message type is currently not supported."}}]})
USER_ID_ONLY = {  # a user with a username who hides their number: a business-scoped user id and no "from"
    "contacts": [{"profile": {"name": "Sita"}, "user_id": "IN.1502576394655843", "username": "@sita.kirana"}],
    "messages": [{"from_user_id": "IN.1502576394655843", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJVU0VSSUQA",
                  "timestamp": "1750090702", "type": "text", "text": {"body": "maggi kitna hai"}}]}
REACTION = inbound({"type": "reaction", "reaction": {
    "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QUU0QTk0QzYyQzVBRkJCQjMA", "emoji": "\U0001F44D"}})
REACTION_REMOVED = inbound({"type": "reaction", "reaction": {
    "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QUU0QTk0QzYyQzVBRkJCQjMA"}})
SYSTEM_NOTICE = inbound({"type": "system", "system": {
    "body": "User A changed from 16505551234 to 16505550000", "wa_id": "16505550000",
    "type": "user_changed_number"}})
NUMBER_CHANGED = inbound({"type": "system", "system": {  # Meta's reference calls the type customer_changed_number
    "body": "User A changed from 16505551234 to 16505550000", "wa_id": "16505550000",
    "type": "customer_changed_number"}})
IDENTITY_CHANGED = inbound({"type": "system", "identity": {
    "acknowledged": True, "created_timestamp": "1750090702", "hash": "Sjvjlx8G6Z0="}, "system": {
    "body": "User identity changed", "type": "customer_identity_changed"}})
EDITED = inbound({"type": "edit", "edit": {
    "original_message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJFRElURUQA",
    "message": {"type": "text", "text": {"body": "Sharma ji ka 600 jama"}}}})
REVOKED = inbound({"type": "revoke", "revoke": {
    "original_message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQURFTEVURUQA"}})
UNSUPPORTED_EDIT = inbound({"type": "unsupported", "unsupported": {"type": "edit"}, "errors": [{
    "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
    "error_data": {"details": "Message type is currently not supported."}}]})
UNSUPPORTED_REVOKE = inbound({"type": "unsupported", "unsupported": {"type": "revoke"}, "errors": [{
    "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
    "error_data": {"details": "Message type is currently not supported."}}]})
CALL_PERMISSION_REPLY = inbound({
    "context": {"from": DISPLAY, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQUxMAA=="},
    "type": "interactive", "interactive": {"type": "call_permission_reply", "call_permission_reply": {
        "response": "accept", "expiration_timestamp": 1750695502, "response_source": "user_action"}}})
CONTACTS = inbound({"type": "contacts", "contacts": [
    {"name": {"first_name": "Ramesh", "last_name": "Kumar", "formatted_name": "Ramesh Kumar"},
     "phones": [{"phone": "+91 98765 43210", "wa_id": "919876543210", "type": "CELL"}]},
    {"name": {"first_name": "Gupta Traders", "formatted_name": "Gupta Traders"},
     "phones": [{"phone": "+91 91234 56789", "type": "WORK"}], "org": {"company": "Gupta Traders"}}]})
ORDER = inbound({"type": "order", "order": {
    "catalog_id": "354160437058781", "text": "jaldi bhejna",
    "product_items": [{"product_retailer_id": "MAGGI-70", "quantity": 3, "item_price": 14, "currency": "INR"},
                      {"product_retailer_id": "CHEENI-1KG", "quantity": 2, "item_price": 45.5, "currency": "INR"}]}})
INTERACTIVE_WITH_ERRORS = inbound({"type": "interactive", "interactive": {}, "errors": [{
    "code": 131051, "title": "Unsupported message type", "message": "Unsupported message type",
    "error_data": {"details": "Message type is not currently supported"}}]})

SENT = {"statuses": [{
    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QUU0QTk0QzYyQzVBRkJCQjMA", "status": "sent",
    "timestamp": "1750263773", "recipient_id": WA_ID,
    "conversation": {"id": "6ceb9d929c1c6ba3c8ba1e5f3a9b2c3e", "expiration_timestamp": "1750350180",
                     "origin": {"type": "service"}},
    "pricing": {"billable": True, "pricing_model": "PMP", "category": "service", "type": "regular"}}]}
READ = {"statuses": [{"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI2QUU0QTk0QzYyQzVBRkJCQjMA", "status": "read",
                      "timestamp": "1750263780", "recipient_id": WA_ID}]}
FAILED = {"statuses": [{
    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGQUlMRUQ", "status": "failed", "timestamp": "1750263790",
    "recipient_id": WA_ID,
    "errors": [{"code": 131047, "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "Message failed to send because more than 24 hours have passed "
                                          "since the customer last replied to this number."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]}
