"""The privacy notice at session start and the reminders opt-in, run as the action server runs them (no Rasa)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import shop as shop_module
from actions.language import LANGUAGES
from actions.notices import ActionConsentReminders
from actions.privacy import ActionSessionStart
from actions.responses import variation
from connectors.metadata import ChannelMetadata
from erp_core import consents, shop_settings
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import ConsentPurpose, Role
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant, add_user

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
INDIA, NEPAL, OWNER = "5550101", "5550102", "919800000001"


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Context]]:
    """A shop in India and one in Nepal, found by the actions through ERP_DATABASE_URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    found = {}
    for number, country in ((INDIA, "IN"), (NEPAL, "NP")):
        tenant = add_tenant(db, phone_number_id=number, name=f"Shop {country}", country=country)
        found[number] = Context(db, tenant.id, Actor.system())
    add_user(found[INDIA], wa_id=OWNER, role=Role.OWNER, name="owner")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield found
        shop_module.database.cache_clear()
    db.dispose()


def start_session(business: str, wa_id: str, slots: dict[str, Any] | None = None
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rasa starting a session for a message from `wa_id` to `business`: what was said, and the events."""
    metadata = ChannelMetadata(business, wa_id, f"wamid.{wa_id}.1").to_dict()
    tracker = Tracker(f"{business}:{wa_id}", {**(slots or {}), "session_started_metadata": metadata}, {}, [], False,
                      None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSessionStart().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_a_new_number_gets_the_notice_once_and_its_consent_is_recorded(shops):
    said, events = start_session(INDIA, "919811100001")
    [notice] = said
    assert notice["text"] == variation(DOMAIN, "utter_privacy_notice", "hinglish")["text"]
    assert [b["payload"] for b in notice["buttons"]] == ["/consent_reminders_yes", "/consent_reminders_no"]
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    [given] = consents.history(shops[INDIA], "919811100001")
    assert (given.purpose, given.granted, given.source) == (ConsentPurpose.TRANSACTIONAL, True,
                                                            "whatsapp message wamid.919811100001.1")
    again, _ = start_session(INDIA, "919811100001")
    assert again == []


def test_the_notice_speaks_the_conversation_language_else_the_shops_country(shops):
    nepali, _ = start_session(NEPAL, "9779811100002")
    assert nepali[0]["text"] == variation(DOMAIN, "utter_privacy_notice", "ne")["text"]
    english, events = start_session(INDIA, "919811100003", {"language": "en", "form_items": None})
    assert english[0]["text"].startswith("🔒 Privacy: the shop keeps")
    assert [(e["name"], e["value"]) for e in events if e["event"] == "slot"][0] == ("language", "en")


def test_a_shop_set_to_a_language_gives_its_notice_in_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'erp.db'}"
    db = Database(url)
    db.migrate()
    tenant = add_tenant(db, phone_number_id="5550103", name="Set Pasal", country="NP")
    shop_settings.update_settings(Context(db, tenant.id, Actor.system()), reply_language="ne_roman")
    monkeypatch.setenv("ERP_DATABASE_URL", url)
    shop_module.database.cache_clear()
    try:
        said, _ = start_session("5550103", "9779811100009", {"language": "en"})
    finally:
        shop_module.database.cache_clear()
        db.dispose()
    assert said[0]["text"] == variation(DOMAIN, "utter_privacy_notice", "ne_roman")["text"]
    assert said[0]["text"].startswith("🔒 Gopaniyata")


def test_the_shops_people_and_unknown_businesses_get_no_notice(shops):
    assert start_session(INDIA, OWNER)[0] == []
    said, events = start_session("5559999", "919811100004")
    assert said == [] and events[0]["event"] == "session_started"


@pytest.mark.parametrize("intent, granted, reply", [
    ("consent_reminders_yes", True, "utter_reminders_on"), ("consent_reminders_no", False, "utter_reminders_off")])
def test_the_buttons_record_the_reminders_choice(shops, intent, granted, reply):
    wa_id = "919811100005"
    metadata = ChannelMetadata(INDIA, wa_id, f"wamid.{intent}").to_dict()
    tracker = Tracker(f"{INDIA}:{wa_id}", {"language": "en"},
                      {"text": f"/{intent}", "intent": {"name": intent}, "metadata": metadata}, [], False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    ActionConsentReminders().run(dispatcher, tracker, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == [reply]
    assert consents.may_send(shops[INDIA], wa_id, "reminders") is granted
    assert consents.current(shops[INDIA], wa_id)[ConsentPurpose.REMINDERS].source == f"whatsapp message wamid.{intent}"


def test_every_language_has_its_notice_and_answers():
    for response in ("utter_privacy_notice", "utter_reminders_on", "utter_reminders_off"):
        texts = {variation(DOMAIN, response, language)["text"] for language in LANGUAGES}
        assert len(texts) == len(LANGUAGES), response
