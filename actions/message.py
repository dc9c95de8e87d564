"""The latest user message as a form reads it, and the shapes of a bare reply: a name, a number.

A bare reply answers the form's pending question whatever intent the NLU gave it: "Mehta ji" to "whose
khata?", "240" to "how much?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.items import first_number


@dataclass(frozen=True)
class Message:
    """What the form needs from the latest user message."""

    intent: str
    entities: list[dict[str, Any]]
    text: str
    confidence: float = 1.0
    """How sure the NLU was of `intent` (a tapped payload: 1)."""

    @classmethod
    def latest(cls, tracker: Tracker) -> Message:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        return cls(intent.get("name") or "", latest.get("entities") or [], latest.get("text") or "",
                   float(intent.get("confidence") or 1.0))

    def value(self, entity: str) -> str | None:
        return next((str(e["value"]) for e in self.entities if e.get("entity") == entity and e.get("value")), None)

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")

    def answer(self, requested: str | None, slot: str) -> str | None:
        """The bare text of the message when it answers the question for `slot` (not a tap, not a yes or no; a bare
        number always: a model may read "240" as "no")."""
        text = self.text.strip()
        answers = self.intent not in ANSWERS or is_bare_number(self)
        return text if requested == slot and text and not self.is_payload and answers else None


NAME_SLOTS = frozenset({"form_customer", "form_name"})
"""Slots a bare name answers ("Mehta ji"), whatever intent the NLU reads in it."""
ANSWERS = frozenset({"affirm", "deny", "stop"})
"""Intents that answer the form's own question ("haan", "nahi", "rehne do"), never a name."""


_RUPEES = re.compile(r"\brs\b\.?|/-", re.IGNORECASE)


def looks_like_a_name(message: Message) -> bool:
    """A bare answer to "who?": a few words without numbers, not a button payload, not a yes or no.

    >>> looks_like_a_name(Message("nlu_fallback", [], "Mehta ji"))
    True
    >>> looks_like_a_name(Message("check_stock", [], "kitna stock hai Maggi ka?"))
    False
    >>> looks_like_a_name(Message("affirm", [], "haan"))
    False
    """
    text = message.text.strip()
    return (bool(text) and not message.is_payload and message.intent not in ANSWERS and len(text.split()) <= 3
            and not any(c.isdigit() for c in text))


def is_bare_number(message: Message) -> bool:
    """Just a number ("240", "₹1,200", "Rs 240", "२४०"): the answer to the form's question, whatever intent the
    NLU gave it (a lone number carries none; a model may lean towards any intent with amounts).

    >>> [is_bare_number(Message("add_expense", [], t)) for t in ("240", "₹1,200", "Rs 240", "२४०")]
    [True, True, True, True]
    >>> [is_bare_number(Message("add_expense", [], t)) for t in ("chai 240", "", "/affirm")]
    [False, False, False]
    """
    text = _RUPEES.sub("", message.text).strip()
    return (bool(text) and not message.is_payload and not any(c.isalpha() for c in text)
            and first_number(text) is not None)
