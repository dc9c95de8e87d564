"""Telling someone other than the person who wrote: the shop's customer, on their own WhatsApp.

The action renders the message itself from the domain's responses (rasa-sdk hands it the domain), picking
the variation for the customer's language (`actions/responses.py`), and utters it as a json_message with a `to`:
a document with a `to` (`{"type": "document", "to": "<wa_id>", "path": ..., "caption": ...}`). The WhatsApp channel sends a
message with a `to` to that number instead of the conversation's (`connectors.outbound.recipient`),
through the same outbox and delivery; the REST channel hands it back as it is.
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.responses import variation
from actions.slots import ROMAN_DEFAULT
from erp_core import shop_settings
from erp_core.enums import ReplyLanguage


def customer_language(turn: Turn) -> str:
    """The language a customer is told in: the shop's reply language (erp_core keeps none per customer);
    when the shop answers each person as they write ("auto"), its country's Roman-script language."""
    settings = shop_settings.shop_settings(turn.ctx)
    if settings.reply_language is ReplyLanguage.AUTO:
        return ROMAN_DEFAULT.get(settings.country, "hinglish")
    return settings.reply_language.value


def send_document(turn: Turn, wa_id: str, path: str, filename: str, response: str, **params: Any) -> None:
    """Send the document at `path` to WhatsApp number `wa_id`, captioned with `response` in the customer's language."""
    caption = variation(turn.domain, response, customer_language(turn))["text"].format(**params)
    turn.dispatcher.utter_message(json_message={"type": "document", "to": wa_id, "path": path, "filename": filename,
                                                "caption": caption})
