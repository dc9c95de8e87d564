"""Play Rasa test stories against running servers and compare what happened with what the story says.

A test story (Rasa's format: `user` text with its `intent` and `entities`,
`action`, `active_loop` and `slot_was_set` steps) is sent turn by turn through
the REST channel, as the WhatsApp channel would send it, and the conversation's
tracker is then read back from Rasa. The story passes when the intents, entities
and actions happened in the story's order and the slots, loops and bot replies it
names were set or said. Rasa's own steps that stories leave out (action_listen, action_extract_slots,
action_session_start) are ignored.

A story's `metadata` says who is speaking: `sender: owner` (a new owner's number,
the default), `sender: customer` (a customer in the shop's khata) or `sender: new
customer` (a number the shop has never seen, with its WhatsApp `profile_name`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

IMPLICIT_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start"}


@dataclass
class Story:
    name: str
    steps: list[dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def sender(self) -> str:
        return self.metadata.get("sender", "owner")


def load_stories(path: Path) -> list[Story]:
    """The stories of a Rasa test-story file."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [Story(s["story"], s["steps"], s.get("metadata") or {}) for s in data["stories"]]


def observed_steps(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A tracker's events as story steps, in order (what `rasa interactive` would have written).

    The bot's replies are kept as `bot` steps for whoever reads a failure; the comparison skips them.
    """
    steps: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            entities = [{e["entity"]: str(e.get("value"))} for e in parse.get("entities", [])]
            steps.append({"user": event.get("text"), "intent": (parse.get("intent") or {}).get("name"),
                          "entities": entities})
        elif kind == "bot":
            steps.append({"bot": event.get("text") or (event.get("data") or {}).get("custom")})
        elif kind == "action" and event.get("name") not in IMPLICIT_ACTIONS:
            steps.append({"action": event["name"]})
        elif kind == "active_loop":
            steps.append({"active_loop": event.get("name")})
        elif kind == "slot":
            steps.append({"slot_was_set": {event["name"]: event.get("value")}})
    return steps


def _expected_slots(step: dict[str, Any]) -> list[dict[str, Any]]:
    slots = []
    for slot in step["slot_was_set"]:
        slots.append(slot if isinstance(slot, dict) else {slot: None})
    return slots


def mismatch(story: Story, observed: list[dict[str, Any]]) -> str | None:
    """Why the observed steps do not follow the story, or None when they do.

    Intents, entities and actions must come in the story's order with nothing
    left out or added between them; `active_loop`, `slot_was_set` and `bot` steps
    must show up before the next user turn (a slot named without a value only has
    to be set; a bot step is the reply's exact text).
    """
    position = 0
    for number, step in enumerate(story.steps, 1):
        if "user" in step or "intent" in step:
            wanted = lambda s: "intent" in s  # noqa: E731
        elif "action" in step:
            wanted = lambda s: "action" in s  # noqa: E731
        else:
            if not _fact_happened(step, observed, max(position - 1, 0)):
                return f"step {number} {step} did not happen around step {number - 1}"
            continue
        while position < len(observed) and not wanted(observed[position]):
            position += 1
        if position == len(observed):
            return f"step {number} {step}: the conversation ended before it"
        got = observed[position]
        if "action" in step and got["action"] != step["action"]:
            return f"step {number}: expected action {step['action']}, Rasa ran {got['action']}"
        if "intent" in step and got["intent"] != step["intent"]:
            return f"step {number}: {step.get('user', '').strip()!r} expected intent {step['intent']}, got {got['intent']}"
        for entity in step.get("entities") or []:
            expected = entity if isinstance(entity, dict) else {entity: None}
            if not any(_entity_matches(expected, e) for e in got["entities"]):
                return f"step {number}: {got['user']!r} expected entity {expected}, got {got['entities']}"
        position += 1
    extra = [s["action"] for s in observed[position:] if "action" in s]
    return f"after the last step Rasa also ran {extra}" if extra else None


def _entity_matches(expected: dict[str, Any], got: dict[str, str]) -> bool:
    (name, value), = expected.items()
    return name in got and (value is None or str(value).casefold() == got[name].casefold())


def _fact_happened(step: dict[str, Any], observed: list[dict[str, Any]], start: int) -> bool:
    """Whether an active_loop, slot_was_set or bot step shows up from `start` up to the next user turn."""
    end = next((i for i in range(start + 1, len(observed)) if "intent" in observed[i]), len(observed))
    window = observed[start:end]
    if "active_loop" in step:
        return any("active_loop" in s and s["active_loop"] == step["active_loop"] for s in window)
    if "bot" in step:
        return any(s.get("bot") == step["bot"] for s in window)
    return all(any(name in s.get("slot_was_set", {}) and (value is None or s["slot_was_set"][name] == value)
                   for s in window)
               for slot in _expected_slots(step) for name, value in slot.items())


def play(rasa_url: str, story: Story, wa_id: str, metadata: dict[str, Any],
         sender: str | None = None) -> list[dict[str, Any]]:
    """Send the story's user turns as `wa_id` in the conversation `sender` (Rasa's sender id, `wa_id` unless
    given) and return the steps observed since the story began."""
    sender = sender or wa_id
    with httpx.Client(base_url=rasa_url, timeout=60) as client:
        earlier = len(client.get(f"/conversations/{sender}/tracker").raise_for_status().json()["events"])
        for step in story.steps:
            if "user" in step:
                text = step["user"].strip()
                client.post("/webhooks/rest/webhook", json={
                    "sender": sender, "message": text, "metadata": {**metadata, "wa_id": wa_id},
                }).raise_for_status()
        tracker = client.get(f"/conversations/{sender}/tracker").raise_for_status().json()
    return observed_steps(tracker["events"][earlier:])
