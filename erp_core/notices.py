"""Messages the shop sends on its own, queued with what they are about and sent later by a worker.

A payment, a credit sale or an order step queues its notice in the same transaction (`queue`), so a message is
never lost and, being keyed (`receipt:payment:41`), never doubled; scheduled work (a reminder cycle, the daily
summary) queues its notices when it runs. The worker takes what is due (`due`), asks `send_rules.decide`
whether it may go now, and marks each one `sent`, `held` until later, or `skipped` for good. `log` is what the
owner sees ("kaun kaun se reminder gaye aaj").
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.decimal_json import dumps
from erp_core.enums import NoticeKind, NoticeState, Role
from erp_core.models import User
from erp_core.models.notices import Notice
from erp_core.permissions import Permission


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
    sent_at: datetime | None


def _view(row: Notice) -> NoticeView:
    return NoticeView(id=row.id, kind=row.kind, key=row.key, recipient=row.recipient, party_id=row.party_id,
                      params=json.loads(row.params), not_before=row.not_before, state=row.state, reason=row.reason,
                      attempts=row.attempts, sent_at=row.sent_at)


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


def owners(session: Session) -> list[str]:
    """The WhatsApp numbers of the shop's owners: who gets the owner's alerts and the daily summary."""
    return list(session.scalars(select(User.wa_id).where(User.role == Role.OWNER).order_by(User.id)))


def money_param(value: Decimal) -> str:
    """An amount as a notice keeps it: a plain decimal string (the words are made when it is sent)."""
    return f"{value:f}"


def quantity_param(value: Decimal) -> str:
    """A quantity as a notice keeps it: `9`, `2.5`."""
    return f"{value.normalize():f}"


def due(ctx: Context, now: datetime, limit: int = 100) -> list[NoticeView]:
    """Pending notices that may be tried now, oldest first."""
    with ctx.read() as session:
        rows = session.scalars(select(Notice).where(Notice.state == NoticeState.PENDING, Notice.not_before <= now)
                               .order_by(Notice.not_before, Notice.id).limit(limit)).all()
        return [_view(row) for row in rows]


def _settle(ctx: Context, notice_id: int, **fields: Any) -> None:
    with ctx.db.session(ctx.tenant_id) as session:
        row = session.get(Notice, notice_id)
        for name, value in fields.items():
            setattr(row, name, value)
        session.commit()


def mark_sent(ctx: Context, notice_id: int, now: datetime) -> None:
    _settle(ctx, notice_id, state=NoticeState.SENT, sent_at=now, reason="")


def hold(ctx: Context, notice_id: int, until: datetime, reason: str) -> None:
    """Try again at `until` (quiet hours, the daily cap, a send that failed)."""
    _settle(ctx, notice_id, not_before=until, reason=reason)


def skip(ctx: Context, notice_id: int, reason: str) -> None:
    """Never send it (the person opted out, or what it was about is settled)."""
    _settle(ctx, notice_id, state=NoticeState.SKIPPED, reason=reason)


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
