"""The shape every shop action shares: find the shop and the person, answer in their language.

A subclass names itself and implements `act(turn)`. `ShopAction.run` builds
the `Turn` (dispatcher, tracker, erp_core `Context`, reply language), answers
"not registered" for an unknown business number, and renders any erp_core
`DomainError` in the person's language, so actions stay thin:

    class ActionLowStock(ShopAction):
        def name(self) -> str:
            return "action_low_stock"

        def act(self, turn: Turn) -> list[EventType]:
            rows = inventory.low_stock(turn.ctx)
            turn.say("utter_low_stock", items=...)
            return []
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.language import reply_language
from actions.shop import shop_context
from erp_core.context import Context
from erp_core.errors import DomainError
from erp_core.messages import render


@dataclass
class Turn:
    """One run of an action: who wrote, to which shop, in which language."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    ctx: Context
    language: str
    domain: dict[str, Any] = field(default_factory=dict)
    """The domain rasa-sdk handed to the action (its responses, for a message rendered to someone else)."""

    def entity(self, name: str) -> str | None:
        """The first value of entity `name` in the latest message, if any."""
        return next(self.tracker.get_latest_entity_values(name), None)

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    def say(self, response: str, **params: Any) -> None:
        """Send domain response `response`; Rasa picks the variation for the `language` slot."""
        self.dispatcher.utter_message(response=response, **params)

    def error(self, error: DomainError) -> None:
        """Tell the person what went wrong, in their language."""
        self.dispatcher.utter_message(text=render(error, self.language))


def turn_language(tracker: Tracker) -> str:
    """The language to answer in: the `language` slot, else guessed from the latest text."""
    return tracker.get_slot("language") or reply_language(tracker.latest_message.get("text") or "")


def open_turn(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any] | None = None) -> Turn | None:
    """The turn of the person who wrote, or None once they were told why nothing can be done for them
    (a business number that is not registered; in production, a sender the channel did not vouch for)."""
    language = turn_language(tracker)
    try:
        ctx = shop_context(tracker)
    except DomainError as error:
        dispatcher.utter_message(text=render(error, language))
        return None
    if ctx is None:
        dispatcher.utter_message(response="utter_not_registered")
        return None
    return Turn(dispatcher, tracker, ctx, language, domain or {})


class ShopAction(Action, ABC):
    """A custom action that works on one shop's books as the person who wrote."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = open_turn(dispatcher, tracker, domain)
        if turn is None:
            return []
        try:
            return self.act(turn)
        except DomainError as error:
            turn.error(error)
            return self.after_error(turn, error)

    @abstractmethod
    def act(self, turn: Turn) -> list[EventType]:
        """Do the work for this turn and say the answer; return the events to apply."""

    def after_error(self, turn: Turn, error: DomainError) -> list[EventType]:
        """Events to apply after `error` was told to the person (forms reset their slots here)."""
        return []
