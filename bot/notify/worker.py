"""The notice worker: runs the scheduler's due jobs (each shop's reminder run, daily closing, nightly forecasts
and weekly reorder list, one-off reminders), then takes each shop's due notices (`notices.claim`, under a lease), decides with
`send_rules.decide` whether and how each may go, and sends it through the channel's durable outbox
(`connectors.delivery.Sender`: rate limit, retries, backoff). Any number of workers may run against one database.

A notice's messages go under outbox keys of their own (`notice:<shop>:<id>:<attempt>:<part>`): a worker that dies
after handing one to the outbox leaves it to the next, which finds the key and delivers it rather than sending a
second copy. What WhatsApp later says of each message (delivered, read, failed) is copied onto its notice from the
channel's delivery log, for the owner's "what went out today".
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from actions.slots import ROMAN_DEFAULT
from bot.notify.compose import Composer
from bot.notify.conversations import Conversations
from connectors.delivery import Sender
from connectors.outbound import Outgoing
from erp_core import (
    closing,
    ledger,
    nightly_forecasts,
    notices,
    reminders,
    scheduler,
    send_rules,
    tenants,
    weekly_reorder,
)
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import NoticeKind, ReplyLanguage
from erp_core.models import Tenant
from erp_core.notices import Consent, NoticeView
from erp_core.permissions import Actor

logger = logging.getLogger(__name__)

HANDLERS: dict[str, scheduler.Handler] = {reminders.JOB: reminders.run_daily, reminders.ONE_OFF: reminders.run_one_off,
                                          closing.JOB: closing.run_daily,
                                          nightly_forecasts.JOB: nightly_forecasts.run_nightly,
                                          weekly_reorder.JOB: weekly_reorder.run_weekly}
"""The scheduler's job kinds and what runs each."""
DAILY_CAPS = {NoticeKind.REMINDER: 1}
"""At most this many of a kind a shop day to one person; kinds not named have no cap (each receipt goes)."""
FOLLOW_EVERY = timedelta(minutes=1)
"""How often each shop's standing jobs are checked against its settings."""
STATUS_BATCH = 500


@dataclass
class Tally:
    """What one pass did."""

    jobs: int = 0
    sent: int = 0
    held: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Shop:
    id: int
    phone_number_id: str
    name: str
    timezone: str
    language: str
    """Who has no conversation yet is written to in this: the shop's reply language, else its country's."""


def default_worker_name() -> str:
    """Host and process: what a scheduler job or notice says holds it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def shops(db: Database) -> list[Shop]:
    """Every registered shop with what the worker needs of it."""
    found = []
    for info in tenants.list_tenants(db):
        with db.session(info.id, readonly=True) as session:
            tenant = session.get(Tenant, info.id)
            zone = tenant.timezone if tenant is not None else "Asia/Kolkata"
        language = (ROMAN_DEFAULT[info.country] if info.reply_language is ReplyLanguage.AUTO
                    else info.reply_language.value)
        found.append(Shop(info.id, info.phone_number_id, info.name, zone, language))
    return found


class NoticeWorker:
    def __init__(self, db: Database, sender: Sender, conversations: Conversations, composer: Composer,
                 name: str | None = None, clock: Callable[[], datetime] = utcnow,
                 tenant_ids: Collection[int] | None = None) -> None:
        """`tenant_ids`: serve only these shops (None: every shop)."""
        self.db, self.sender, self.conversations, self.composer = db, sender, conversations, composer
        self.name, self.clock, self.tenant_ids = name or default_worker_name(), clock, tenant_ids
        self._followed: dict[int, datetime] = {}
        self.last_pass: Tally | None = None
        """What the latest pass did (for the health page)."""

    async def tick(self, now: datetime | None = None) -> Tally:
        """One pass at `now`: due jobs, then every shop's due notices, then delivery statuses."""
        now = now or self.clock()
        # in a thread: a job may take minutes (a big shop's nightly forecasts) while statuses keep coming in
        tally = Tally(jobs=await asyncio.to_thread(scheduler.run_due, self.db, HANDLERS, self.name, now,
                                                   tenant_ids=self.tenant_ids))
        for shop in self.shops():
            try:
                self.follow(shop, now)
            except Exception:  # noqa: BLE001 - a shop's standing jobs are checked again next minute
                logger.exception("standing jobs of shop %s", shop.id)
            for notice in notices.claim(self.db, shop.id, self.name, now):
                await self.handle(shop, notice, now, tally)
        await self.copy_statuses()
        return tally

    def shops(self) -> list[Shop]:
        """The shops this worker serves."""
        return [shop for shop in shops(self.db) if self.tenant_ids is None or shop.id in self.tenant_ids]

    def follow(self, shop: Shop, now: datetime) -> None:
        """A shop's standing jobs: the daily reminder run (unless the owner stopped it), the closing summary at
        the time the settings say, the nightly forecasts and the weekly "what to order" message."""
        if now - self._followed.get(shop.id, datetime.min.replace(tzinfo=ZoneInfo("UTC"))) < FOLLOW_EVERY:
            return
        reminders.ensure(self.db, shop.id, now)
        closing.follow_setting(self.db, shop.id, now)
        nightly_forecasts.ensure(self.db, shop.id, now)
        weekly_reorder.ensure(self.db, shop.id, now)
        self._followed[shop.id] = now

    def decide(self, shop: Shop, notice: NoticeView, now: datetime) -> tuple[send_rules.Decision, Consent]:
        """Whether `notice` may go now (and how), and the recipient's consent to it."""
        ctx = Context(self.db, shop.id, Actor.system())
        if notice.kind is NoticeKind.REMINDER and notice.party_id is not None and \
                ledger.balance(ctx, notice.party_id).balance <= 0:
            return send_rules.Decision(False, "settled"), Consent.SEND
        consent = notices.consent_to(ctx, notice.recipient, notice.kind, by_owner=bool(notice.params.get("by_owner")))
        if consent in (Consent.OPTED_OUT, Consent.NOT_AGREED):
            return send_rules.Decision(False, consent.value), consent
        cap = DAILY_CAPS.get(notice.kind)
        sent_today = 0
        if cap is not None:
            local = now.astimezone(ZoneInfo(shop.timezone))
            day_start = datetime.combine(local.date(), time(0), ZoneInfo(shop.timezone))
            sent_today = notices.sent_to_since(ctx, notice.recipient, {notice.kind}, day_start)
        decision = send_rules.decide(
            now, shop.timezone, last_inbound_at=self.conversations.last_inbound(self.conversation(shop, notice)),
            sent_today=sent_today, daily_cap=cap or 1_000_000, their_time=notice.kind is NoticeKind.DAILY_SUMMARY)
        return decision, consent

    @staticmethod
    def conversation(shop: Shop, notice: NoticeView) -> str:
        return f"{shop.phone_number_id}:{notice.recipient}"

    def language(self, shop: Shop, notice: NoticeView) -> str:
        """The recipient's language: their conversation's, else the shop's."""
        return self.conversations.language(self.conversation(shop, notice)) or shop.language

    async def handle(self, shop: Shop, notice: NoticeView, now: datetime, tally: Tally) -> None:
        """Send, hold, skip or fail one claimed notice."""
        try:
            decision, consent = self.decide(shop, notice, now)
            if not decision.send:
                if decision.not_before is not None:
                    notices.hold(self.db, shop.id, notice.id, self.name, decision.not_before, decision.reason)
                    tally.held += 1
                else:
                    notices.skip(self.db, shop.id, notice.id, self.name, decision.reason)
                    tally.skipped += 1
                return
            composed = self.composer.compose(notice, self.language(shop, notice), shop.name,
                                             template=decision.as_template, ask=consent is Consent.SEND_AND_ASK,
                                             tenant_id=shop.id)
            first = ""
            for part, outgoing in enumerate(composed.outgoing):
                key = f"notice:{shop.id}:{notice.id}:{notice.attempts}:{part}"
                wamid = await self.deliver_once(key, shop.phone_number_id, notice.recipient, outgoing)
                if wamid is None:
                    notices.fail(self.db, shop.id, notice.id, self.name, now, "WhatsApp did not take it "
                                 "(see the delivery log)", notice.attempts)
                    tally.failed += 1
                    return
                first = first or wamid
            notices.mark_sent(self.db, shop.id, notice.id, self.name, now, first, composed.as_template)
            tally.sent += 1
        except Exception as error:  # noqa: BLE001 - one notice's failure must not stop the others
            logger.exception("notice %s of shop %s failed", notice.id, shop.id)
            notices.fail(self.db, shop.id, notice.id, self.name, now, f"{type(error).__name__}: {error}",
                         notice.attempts)
            tally.failed += 1

    async def deliver_once(self, key: str, phone_number_id: str, to: str, outgoing: Outgoing) -> str | None:
        """Send under `key` unless it went already: a key still pending (its worker died mid-send) is delivered
        again, a sent one is not; returns the wamid ("sent" when an earlier worker sent it), None on failure."""
        state = await self.sender.store.outbox_state(key)
        if state == "sent":
            return "sent"
        if state == "failed":
            return None
        if state == "pending":
            return await self.sender.deliver(key, Sender.entry(phone_number_id, to, outgoing))
        return await self.sender.send(key, phone_number_id, to, outgoing)

    async def copy_statuses(self) -> None:
        """What WhatsApp said of the messages sent (the channel's delivery log) onto their notices."""
        latest: dict[str, str] = {}
        for row in await self.sender.store.delivery_log(STATUS_BATCH):
            latest.setdefault(row["message_id"], row["status"])
        if latest:
            for shop in self.shops():
                notices.record_delivery(self.db, shop.id, latest)

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Pass after pass until `stop` is set; a failing pass is logged and the next one runs."""
        while not stop.is_set():
            try:
                tally = self.last_pass = await self.tick()
                if tally.sent or tally.failed:
                    logger.info("notices: %d sent, %d held, %d skipped, %d failed", tally.sent, tally.held,
                                tally.skipped, tally.failed)
            except Exception:  # noqa: BLE001 - the worker outlives a bad pass (the database restarting, say)
                logger.exception("notice pass failed")
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except asyncio.TimeoutError:
                pass
