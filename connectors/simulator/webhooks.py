"""Cloud API webhook payloads, built the way Meta documents them (used by the simulator, tests and bench)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from connectors.signature import HEADER, sign


def new_wamid() -> str:
    return "wamid." + secrets.token_urlsafe(24)


def envelope(phone_number_id: str, display_phone_number: str, value: dict[str, Any],
             waba_id: str = "102290129340398") -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id},
            **value,
        }}]}],
    }


def message_payload(phone_number_id: str, wa_id: str, kind: str, content: dict[str, Any] | None = None, *,
                    name: str = "Customer", display_phone_number: str = "919800000000", message_id: str = "",
                    context_id: str = "", timestamp: int | None = None) -> dict[str, Any]:
    """One inbound message of type `kind`, its content under the key of that type (as in Meta's examples)."""
    message: dict[str, Any] = {"from": wa_id, "id": message_id or new_wamid(),
                               "timestamp": str(timestamp or int(time.time())), "type": kind}
    if content is not None:
        message[kind] = content
    if context_id:
        message["context"] = {"from": display_phone_number, "id": context_id}
    return envelope(phone_number_id, display_phone_number, {
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]})


def text(phone_number_id: str, wa_id: str, body: str, **kwargs: Any) -> dict[str, Any]:
    return message_payload(phone_number_id, wa_id, "text", {"body": body}, **kwargs)


def status_payload(phone_number_id: str, message_id: str, recipient_id: str, status: str,
                   errors: list[dict[str, Any]] | None = None, display_phone_number: str = "919800000000"
                   ) -> dict[str, Any]:
    item: dict[str, Any] = {"id": message_id, "status": status, "timestamp": str(int(time.time())),
                            "recipient_id": recipient_id}
    if status in ("sent", "delivered"):
        item["conversation"] = {"id": secrets.token_hex(16), "origin": {"type": "service"}}
        item["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if errors:
        item["errors"] = errors
    return envelope(phone_number_id, display_phone_number, {"statuses": [item]})


def signed(payload: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers Meta would POST."""
    body = json.dumps(payload).encode()
    return body, {"Content-Type": "application/json", HEADER: sign(body, app_secret)}
