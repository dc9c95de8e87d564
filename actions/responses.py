"""A domain response's variation for a reply language, picked outside Rasa's own rendering: for a message to
someone else (their language, not the conversation's), for the privacy notice (said before the message is read)
and for the messages the shop sends on its own (`bot/notify`)."""

from __future__ import annotations

from typing import Any

PARTS = ("text", "buttons", "image")


def variation(domain: dict[str, Any], response: str, language: str) -> dict[str, Any]:
    """The text (and buttons, image) of `response`'s variation whose language condition is `language`, else of
    the one without a condition (Hinglish).

    >>> domain = {"responses": {"utter_x": [
    ...     {"condition": [{"type": "slot", "name": "language", "value": "hi"}], "text": "नमस्ते"},
    ...     {"text": "Namaste", "buttons": [{"title": "Haan", "payload": "/affirm"}]}]}}
    >>> variation(domain, "utter_x", "hi"), variation(domain, "utter_x", "en")["text"]
    ({'text': 'नमस्ते'}, 'Namaste')
    """
    variations = (domain.get("responses") or {}).get(response)
    if not variations:
        raise KeyError(f"the domain has no response {response!r}")
    chosen = next((candidate for candidate in variations
                   if any(c.get("name") == "language" and c.get("value") == language
                          for c in candidate.get("condition") or [])), None)
    if chosen is None:
        chosen = next((candidate for candidate in variations if not candidate.get("condition")), None)
    if chosen is None:
        raise KeyError(f"response {response!r} has no variation without a condition")
    return {part: chosen[part] for part in PARTS if chosen.get(part)}
