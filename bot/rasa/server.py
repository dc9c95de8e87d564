"""`rasa run` for our Rasa environment, with two fixes to Rasa 3.6.21 (its last release).

First, Rasa wraps the tracker store in a `FailSafeTrackerStore`: while the database is away, reading a conversation
answers "no conversation" and saving one keeps it in that process's memory only, so a customer's open form is
silently forgotten (a "haan" then confirms nothing, or a sale is asked for again). Here the tracker store's errors
reach the caller instead: the WhatsApp channel keeps the message and handles it again once the database is back
(`connectors.shared_inbox`), and the REST channel answers 500.

Second, Rasa checks every action server response with `jsonschema.validate(response, spec)`,
which first validates the *spec* against the JSON Schema meta-schema and builds a new
validator, on every call. With jsonschema 4.17 that costs about 17 ms a response, and a
WhatsApp message makes two action calls (`action_validate_slot_mappings` and the
answering action): half of the Rasa process's CPU (docs/benchmarks.md, "WhatsApp
channel"). Here the spec is checked once and its validator reused. Responses are still
validated against the same spec, and a bad one still raises the same `ValidationError`
with Rasa's message.

Run from the repository root in the Rasa environment, with `rasa run`'s arguments:

    .venv/rasa/bin/python -m bot.rasa.server run --enable-api --model models/...
"""

from __future__ import annotations

import functools
import os
from typing import Any

from jsonschema import Draft202012Validator, validators
from rasa.core.actions.action import RemoteAction

_RASA_VALIDATE_ACTION_RESULT = RemoteAction._validate_action_result


@functools.cache
def action_response_validator() -> Draft202012Validator:
    """The validator of Rasa's action server response format, built and checked once."""
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's `RemoteAction._validate_action_result` with the validator built once."""
    if action_response_validator().is_valid(result):
        return True
    return _RASA_VALIDATE_ACTION_RESULT(action, result)  # raises Rasa's ValidationError, explained as Rasa does


def strict_tracker_store(store: Any, domain: Any) -> Any:
    """Rasa's `Agent._create_tracker_store` without the `FailSafeTrackerStore` around the store."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    if store is None:
        return InMemoryTrackerStore(domain)
    store.domain = domain
    return store


def install() -> None:
    """Make every `RemoteAction` in this process validate responses with the reused validator, and every agent's
    tracker store raise its errors."""
    from rasa.core.agent import Agent

    RemoteAction._validate_action_result = validate_action_result
    Agent._create_tracker_store = staticmethod(strict_tracker_store)


REQUEST_MAX_SIZE = 8 * 1024 * 1024
"""Sanic's limit on a request to Rasa (its default is 100 MB): WhatsApp webhooks stop at 1 MB in the channel,
and the largest body we send Rasa, the review app's held-out NLU test data, is well under this."""


def main() -> None:
    """Rasa's command line, after `install()`, with Sanic's request size limit set (Sanic reads
    SANIC_REQUEST_MAX_SIZE when Rasa creates its app; an explicit setting in the environment wins)."""
    install()
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(REQUEST_MAX_SIZE))
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
