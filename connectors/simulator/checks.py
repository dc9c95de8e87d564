"""What the Graph API fake refuses: the Cloud API's documented limits on the messages a business sends.

`problem(body, media)` returns a description of the first problem, or "" when the
body is a valid message. The real API answers such bodies with error 131009 or 100.
"""

from __future__ import annotations

import re
from typing import Any


def _too_long(value: Any, limit: int, what: str) -> str:
    if not isinstance(value, str) or not value:
        return f"{what} is required"
    return f"{what} is longer than {limit} characters" if len(value) > limit else ""


def _interactive(interactive: dict[str, Any]) -> str:
    kind = interactive.get("type")
    body = interactive.get("body", {}).get("text")
    if kind == "button":
        buttons = interactive.get("action", {}).get("buttons", [])
        if not 1 <= len(buttons) <= 3:
            return "between 1 and 3 buttons are allowed"
        titles = [b.get("reply", {}).get("title") for b in buttons]
        ids = [b.get("reply", {}).get("id") for b in buttons]
        if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
            return "button titles and ids must be unique"
        return (_too_long(body, 1024, "body text")
                or next(filter(None, (_too_long(t, 20, "button title") for t in titles)), "")
                or next(filter(None, (_too_long(i, 256, "button id") for i in ids)), ""))
    if kind == "list":
        action = interactive.get("action", {})
        sections = action.get("sections", [])
        rows = [row for section in sections for row in section.get("rows", [])]
        if not 1 <= len(rows) <= 10 or len(sections) > 10:
            return "a list has 1 to 10 rows in at most 10 sections"
        if len(sections) > 1 and not all(s.get("title") for s in sections):
            return "sections need titles when there are several"
        for row in rows:
            problem = _too_long(row.get("title"), 24, "row title") or _too_long(row.get("id"), 200, "row id")
            if problem or len(row.get("description", "")) > 72:
                return problem or "row description is longer than 72 characters"
        return _too_long(body, 4096, "body text") or _too_long(action.get("button"), 20, "list button")
    return f"interactive type {kind!r} is not supported here"


BSUID = re.compile(r"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$")
"""A business-scoped user id: country code, a period, up to 128 letters and digits (`IN.1502576394655843`)."""


def addressing_problem(body: dict[str, Any]) -> str:
    """A message goes `to` a WhatsApp number (digits) or to the `recipient` with a business-scoped user id."""
    to, recipient = body.get("to"), body.get("recipient")
    if bool(to) == bool(recipient):
        return "exactly one of to and recipient is required"
    if to and not str(to).lstrip("+").isdigit():
        return f"to {to!r} is not a phone number; a business-scoped user id goes in recipient"
    if recipient and not BSUID.match(str(recipient)):
        return f"recipient {recipient!r} is not a business-scoped user id"
    return ""


def problem(body: dict[str, Any], media: dict[str, Any]) -> str:
    if body.get("messaging_product") != "whatsapp":
        return "messaging_product is required"
    addressing = addressing_problem(body)
    if addressing:
        return addressing
    kind = body.get("type", "text")
    content = body.get(kind)
    if not isinstance(content, dict):
        return f"the {kind} object is missing"
    if kind == "text":
        return _too_long(content.get("body"), 4096, "text body")
    if kind == "interactive":
        return _interactive(content)
    if kind in ("image", "document", "audio", "video", "sticker"):
        if bool(content.get("id")) == bool(content.get("link")):
            return f"{kind} needs exactly one of id and link"
        if content.get("id") and content["id"] not in media:
            return f"unknown media id {content['id']}"
        return "caption is longer than 1024 characters" if len(content.get("caption", "")) > 1024 else ""
    if kind == "template":
        return "" if content.get("name") and content.get("language", {}).get("code") else "template name and language"
    return f"message type {kind!r} is not supported here"
