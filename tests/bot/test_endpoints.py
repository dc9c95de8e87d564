"""The scale-out profile through the environment only: endpoints.yml as Rasa gets it, the tracker store the review
app and the notice worker read, and the gateway's turns over the replicas."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot import gateway
from bot.endpoints import configure, endpoints_file
from bot.review.tracker import tracker_store_url

ROOT = Path(__file__).resolve().parents[2]
SCALE_OUT = {
    "HISAAB_TRACKER_STORE_URL": "postgresql://rasa:s3cret@db.internal:5433/conversations",
    "HISAAB_LOCK_STORE_URL": "redis://:pw@cache.internal:6380/2",
    "HISAAB_ACTION_SERVER_URL": "http://127.0.0.1:5155/webhook",
    "HISAAB_ACTIONS_TOKEN": "t" * 40,
}


def test_the_environment_makes_rasas_endpoints_for_the_scale_out_profile():
    config = configure(YAML(typ="safe").load((ROOT / "endpoints.yml").read_text()), SCALE_OUT)
    assert config["tracker_store"] == {"type": "SQL", "dialect": "postgresql", "url": "db.internal", "port": 5433,
                                       "db": "conversations", "username": "rasa", "password": "s3cret"}
    assert config["lock_store"] == {"type": "redis", "url": "cache.internal", "port": 6380, "db": 2,
                                    "key_prefix": "hisaab", "password": "pw"}
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5155/webhook",
                                         "headers": {"Authorization": "Bearer ${HISAAB_ACTIONS_TOKEN}"}}


def test_the_written_copy_is_the_owners_alone_and_the_default_is_the_file_itself(tmp_path):
    endpoints = ROOT / "endpoints.yml"
    assert endpoints_file(tmp_path, endpoints, 5105, {}) == endpoints
    copy = endpoints_file(tmp_path, endpoints, 5105, SCALE_OUT)
    assert copy != endpoints and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert YAML(typ="safe").load(copy.read_text())["lock_store"]["url"] == "cache.internal"


@pytest.mark.parametrize("name, url", [("HISAAB_TRACKER_STORE_URL", "sqlite:///var/rasa.db"),
                                       ("HISAAB_LOCK_STORE_URL", "http://cache:6379")])
def test_a_store_of_the_wrong_kind_is_refused(name, url):
    with pytest.raises(ValueError, match=name):
        configure({}, {name: url})


def test_the_review_app_and_the_notice_worker_read_the_same_tracker_store(monkeypatch):
    monkeypatch.delenv("REVIEW_TRACKER_URL", raising=False)
    monkeypatch.setenv("HISAAB_TRACKER_STORE_URL", SCALE_OUT["HISAAB_TRACKER_STORE_URL"])
    assert tracker_store_url(ROOT) == "postgresql+psycopg://rasa:s3cret@db.internal:5433/conversations"


def test_the_gateway_takes_the_replicas_in_turn_and_skips_one_that_just_failed():
    upstreams = gateway.Upstreams(["http://a", "http://b", "http://c"])
    firsts = [upstreams.order()[0] for _ in range(3)]
    assert firsts == [f"http://{r}{gateway.WEBHOOK_PATH}" for r in "abc"]
    upstreams.failed(f"http://a{gateway.WEBHOOK_PATH}")
    for _ in range(3):
        order = upstreams.order()
        assert order[-1] == f"http://a{gateway.WEBHOOK_PATH}" and len(set(order)) == 3, "tried last, still tried"
