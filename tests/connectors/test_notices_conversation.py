"""The shop speaks first, end to end: the owner books a credit sale by chat, the customer gets the receipt in
their language on their own WhatsApp, a week later a reminder with a UPI link for exactly what is due, the
customer writes "STOP", and no reminder comes after. Real processes throughout (simulator, Rasa with the WhatsApp
channel, action server); the notice worker runs here on a clock of the test's own, against the channel's
outbox and Rasa's tracker store. And the simulator page shows the template as the phone would, its quick-reply
buttons working."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import create_engine

from bot.notify.compose import Composer
from bot.notify.conversations import Conversations
from bot.notify.worker import NoticeWorker
from connectors.delivery import Sender
from connectors.graph import GraphClient
from connectors.ratelimit import RateLimiter
from connectors.store import SQLiteStore
from erp_core import catalog, consents, inventory, ledger, parties, shop_settings, tenants, upi
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import ConsentPurpose, PartyKind, Role
from erp_core.permissions import Actor
from tests.connectors.replies import said_by, words
from tests.connectors.simulator_process import ACCESS_TOKEN, ROOT

IST = ZoneInfo("Asia/Kolkata")
SHOP_UPI = "kamakhya@okaxis"
_businesses = itertools.count(100000000000901)


class Shop:
    """A shop of its own in the stack's books (its own business number), and a notice worker serving it."""

    def __init__(self, stack, tmp_path) -> None:
        self.stack, self.business = stack, str(next(_businesses))
        self.db = Database(f"sqlite:///{stack.tmp / 'erp.db'}")
        tenant = tenants.add_tenant(self.db, phone_number_id=self.business, name="Kamakhya Stores",
                                    state="Maharashtra")
        self.ctx = Context(self.db, tenant.id, Actor.system())
        self.owner = f"9198000{self.business[-5:]}"
        tenants.add_user(self.ctx, wa_id=self.owner, role=Role.OWNER, name="owner")
        shop_settings.update_settings(self.ctx, upi_vpa=SHOP_UPI)
        rice = catalog.add_product(self.ctx, sku="RICE", name="Chawal", unit="kg", selling_price="60",
                                   cost_price="50")
        inventory.receive_stock(self.ctx, rice.id, "100", "50")
        consents.record(self.ctx, self.owner, ConsentPurpose.TRANSACTIONAL, True, "cli")   # no privacy notice
        domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
        self.loop = asyncio.new_event_loop()
        sender = Sender(GraphClient(stack.sim.graph_url, ACCESS_TOKEN), SQLiteStore(stack.store_path),
                        RateLimiter(1000))
        self.worker = NoticeWorker(self.db, sender, Conversations(create_engine(f"sqlite:///{stack.tmp / 'tracker.db'}")),
                                   Composer(domain, tmp_path / "charts"), name="test", tenant_ids={tenant.id})

    def tick(self, at: datetime) -> None:
        self.loop.run_until_complete(self.worker.tick(at))

    def say(self, wa_id: str, text: str = "", replies: int = 1, **message) -> list[dict]:
        """Send from `wa_id` on the simulator and wait for `replies` more replies; the new ones."""
        before = len(self.stack.replies(self.business, wa_id))
        self.stack.sim.send(business=self.business, customer=wa_id, **({"type": "text", "text": text} | message))
        return self.stack.wait_for_replies(self.business, wa_id, before + replies)[before:]

    def received(self, wa_id: str) -> list[dict]:
        return self.stack.replies(self.business, wa_id)

    def close(self) -> None:
        self.loop.run_until_complete(self.worker.sender.client.close())
        self.loop.run_until_complete(self.worker.sender.store.close())
        self.loop.close()
        self.db.dispose()


@pytest.fixture
def shop(stack, tmp_path) -> Iterator[Shop]:
    found = Shop(stack, tmp_path)
    yield found
    found.close()


def daytime() -> datetime:
    """Now, or the next 10:30 in the shop's day when now is in its quiet hours (a notice then waits till morning)."""
    now = utcnow().astimezone(IST)
    if time(8) <= now.time() < time(21):
        return now
    return ten_thirty(1 if now.time() >= time(21) else 0)


def ten_thirty(days_later: int) -> datetime:
    day = utcnow().astimezone(IST).date() + timedelta(days=days_later)
    return datetime.combine(day, time(10, 30), IST)


def test_credit_sale_receipt_a_week_later_a_reminder_with_its_upi_link_then_stop(shop):
    customer = "919811188801"
    ramesh = parties.add_party(shop.ctx, kind=PartyKind.CUSTOMER, name="Ramesh", phone=customer)
    # the customer wrote to the shop before, in Hindi, and said yes to reminders under the privacy notice (said
    # in the shop's country's language: it comes before the message is read)
    notice, greeting = shop.say(customer, "नमस्ते", replies=2)
    assert "Privacy" in words(notice) and "नमस्ते" in words(greeting)
    shop.say(customer, type="button_reply", id="/consent_reminders_yes", title="हाँ, याद दिलाएँ")
    # the owner books a credit sale in chat
    asked = shop.say(shop.owner, "Ramesh ko 2 kilo chawal udhaar diya")
    assert "Ramesh" in words(asked[-1]) and "₹120" in words(asked[-1])
    shop.say(shop.owner, type="button_reply", id="/affirm", title="✅ Haan")
    assert ledger.balance(shop.ctx, ramesh.id).balance == Decimal("120")

    shop.tick(utcnow())
    receipt = shop.received(customer)[-1]
    assert words(receipt) == "🧾 Kamakhya Stores: ₹120 आपके खाते में लिखा गया, कुल बाकी ₹120", "in Hindi, as free text"

    shop.tick(ten_thirty(3))
    shop.tick(ten_thirty(7))
    reminder = shop.received(customer)[-1]
    assert (reminder["type"], reminder["template"]["name"], reminder["template"]["language"]["code"]) == (
        "template", "payment_reminder", "hi"), "a week later the window has closed: the approved template"
    shop_name, amount, days, link = [p["text"] for p in reminder["template"]["components"][0]["parameters"]]
    assert (shop_name, amount, days) == ("Kamakhya Stores", "₹120", "7")
    assert (upi.parse_link(link).amount, upi.parse_link(link).payee) == (Decimal("120.00"), SHOP_UPI)

    [stopped] = shop.say(customer, "STOP")
    assert words(stopped) in said_by("utter_messages_stopped")
    assert not consents.may_send(shop.ctx, customer, ConsentPurpose.REMINDERS)
    count = len(shop.received(customer))
    for days_later in (14, 21):
        shop.tick(ten_thirty(days_later))
    assert len(shop.received(customer)) == count, "no more reminders"


def test_the_simulator_page_shows_a_template_with_its_words_and_its_buttons_answer(shop, stack):
    from playwright.sync_api import expect, sync_playwright

    customer = "919811188802"
    party = parties.add_party(shop.ctx, kind=PartyKind.CUSTOMER, name="Lata", phone=customer)
    ledger.record_payment(shop.ctx, party.id, "200", "cash")
    shop.tick(daytime())                      # Lata never wrote: the receipt goes as the approved template
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(stack.sim.url)
        page.get_by_test_id("business").fill(shop.business)
        page.get_by_test_id("business").dispatch_event("change")
        page.get_by_test_id("customer").fill(customer)
        page.get_by_test_id("customer").dispatch_event("change")
        bubble = page.get_by_test_id("bot-message").first
        expect(bubble).to_contain_text("Kamakhya Stores: aapke ₹200 mil gaye, dhanyavaad. Ab khate mein baaki:")
        expect(page.get_by_test_id("template-button")).to_have_text(
            ["Statement bhejo", "Haan, reminder bhejo", "Messages band karo"])
        page.get_by_test_id("template-button").nth(2).click()
        expect(page.get_by_test_id("customer-message").last).to_contain_text("Messages band karo")
        browser.close()
    answers = stack.wait_for_replies(shop.business, customer, 3)[1:]     # the privacy notice, then the answer
    assert words(answers[-1]) in said_by("utter_messages_stopped")
    assert consents.current(shop.ctx, customer)[ConsentPurpose.REMINDERS].granted is False
