"""A question instead of a guess: "Bikri ya stock aaya?" when the NLU could not tell two intents apart.

config.yml's FallbackClassifier turns a message into `nlu_fallback` when its best intent is weak
or barely ahead of the second; the ranking it kept says which. When the two leading intents are
both shop business, close to each other and together most of the model's belief, the help action
asks which one with a button for each: its payload sends the message again as that intent with the
entities already read (`/add_stock{"quantity": "5", "unit": "kg", "product": "sugar"}`), so the
chosen flow starts with everything in it. A third button is for neither (the help menu).
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.choices import payload
from actions.intent_names import intent_name, neither
from actions.interruptions import CHIT_CHAT, FORMS, QUERIES, has_flow
from actions.phrases import CUSTOMER_HELP
from erp_core.enums import Role

AMBIGUITY_GAP = 0.1
"""At most this far apart. Twice config.yml's FallbackClassifier `ambiguity_threshold`: a message that fell back
because its best intent was weak (below the threshold) is asked about too when its two leaders are this close."""
TOGETHER = 0.5
"""The two intents' confidences add up to at least this: the model hesitated between them, not among many."""
BUSINESS = frozenset(FORMS) | frozenset(QUERIES) - CHIT_CHAT
CUSTOMER_INTENTS = frozenset(payload.lstrip("/") for payload in CUSTOMER_HELP)
"""What a customer may ask the bot to do (the help menu's rows for customers)."""
ITEM_ENTITIES = ("quantity", "unit", "product")


def ambiguous_pair(latest_message: dict[str, Any]) -> tuple[str, str] | None:
    """The two business intents a fallen-back message was split between, the likelier first; None otherwise.

    >>> ambiguous_pair({"intent": {"name": "nlu_fallback"}, "intent_ranking": [
    ...     {"name": "nlu_fallback", "confidence": 0.4}, {"name": "create_order", "confidence": 0.48},
    ...     {"name": "add_stock", "confidence": 0.42}, {"name": "write_off", "confidence": 0.03}]})
    ('create_order', 'add_stock')
    >>> ambiguous_pair({"intent": {"name": "nlu_fallback"}, "intent_ranking": [
    ...     {"name": "greet", "confidence": 0.38}, {"name": "add_stock", "confidence": 0.33}]})
    """
    if (latest_message.get("intent") or {}).get("name") != "nlu_fallback":
        return None
    ranking = [r for r in latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    if len(ranking) < 2:
        return None
    first, second = ranking[0], ranking[1]
    if not {first["name"], second["name"]} <= BUSINESS:
        return None
    if first["confidence"] - second["confidence"] >= AMBIGUITY_GAP:
        return None
    if first["confidence"] + second["confidence"] < TOGETHER:
        return None
    return first["name"], second["name"]


def replayed_entities(entities: list[dict[str, Any]]) -> dict[str, str | list[str]]:
    """The entities a button sends back with the chosen intent, so its flow reads them as from the message.

    A payload's entities all stand at one place, so a quantity can only be paired with its product when
    there is one product: then the first quantity and unit go before it; with several products, the
    products alone (the form asks each quantity). Any other entity: its first value.

    >>> replayed_entities([{"entity": "product", "value": "chawal"}, {"entity": "quantity", "value": "5"},
    ...                    {"entity": "unit", "value": "kg"}, {"entity": "quantity", "value": "250"}])
    {'quantity': '5', 'unit': 'kg', 'product': 'chawal'}
    >>> replayed_entities([{"entity": "quantity", "value": "2"}, {"entity": "product", "value": "dal"},
    ...                    {"entity": "product", "value": "chawal"}, {"entity": "customer", "value": "Gupta"}])
    {'product': ['dal', 'chawal'], 'customer': 'Gupta'}
    """
    products = [str(e["value"]) for e in entities if e.get("entity") == "product" and e.get("value")]
    found: dict[str, str | list[str]] = {}
    if len(products) == 1:
        for kind in ITEM_ENTITIES:
            value = next((str(e["value"]) for e in entities if e.get("entity") == kind and e.get("value")), None)
            if value is not None:
                found[kind] = value
    elif products:
        found["product"] = products
    for entity in entities:
        kind = entity.get("entity")
        if kind not in ITEM_ENTITIES and kind not in found and entity.get("value"):
            found[kind] = str(entity["value"])
    return found


def ask_which(turn: Turn) -> bool:
    """Ask which of two intents the latest message meant, when it was split between two the person may do."""
    latest = turn.tracker.latest_message or {}
    pair = ambiguous_pair(latest)
    if pair is None or not all(has_flow(intent) for intent in pair):
        return False
    if turn.ctx.actor.role is Role.CUSTOMER and not set(pair) <= CUSTOMER_INTENTS:
        return False
    entities = replayed_entities(latest.get("entities") or [])
    first, second = (intent_name(intent, turn.language) for intent in pair)
    turn.dispatcher.utter_message(response="utter_which_intent", first=first, second=second, buttons=[
        *({"title": intent_name(intent, turn.language).capitalize(), "payload": payload(intent, **entities)}
          for intent in pair),
        {"title": neither(turn.language), "payload": "/help"},
    ])
    return True
