"""The help menu: what the bot can do, as a WhatsApp list in the person's language.

Sent for "help", for anything the NLU does not understand (`nlu_fallback`) and when no policy is
sure what to do next (`action_default_fallback`), so an out-of-scope message ("kal baarish hogi?")
gets the menu. A message the NLU split between two business intents gets a question instead
("Bikri ya stock aaya?", actions/ambiguity.py). Each row's payload is an example intent. A customer sees only what a customer may do.
"""

from __future__ import annotations

from rasa_sdk.events import EventType, UserUtteranceReverted

from actions.ambiguity import ask_which
from actions.base import ShopAction, Turn
from actions.choices import Choice, offer
from actions.phrases import help_rows, phrase
from erp_core.enums import Role


class ActionHelp(ShopAction):
    def name(self) -> str:
        return "action_help"

    def act(self, turn: Turn) -> list[EventType]:
        if ask_which(turn):
            return []
        rows = help_rows(turn.language, customer=turn.ctx.actor.role is Role.CUSTOMER)
        offer(turn, phrase("help_body", turn.language),
              [Choice(payload, title, example) for payload, title, example in rows],
              header=phrase("help_header", turn.language), as_list=True)
        return []


class ActionDefaultFallback(ActionHelp):
    """Rasa's `action_default_fallback` (no policy was sure what to do): the help menu, and the message is forgotten."""

    def name(self) -> str:
        return "action_default_fallback"

    def act(self, turn: Turn) -> list[EventType]:
        return [*super().act(turn), UserUtteranceReverted()]
