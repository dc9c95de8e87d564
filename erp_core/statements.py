"""A party's khata statement for a period: the balance brought forward, every entry in the period with the
running balance, and the closing balance, built from the khata ledger (`credit_entries`) alone, so it agrees
with `ledger.balance` and with `bot check`'s rebuild. `erp_core.statement_pdf` prints it."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Country, PartyKind
from erp_core.errors import UnknownParty, ValidationError
from erp_core.ledger import StatementLine, business_date
from erp_core.models import CreditEntry, Party
from erp_core.permissions import Permission

_ZERO = Decimal("0.00")


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    party_name: str
    party_kind: PartyKind
    first_day: date | None
    """None: from the first entry."""
    last_day: date
    opening_balance: Decimal
    entries: list[StatementLine]
    total_debit: Decimal
    total_credit: Decimal
    closing_balance: Decimal
    shop_name: str
    shop_upi_vpa: str | None
    country: Country


def statement(ctx: Context, party_id: int, first_day: date | None = None, last_day: date | None = None) -> Statement:
    """The party's khata from `first_day` (None: the beginning) to `last_day` (None: today in the shop's calendar),
    both inclusive, by entry date. A customer may have their own (a reminder's "statement" button)."""
    ctx.actor.require_party_access(party_id)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        last_day = last_day or business_date(tenant, utcnow())
        if first_day is not None and first_day > last_day:
            raise ValidationError(field="first_day", reason=f"{first_day} is after {last_day}")
        party = session.get(Party, party_id)
        if party is None:
            raise UnknownParty(query=str(party_id))
        opening = _ZERO
        period = select(CreditEntry).where(CreditEntry.party_id == party_id, CreditEntry.entry_date <= last_day)
        if first_day is not None:
            debit, credit = session.execute(
                select(func.sum(CreditEntry.debit), func.sum(CreditEntry.credit))
                .where(CreditEntry.party_id == party_id, CreditEntry.entry_date < first_day)).one()
            opening = (debit or _ZERO) - (credit or _ZERO)
            period = period.where(CreditEntry.entry_date >= first_day)
        rows = session.scalars(period.order_by(CreditEntry.entry_date, CreditEntry.id)).all()
        running, entries = opening, []
        for e in rows:
            running += e.debit - e.credit
            entries.append(StatementLine(entry_id=e.id, entry_date=e.entry_date, kind=e.kind, debit=e.debit,
                                          credit=e.credit, balance=running, note=e.note))
        return Statement(
            party_id=party_id, party_name=party.name, party_kind=party.kind, first_day=first_day, last_day=last_day,
            opening_balance=opening, entries=entries, total_debit=sum((e.debit for e in rows), _ZERO),
            total_credit=sum((e.credit for e in rows), _ZERO), closing_balance=running, shop_name=tenant.name,
            shop_upi_vpa=tenant.upi_vpa, country=tenant.country)


class StatementSending(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    first_day: date | None
    last_day: date
    closing_balance: Decimal
    token: str
    """Random per sending: tells the sending that recorded it from a replay of it."""


def record_sending(ctx: Context, view: Statement, *, idempotency_key: str) -> bool:
    """Record (audited) that statement `view` goes to its party; True the first time for `idempotency_key`, False
    when the key was used before (a replayed confirmation, whose statement must not be sent again)."""
    ctx.actor.require(Permission.VIEW_KHATA)
    token = secrets.token_hex(8)
    request = {"party_id": view.party_id, "first_day": view.first_day.isoformat() if view.first_day else None,
               "last_day": view.last_day.isoformat()}
    sending = ctx.run("statement.sent", request, lambda session: StatementSending(
        party_id=view.party_id, first_day=view.first_day, last_day=view.last_day,
        closing_balance=view.closing_balance, token=token), StatementSending, idempotency_key)
    return sending.token == token
