"""Messages the shop sends on its own, queued with what they are about and sent later by a worker.

A payment, a credit sale or an order step queues its notice in the same transaction (`queue`), so a message is
never lost and, being keyed (`receipt:payment:41`), never doubled; scheduled work (a reminder cycle, the daily
summary) queues its notices when it runs. A worker takes what is due (`claim`, under a lease), asks
`send_rules.decide` whether it may go now, and marks each one `sent`, `held` until later, `skipped` for good, or
failed (tried again later, then given up). `log` is what the
owner sees ("kaun kaun se reminder gaye aaj").
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from erp_core import consents
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.decimal_json import dumps
from erp_core.enums import ConsentPurpose, NoticeKind, NoticeState, Role
from erp_core.models import User
from erp_core.models.notices import Notice
from erp_core.permissions import Permission


CUSTOMER_KINDS = frozenset({NoticeKind.REMINDER, NoticeKind.PAYMENT_RECEIPT, NoticeKind.CREDIT_RECEIPT,
                            NoticeKind.ORDER_UPDATE})
"""What goes to customers, under their consent; the rest goes to the shop's owners."""


class Consent(StrEnum):
    """Whether a customer may get a notice (the DPDP Act; docs/privacy.md)."""

    SEND = "send"
    SEND_AND_ASK = "send_and_ask"
    """Never asked: it goes, with the question whether they want such messages (asked once)."""
    OPTED_OUT = "opted_out"
    """They said no, or "STOP": nothing but replies to their own messages."""
    NOT_AGREED = "not_agreed"
    """A cycle's reminder to someone asked who has not said yes (reminders are opt-in; receipts are not)."""


class NoticeView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    kind: NoticeKind
    key: str
    recipient: str
    party_id: int | None
    params: dict[str, Any]
    not_before: datetime
    state: NoticeState
    reason: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    message_id: str
    delivery: str
    as_template: bool


def _view(row: Notice) -> NoticeView:
    return NoticeView(id=row.id, kind=row.kind, key=row.key, recipient=row.recipient, party_id=row.party_id,
                      params=json.loads(row.params), not_before=row.not_before, state=row.state, reason=row.reason,
                      attempts=row.attempts, created_at=row.created_at, sent_at=row.sent_at, message_id=row.message_id,
                      delivery=row.delivery, as_template=row.as_template)


def queue(session: Session, kind: NoticeKind, key: str, recipient: str | None, params: dict[str, Any], *,
          party_id: int | None = None, at: datetime | None = None) -> bool:
    """Queue a notice inside the caller's transaction, as of `at` (now); False when there is no one to send it
    to or `key` was queued before (a replayed request queues nothing more)."""
    if not recipient:
        return False
    if session.scalar(select(Notice.id).where(Notice.key == key)) is not None:
        return False
    at = at or utcnow()
    session.add(Notice(kind=kind, key=key, recipient=recipient, party_id=party_id, params=dumps(params),
                       not_before=at, created_at=at))
    session.flush()
    return True


def consent_to(ctx: Context, recipient: str, kind: NoticeKind, *, by_owner: bool = False) -> Consent:
    """May `recipient` get a notice of `kind`: their latest choice for the shop's messages (`consents`), and
    whether they were ever asked (the privacy notice, or an earlier notice with its yes/no buttons, asked them).
    Reminders are opt-in, except one the owner asks for by name (`by_owner`: as if they forwarded it themselves);
    an opt-out stops everything."""
    if kind not in CUSTOMER_KINDS:
        return Consent.SEND
    choices = consents.current(ctx, recipient)
    choice = choices.get(ConsentPurpose.REMINDERS)
    if choice is not None:
        return Consent.SEND if choice.granted else Consent.OPTED_OUT
    with ctx.read() as session:
        asked = ConsentPurpose.TRANSACTIONAL in choices or session.scalar(
            select(Notice.id).where(Notice.recipient == recipient, Notice.kind.in_(CUSTOMER_KINDS),
                                    Notice.state == NoticeState.SENT).limit(1)) is not None
    if not asked:
        return Consent.SEND_AND_ASK
    return Consent.NOT_AGREED if kind is NoticeKind.REMINDER and not by_owner else Consent.SEND


def owners(session: Session) -> list[str]:
    """The WhatsApp numbers of the shop's owners: who gets the owner's alerts and the daily summary."""
    return list(session.scalars(select(User.wa_id).where(User.role == Role.OWNER).order_by(User.id)))


def money_param(value: Decimal) -> str:
    """An amount as a notice keeps it: a plain decimal string (the words are made when it is sent)."""
    return f"{value:f}"


def quantity_param(value: Decimal) -> str:
    """A quantity as a notice keeps it: `9`, `2.5`."""
    return f"{value.normalize():f}"


LEASE = timedelta(minutes=5)
"""How long a worker holds a notice it took; a worker that died leaves it to another after this."""
MAX_ATTEMPTS = 5


def claim(db: Database, tenant_id: int, worker: str, now: datetime, limit: int = 100) -> list[NoticeView]:
    """Take up to `limit` of a shop's notices that may be tried now (and any whose worker's lease has passed),
    oldest first, for `worker`: `FOR UPDATE SKIP LOCKED` on PostgreSQL, SQLite's one writer elsewhere, so two
    workers never take the same one."""
    with db.session(tenant_id) as session, session.begin():
        rows = session.scalars(
            select(Notice).where(or_(and_(Notice.state == NoticeState.PENDING, Notice.not_before <= now),
                                     and_(Notice.state == NoticeState.SENDING, Notice.lease_until < now)))
            .order_by(Notice.not_before, Notice.id).limit(limit).with_for_update(skip_locked=True)).all()
        for row in rows:
            row.state, row.worker, row.lease_until = NoticeState.SENDING, worker, now + LEASE
        return [_view(row) for row in rows]


def pending(ctx: Context, at: datetime, limit: int = 1000) -> list[NoticeView]:
    """Notices waiting to be tried by `at`, oldest first, without taking them (`bot notify --dry-run`)."""
    with ctx.read() as session:
        return [_view(row) for row in session.scalars(
            select(Notice).where(Notice.state == NoticeState.PENDING, Notice.not_before <= at)
            .order_by(Notice.not_before, Notice.id).limit(limit))]


def draft(kind: NoticeKind, key: str, recipient: str, params: dict[str, Any], at: datetime,
          party_id: int | None = None) -> NoticeView:
    """A notice not queued (what a job would queue), as the worker would see it."""
    return NoticeView(id=0, kind=kind, key=key, recipient=recipient, party_id=party_id, params=params, not_before=at,
                      state=NoticeState.PENDING, reason="", attempts=0, created_at=at, sent_at=None, message_id="",
                      delivery="", as_template=False)


def _settle(db: Database, tenant_id: int, notice_id: int, worker: str, **fields: Any) -> bool:
    """Write `fields` on a notice `worker` still holds (one whose lease passed may be another's now)."""
    with db.session(tenant_id) as session, session.begin():
        row = session.scalar(select(Notice).where(Notice.id == notice_id).with_for_update())
        if row is None or row.state is not NoticeState.SENDING or row.worker != worker:
            return False
        row.worker, row.lease_until = None, None
        for name, value in fields.items():
            setattr(row, name, value)
        return True


def mark_sent(db: Database, tenant_id: int, notice_id: int, worker: str, now: datetime, message_id: str,
              as_template: bool) -> bool:
    """It went: WhatsApp's message id kept to follow its delivery."""
    return _settle(db, tenant_id, notice_id, worker, state=NoticeState.SENT, sent_at=now, reason="",
                   message_id=message_id, as_template=as_template)


def hold(db: Database, tenant_id: int, notice_id: int, worker: str, until: datetime, reason: str) -> bool:
    """Try again at `until` (quiet hours, the daily cap)."""
    return _settle(db, tenant_id, notice_id, worker, state=NoticeState.PENDING, not_before=until, reason=reason)


def skip(db: Database, tenant_id: int, notice_id: int, worker: str, reason: str) -> bool:
    """Never send it (the person opted out, or what it was about is settled)."""
    return _settle(db, tenant_id, notice_id, worker, state=NoticeState.SKIPPED, reason=reason)


def fail(db: Database, tenant_id: int, notice_id: int, worker: str, now: datetime, error: str, attempts: int) -> bool:
    """A send that failed (its `attempts`-th): try again after a growing pause, and give up after `MAX_ATTEMPTS`.
    Each attempt sends under a key of its own (`attempts` is part of it), so a retry is a new message and a
    crash mid-send is not."""
    if attempts + 1 >= MAX_ATTEMPTS:
        return _settle(db, tenant_id, notice_id, worker, state=NoticeState.FAILED, reason=error[:2000],
                       attempts=attempts + 1)
    return _settle(db, tenant_id, notice_id, worker, state=NoticeState.PENDING, reason=error[:2000],
                   attempts=attempts + 1, not_before=now + timedelta(minutes=2 ** attempts))


def record_delivery(db: Database, tenant_id: int, statuses: dict[str, str]) -> int:
    """WhatsApp's latest word on messages that went (`{wamid: delivered|read|failed}`); how many notices moved.
    `read` is not overwritten by a late `delivered`."""
    rank = {"": 0, "sent": 0, "delivered": 1, "read": 2, "failed": 3}
    moved = 0
    with db.session(tenant_id) as session, session.begin():
        for row in session.scalars(select(Notice).where(Notice.message_id.in_(list(statuses)))):
            status = statuses[row.message_id]
            if rank.get(status, 0) > rank.get(row.delivery, 0):
                row.delivery, moved = status, moved + 1
    return moved


def sent_to_since(ctx: Context, recipient: str, kinds: set[NoticeKind], since: datetime) -> int:
    """How many notices of `kinds` went to `recipient` since `since` (the daily cap counts these)."""
    with ctx.read() as session:
        return len(session.scalars(select(Notice.id).where(
            Notice.recipient == recipient, Notice.kind.in_(kinds), Notice.state == NoticeState.SENT,
            Notice.sent_at >= since)).all())


def log(ctx: Context, since: datetime, kinds: set[NoticeKind] | None = None) -> list[NoticeView]:
    """What the shop sent, held or skipped since `since`, newest first: the owner's "what went out today"."""
    ctx.actor.require(Permission.VIEW_KHATA)
    with ctx.read() as session:
        query = select(Notice).where(Notice.created_at >= since).order_by(Notice.id.desc())
        if kinds:
            query = query.where(Notice.kind.in_(kinds))
        return [_view(row) for row in session.scalars(query)]
