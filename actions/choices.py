"""Offering the person a choice: the action says what the options are, the channel fits them.

Options go out as Rasa `buttons` (with `list_button`, the label of the list
they become when they are more than WhatsApp's buttons), or, for a menu, as
the `{"type": "list", ...}` custom message; every option is sent, with its
whole title. WhatsApp's limits
(three reply buttons, ten rows a list, title lengths) are applied in one place,
`connectors/outbound.py`, which turns too many buttons into a list and a long
list into several. The REST channel passes both shapes through as JSON. Each
option's payload is what a tap sends back, e.g. `/affirm` or
`/check_stock{"product": "Maggi Masala 70g"}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from actions.base import Turn
from actions.phrases import phrase


def payload(intent: str, **entities: str) -> str:
    """What tapping a choice sends back: the intent with its entities, `/check_stock{"product": "Maggi 70g"}`."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


@dataclass(frozen=True)
class Choice:
    payload: str
    title: str
    description: str = ""


def offer(turn: Turn, body: str, choices: list[Choice], header: str = "", as_list: bool = False) -> None:
    """Send `body` with `choices` as buttons, or as a list message (a menu) when `as_list`."""
    if not as_list:
        turn.dispatcher.utter_message(text=body, buttons=[{"title": c.title, "payload": c.payload} for c in choices],
                                      list_button=phrase("choose", turn.language))
        return
    rows = [{"id": c.payload, "title": c.title, "description": c.description} for c in choices]
    turn.dispatcher.utter_message(json_message={
        "type": "list", "header": header, "body": body, "button": phrase("choose", turn.language),
        "sections": [{"title": header or body, "rows": rows}],
    })
