"""What each person agreed their WhatsApp number may be used for, per purpose (the DPDP Act).

Every grant or withdrawal is a new `Consent` row with its time and source; the latest row of a
purpose is the person's choice. A number new to the shop gets the privacy notice with its first
reply, and that first message records the transactional consent (`introduce`); reminders are
opt-in (`may_send` is False until the person says yes). The audit entry of each change names the
consent row, not the number, so an erasure (`erp_core.privacy`) leaves no phone number behind in the
hash-chained log.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.enums import ConsentPurpose, Role
from erp_core.errors import ValidationError
from erp_core.ids import wa_id as whatsapp_id
from erp_core.models import Consent, User

MAX_SOURCE = 200


class ConsentView(BaseModel):
    """One grant or withdrawal."""

    model_config = ConfigDict(frozen=True)
    id: int
    purpose: ConsentPurpose
    granted: bool
    source: str
    at: datetime


class Introduction(BaseModel):
    """Whether the privacy notice is due with this reply (the number is new to the shop)."""

    model_config = ConfigDict(frozen=True)
    notice_due: bool


def _number(wa_id: str) -> str:
    """A number or, for a person who hides theirs, their user id (`erp_core/ids/wa_id.py`)."""
    return whatsapp_id.validate(wa_id)


def _source(source: str) -> str:
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise ValidationError(field="source", reason=f"say where the consent was given, in 1 to {MAX_SOURCE} characters")
    return source


def _view(row: Consent) -> ConsentView:
    return ConsentView(id=row.id, purpose=row.purpose, granted=row.granted, source=row.source, at=row.at)


def _add(session: Session, wa_id: str, purpose: ConsentPurpose, granted: bool, source: str) -> ConsentView:
    row = Consent(wa_id=wa_id, purpose=purpose, granted=granted, source=source)
    session.add(row)
    session.flush()
    return _view(row)


def record(ctx: Context, wa_id: str, purpose: ConsentPurpose | str, granted: bool, source: str,
           idempotency_key: str | None = None) -> ConsentView:
    """Record that `wa_id` grants (or withdraws) `purpose`, said at `source` (`whatsapp message <id>`, `cli`).

    Every role may: a customer records their own choice (the actions pass the sender's number, which the
    channel vouches for), the shop's people one a customer told them.
    """
    number, source = _number(wa_id), _source(source)
    try:
        purpose = ConsentPurpose(purpose)
    except ValueError:
        raise ValidationError(field="purpose", reason=f"one of {', '.join(ConsentPurpose)}") from None
    return ctx.run("consent.record", {"purpose": purpose, "granted": granted, "source": source},
                   lambda session: _add(session, number, purpose, granted, source), ConsentView, idempotency_key)


def carry_over(session: Session, old_wa_id: str, new_wa_id: str) -> int:
    """Inside a number change: the person's latest choice for each purpose, recorded again for their new number
    (the old entries stay). How many purposes moved."""
    latest = {row.purpose: row for row in session.scalars(
        select(Consent).where(Consent.wa_id == old_wa_id).order_by(Consent.id))}
    for row in latest.values():
        _add(session, new_wa_id, row.purpose, row.granted, f"number change from {old_wa_id}"[:MAX_SOURCE])
    return len(latest)


def history(ctx: Context, wa_id: str) -> list[ConsentView]:
    """Every grant and withdrawal of `wa_id`, oldest first."""
    number = _number(wa_id)
    with ctx.read() as session:
        return [_view(row) for row in session.scalars(
            select(Consent).where(Consent.wa_id == number).order_by(Consent.id))]


def current(ctx: Context, wa_id: str) -> dict[ConsentPurpose, ConsentView]:
    """The latest choice of `wa_id` for each purpose they ever answered."""
    return {view.purpose: view for view in history(ctx, wa_id)}


def may_send(ctx: Context, wa_id: str, purpose: ConsentPurpose | str) -> bool:
    """Whether the shop may message `wa_id` for `purpose`: their latest choice for it was a grant."""
    latest = current(ctx, wa_id).get(ConsentPurpose(purpose))
    return latest is not None and latest.granted


def _works_here(session: Session, number: str) -> bool:
    """Whether the number is one of the shop's own people (a user in any role but customer)."""
    return session.scalar(select(User.id).where(User.wa_id == number, User.role != Role.CUSTOMER)) is not None


def _known(session: Session, number: str) -> bool:
    return _works_here(session, number) or session.scalar(
        select(Consent.id).where(Consent.wa_id == number).limit(1)) is not None


def introduce(ctx: Context, wa_id: str, source: str) -> Introduction:
    """A message from `wa_id` opens a conversation: when the number is new to the shop, record the transactional
    consent (at `source`) and say the privacy notice is due. The shop's own people (owner, managers, staff)
    get no notice; customers do, registered or not."""
    number, source = _number(wa_id), _source(source)
    with ctx.read() as session:
        if _known(session, number):
            return Introduction(notice_due=False)

    def work(session: Session) -> Introduction:
        if _known(session, number):
            return Introduction(notice_due=False)
        _add(session, number, ConsentPurpose.TRANSACTIONAL, True, source)
        return Introduction(notice_due=True)

    return ctx.run("consent.introduce", {"purpose": ConsentPurpose.TRANSACTIONAL, "source": source}, work,
                   Introduction)
