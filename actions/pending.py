"""One-step commands that write ask first: the command waits in the `pending_command` slot until "haan" or "nahi".

An action that wants a yes stores `pending_value("cancel_order", order_id=7)` and says a response with
`/affirm` and `/deny` buttons; rules (data/rules.yml) send the answer to `action_confirm_pending` or
`action_drop_pending`. Modules register what a confirmed command does with `@executes("cancel_order")`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rasa_sdk.events import EventType, SlotSet

from actions.base import ShopAction, Turn

PENDING_SLOT = "pending_command"
Executor = Callable[[Turn, dict[str, Any], str], None]
"""Runs a confirmed command: the turn, the command's parameters and an idempotency key."""
_EXECUTORS: dict[str, Executor] = {}


def executes(command: str) -> Callable[[Executor], Executor]:
    """Register the function that carries out `command` once the person confirms it."""
    def register(function: Executor) -> Executor:
        _EXECUTORS[command] = function
        return function
    return register


def pending_value(command: str, **params: Any) -> str:
    """The slot value for a command waiting for a yes."""
    return json.dumps({"command": command, **params}, ensure_ascii=False, sort_keys=True)


def read_pending(value: str | None) -> tuple[str, dict[str, Any]] | None:
    """The command and its parameters from the slot value, or None when nothing (readable) waits."""
    if not value:
        return None
    try:
        params = json.loads(value)
    except ValueError:
        return None
    if not isinstance(params, dict) or not isinstance(params.get("command"), str):
        return None
    return params.pop("command"), params


def idempotency_key(turn: Turn) -> str:
    """One key per confirming message, so a redelivered tap does not write twice."""
    return f"chat:{turn.tracker.sender_id}:{turn.tracker.latest_message.get('message_id') or ''}"


class ActionConfirmPending(ShopAction):
    def name(self) -> str:
        return "action_confirm_pending"

    def act(self, turn: Turn) -> list[EventType]:
        pending = read_pending(turn.slot(PENDING_SLOT))
        if pending is None or pending[0] not in _EXECUTORS:
            turn.say("utter_nothing_pending")
            return [SlotSet(PENDING_SLOT, None)]
        command, params = pending
        _EXECUTORS[command](turn, params, idempotency_key(turn))
        return [SlotSet(PENDING_SLOT, None)]

    def after_error(self, turn: Turn, error) -> list[EventType]:  # type: ignore[no-untyped-def]
        return [SlotSet(PENDING_SLOT, None)]


class ActionDropPending(ShopAction):
    def name(self) -> str:
        return "action_drop_pending"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("utter_dropped")
        return [SlotSet(PENDING_SLOT, None)]
