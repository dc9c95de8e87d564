"""The chat about the messages the shop sends on its own, run as the action server runs it (no Rasa): the owner's
reminders (now, on a cycle, once at a time; stopped and resumed per customer or for the shop), the log of what
went, a customer's opt-out and opt-in ("STOP" too), and a customer's own statement from a reminder's button."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import shop as shop_module
from actions.notices import (ActionConsentReminders, ActionMyStatement, ActionSendReminder, ActionSentMessages,
                             ActionStop)
from connectors.metadata import ChannelMetadata
from erp_core import catalog, consents, inventory, notices, parties, reminders, sales, scheduler, shop_settings
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import ConsentPurpose, NoticeKind, NoticeState, PartyKind, Role
from erp_core.models import Party
from erp_core.models.notices import Notice
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import add_tenant, add_user
from tests.actions.test_privacy import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
BUSINESS, OWNER = "5550301", "919800005001"
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    url = f"sqlite:///{tmp_path_factory.mktemp('notices') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    tenant = add_tenant(db, phone_number_id=BUSINESS, name="Ganesh Kirana", state="Maharashtra")
    ctx = Context(db, tenant.id, Actor.system())
    add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    shop_settings.update_settings(ctx, upi_vpa="ganesh@okaxis")
    rice = catalog.add_product(ctx, sku="RICE", name="Chawal", unit="kg", selling_price="60", cost_price="50")
    inventory.receive_stock(ctx, rice.id, "100", "50")
    for name, phone in (("Ravi", "919811130001"), ("Sita", "919811130002"), ("Mohan", "919811130003")):
        party = parties.add_party(ctx, kind=PartyKind.CUSTOMER, name=name, phone=phone)
        sales.post_sale(ctx, [LineIn(product_id=rice.id, quantity=2)], party_id=party.id, payment_mode="credit")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield ctx
        shop_module.database.cache_clear()
    db.dispose()


def run(action, wa_id: str, text: str, intent: str, entities: dict[str, str] | None = None,
        language: str = "hinglish") -> list[dict[str, Any]]:
    metadata = ChannelMetadata(BUSINESS, wa_id, f"wamid.{abs(hash((wa_id, text)))}").to_dict()
    message = {"text": text, "intent": {"name": intent}, "metadata": metadata,
               "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()]}
    tracker = Tracker(f"{BUSINESS}:{wa_id}", {"language": language}, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages


def said(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") or m.get("text") or m.get("custom", {}).get("type") for m in messages]


def party(shop: Context, name: str):
    return parties.resolve_party(shop, name)


def test_the_owner_sends_one_now_and_a_second_the_same_day_is_a_text_to_forward(shop):
    first = run(ActionSendReminder(), OWNER, "Ravi ko reminder bhejo", "send_reminder", {"customer": "Ravi"})
    assert said(first) == ["utter_reminder_queued"] and first[0]["amount"] == "₹120"
    [queued] = [n for n in notices.log(shop, utcnow() - timedelta(hours=1), {NoticeKind.REMINDER})
                if n.party_id == party(shop, "Ravi").id]
    assert queued.params["by_owner"] is True and queued.recipient == "919811130001"
    again = run(ActionSendReminder(), OWNER, "Ravi ko phir reminder bhejo", "send_reminder", {"customer": "Ravi"})
    assert said(again) == ["utter_reminder_text", "utter_reminder_to_whatsapp"]


def every_days(shop: Context, name: str) -> int | None:
    with shop.read() as session:
        return session.get(Party, party(shop, name).id).reminder_every_days


def test_a_cycle_is_set_and_the_owner_is_told_when_the_customer_has_not_agreed(shop):
    replies = run(ActionSendReminder(), OWNER, "Sita ko har 3 din yaad dilate raho", "send_reminder",
                  {"customer": "Sita"})
    assert said(replies) == ["utter_reminder_scheduled_every"] and replies[0]["days"] == 3, "never asked yet"
    assert every_days(shop, "Sita") == 3
    # Sita was asked (the privacy notice) and never said yes: the cycle cannot go; today's is offered to forward
    consents.record(shop, "919811130002", ConsentPurpose.TRANSACTIONAL, True, "test")
    replies = run(ActionSendReminder(), OWNER, "Sita ko har hafte yaad dilana", "send_reminder", {"customer": "Sita"})
    assert said(replies) == ["utter_reminder_scheduled_every", "utter_party_no_reminder_consent",
                             "utter_reminder_text", "utter_reminder_to_whatsapp"]


def test_a_one_off_reminder_tomorrow_morning_is_a_job_at_that_time(shop):
    replies = run(ActionSendReminder(), OWNER, "kal subah 9 baje Mohan ko paison ki yaad dilana", "send_reminder",
                  {"customer": "Mohan", "time": "09:00"})
    assert said(replies) == ["utter_reminder_scheduled_once"]
    tomorrow = (utcnow().astimezone(IST) + timedelta(days=1)).date()
    [job] = [j for j in scheduler.jobs_of(shop.db, shop.tenant_id) if j.kind == reminders.ONE_OFF]
    assert job.due_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(IST) == datetime(
        tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=IST)
    assert replies[0]["when"] == f"{tomorrow:%d %b}, 09:00"


def test_a_customer_who_opted_out_gets_no_reminder_and_the_owner_is_told_since_when(shop):
    run(ActionConsentReminders(), "919811130003", "mujhe koi message mat bhejo", "opt_out")
    replies = run(ActionSendReminder(), OWNER, "Mohan ko reminder bhejo", "send_reminder", {"customer": "Mohan"})
    assert said(replies)[0] == "utter_party_opted_out"
    assert said(replies)[1:] == ["utter_reminder_text", "utter_reminder_to_whatsapp"]
    run(ActionConsentReminders(), "919811130003", "reminder phir se chalu karo", "opt_in")
    assert consents.may_send(shop, "919811130003", ConsentPurpose.REMINDERS)


def test_the_owner_stops_and_resumes_one_customers_reminders_or_the_shops(shop):
    assert said(run(ActionConsentReminders(), OWNER, "Ravi ke reminders band karo", "opt_out",
                    {"customer": "Ravi"})) == ["utter_reminders_stopped_for"]
    assert every_days(shop, "Ravi") == 0 and not consents.current(shop, OWNER), "no choice recorded for the owner"
    assert said(run(ActionConsentReminders(), OWNER, "Ravi ko reminder phir bhejna", "opt_in",
                    {"customer": "Ravi"})) == ["utter_reminders_resumed_for"]
    assert every_days(shop, "Ravi") is None
    assert said(run(ActionConsentReminders(), OWNER, "saare reminders band karo", "opt_out")) == [
        "utter_reminders_stopped_shop"]
    assert [j.status for j in scheduler.jobs_of(shop.db, shop.tenant_id) if j.kind == reminders.JOB] == ["cancelled"]
    assert said(run(ActionConsentReminders(), OWNER, "reminders chalu karo", "opt_in")) == [
        "utter_reminders_started_shop"]
    assert [j.status for j in scheduler.jobs_of(shop.db, shop.tenant_id) if j.kind == reminders.JOB] == ["pending"]


def test_stop_from_a_customer_stops_the_shops_messages_and_from_the_owner_stops_nothing(shop):
    assert said(run(ActionStop(), "919811130009", "STOP", "stop")) == ["utter_messages_stopped"]
    choice = consents.current(shop, "919811130009")[ConsentPurpose.REMINDERS]
    assert not choice.granted and choice.source.startswith("whatsapp message wamid.")
    assert said(run(ActionStop(), OWNER, "stop", "stop")) == ["utter_form_cancelled"]
    assert ConsentPurpose.REMINDERS not in consents.current(shop, OWNER)


def test_the_sent_log_says_what_went_and_what_whatsapp_said_of_it(shop):
    since = utcnow() - timedelta(hours=1)
    rows = [n for n in notices.log(shop, since) if n.kind is NoticeKind.CREDIT_RECEIPT]
    assert rows, "the credit sales queued receipts"
    with shop.db.session(shop.tenant_id) as session:
        row = session.get(Notice, rows[0].id)
        row.state, row.sent_at, row.message_id, row.delivery = NoticeState.SENT, utcnow(), "wamid.x", "read"
        session.commit()
    [reply] = run(ActionSentMessages(), OWNER, "aaj kaun se messages gaye", "sent_messages", language="en")
    assert reply["response"] == "utter_sent_log" and reply["period"] == "Today"
    assert f"{rows[0].params['name']}: credit receipt, ✓✓ read" in reply["lines"]
    assert "⏳ to go" in reply["lines"]


def test_a_customer_gets_their_own_statement_and_a_stranger_is_told_there_is_none(shop):
    [document] = run(ActionMyStatement(), "919811130001", "/my_statement", "my_statement")
    assert document["custom"]["type"] == "document" and document["custom"]["path"].endswith(".pdf")
    assert "₹120" in document["custom"]["caption"]
    assert said(run(ActionMyStatement(), "919811139999", "/my_statement", "my_statement")) == [
        "utter_my_statement_unknown"]
