"""bot.rasa.server: Rasa's action-response check, with the validator built once, judges as Rasa does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RESPONSES = [
    {"events": [{"event": "slot", "timestamp": None, "name": "language", "value": "hinglish"}], "responses": []},
    {"events": [], "responses": [{"text": "Maggi: 120 packet", "buttons": [{"title": "Haan", "payload": "/affirm"}],
                                  "custom": {}, "template": None, "response": None, "image": None,
                                  "attachment": None, "elements": []}]},
    {},
    {"events": "not a list", "responses": []},
    {"events": [{"timestamp": None}], "responses": []},
    {"events": [{"event": "slot", "name": "language"}], "responses": [{"text": 5}]},
    {"events": [], "responses": "hello"},
]

CHECK = """
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from bot.rasa import server as rasa_server

action = RemoteAction("action_answer", None)

def outcome(response):
    try:
        return ["valid", action._validate_action_result(response)]
    except ValidationError as error:
        return ["invalid", error.message]

responses = json.loads(sys.stdin.read())
rasa_says = [outcome(r) for r in responses]
rasa_server.install()
we_say = [outcome(r) for r in responses]
print(json.dumps({"rasa": rasa_says, "ours": we_say}))
"""


def test_installed_check_gives_rasas_verdict_and_message_for_each_response():
    done = subprocess.run([str(ROOT / ".venv" / "rasa" / "bin" / "python"), "-c", CHECK], input=json.dumps(RESPONSES),
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    verdicts = json.loads(done.stdout.strip().splitlines()[-1])
    assert verdicts["ours"] == verdicts["rasa"]
    assert [kind for kind, _ in verdicts["ours"]] == ["valid", "valid", "valid", "invalid", "invalid", "invalid", "invalid"]
    assert all("Failed to validate Action server response" in message for kind, message in verdicts["ours"] if kind == "invalid")


STRICT = """
import asyncio
from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from bot.rasa import server as rasa_server

class Away(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("the database is restarting")

    async def save(self, tracker):
        raise ConnectionError("the database is restarting")

def attempt(store, call):
    try:
        asyncio.run(call(store))
        return "went through"
    except ConnectionError:
        return "raised"

domain = Domain.empty()
calls = [lambda s: s.retrieve("100:9198"), lambda s: s.save(InMemoryTrackerStore(domain).init_tracker("100:9198"))]
rasa_does = [attempt(Agent._create_tracker_store(Away(domain), domain), call) for call in calls]
rasa_server.install()
we_do = [attempt(Agent._create_tracker_store(Away(domain), domain), call) for call in calls]
print(rasa_does, we_do)
"""


def test_a_tracker_store_that_is_away_raises_instead_of_forgetting_the_conversation():
    done = subprocess.run([str(ROOT / ".venv" / "rasa" / "bin" / "python"), "-c", STRICT], capture_output=True,
                          text=True, cwd=ROOT, timeout=300,
                          env={"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['went through', 'went through'] ['raised', 'raised']"
