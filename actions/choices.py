"""Offering the person a choice: up to 3 options as reply buttons, more as a list message.

The WhatsApp connector turns Rasa `buttons` into reply buttons and the
`{"type": "list", ...}` custom message into an interactive list; the REST
channel passes both through as JSON. Each option's payload is what a tap sends
back, e.g. `/affirm` or `/check_stock{"product": "Maggi Masala 70g"}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.base import Turn

MAX_BUTTONS = 3
MAX_ROWS = 10
BUTTON_TITLE = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = {"hinglish": "Chuniye", "hi": "चुनिए", "ne": "छान्नुहोस्", "en": "Choose"}


@dataclass(frozen=True)
class Choice:
    payload: str
    title: str
    description: str = ""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def offer(turn: Turn, body: str, choices: list[Choice], header: str = "", as_list: bool = False) -> None:
    """Send `body` with `choices`: buttons when they fit (unless `as_list`), else a list of at most 10 rows."""
    if not as_list and len(choices) <= MAX_BUTTONS and all(len(c.title) <= BUTTON_TITLE for c in choices):
        turn.dispatcher.utter_message(text=body, buttons=[{"title": c.title, "payload": c.payload} for c in choices])
        return
    rows = [{"id": c.payload, "title": _cut(c.title, ROW_TITLE), "description": _cut(c.description, ROW_DESCRIPTION)}
            for c in choices[:MAX_ROWS]]
    turn.dispatcher.utter_message(json_message={
        "type": "list", "header": header, "body": body, "button": LIST_BUTTON[turn.language],
        "sections": [{"title": _cut(header or body, ROW_TITLE), "rows": rows}],
    })
