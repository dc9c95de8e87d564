"""The credit ledger (khata / udhaar): append-only debit and credit entries per party.

A debit is money the party owes (a credit sale, an accepted order, an opening
balance); a credit is money they paid. A mistake is undone by a REVERSAL entry
that mirrors it, never by editing. `party_balances` caches the running balance
and is rebuilt from the entries by `erp_core.check`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import notices
from erp_core.columns import utcnow
from erp_core.context import CREDIT_LIMIT_WARNS_ONLY, Context
from erp_core.enums import CreditPolicy, EntryKind, NoticeKind, PartyKind, PaymentMode, Role
from erp_core.errors import CreditLimitExceeded, NotFound, UnknownParty, ValidationError
from erp_core.models import CreditEntry, Party, PartyBalance, Payment, Tenant
from erp_core.permissions import Permission
from erp_core.values import money, payment_mode

AGEING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


class BalanceView(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    name: str
    balance: Decimal
    credit_limit: Decimal | None


class EntryResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    entry_id: int
    party_id: int
    balance: Decimal


class PaymentResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    payment_id: int
    entry_id: int
    party_id: int
    amount: Decimal
    balance: Decimal


class StatementLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    entry_id: int
    entry_date: date
    kind: EntryKind
    debit: Decimal
    credit: Decimal
    balance: Decimal
    """The running balance after this entry: what the party owes (negative: what the shop owes them)."""
    note: str


class AgeingRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    name: str
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal
    oldest_unpaid: date | None = None
    """The date of the oldest bill not yet paid off: how long the customer has owed."""


def business_date(tenant: Tenant, at: datetime) -> date:
    """The shop's calendar date of a moment (IST in India, NPT in Nepal)."""
    return at.astimezone(ZoneInfo(tenant.timezone)).date()


def post_entry(
    session: Session,
    tenant: Tenant,
    *,
    party_id: int,
    kind: EntryKind,
    debit: Decimal = Decimal(0),
    credit: Decimal = Decimal(0),
    ref_type: str,
    ref_id: int | None = None,
    note: str = "",
    actor_id: int | None = None,
    at: datetime | None = None,
    reverses_id: int | None = None,
) -> tuple[CreditEntry, Decimal]:
    """Append one khata entry and move the cached balance, inside the caller's transaction."""
    at = at or utcnow()
    balance = session.scalar(select(PartyBalance).where(PartyBalance.party_id == party_id).with_for_update())
    if balance is None:
        raise UnknownParty(query=str(party_id))
    entry = CreditEntry(
        party_id=party_id, kind=kind, debit=debit, credit=credit, entry_date=business_date(tenant, at),
        ref_type=ref_type, ref_id=ref_id, note=note, created_by=actor_id, created_at=at, reverses_id=reverses_id,
    )
    session.add(entry)
    balance.balance += debit - credit
    session.flush()
    return entry, balance.balance


def check_credit_limit(session: Session, tenant: Tenant, party: Party, extra_debit: Decimal) -> str | None:
    """None if `extra_debit` keeps the party within its limit; else a warning, or
    `CreditLimitExceeded` when the tenant blocks over-limit credit."""
    if party.credit_limit is None or extra_debit <= 0:
        return None
    current = session.scalar(select(PartyBalance.balance).where(PartyBalance.party_id == party.id)) or Decimal(0)
    after = current + extra_debit
    if after <= party.credit_limit:
        return None
    if tenant.credit_policy is CreditPolicy.BLOCK and not session.info.get(CREDIT_LIMIT_WARNS_ONLY):
        raise CreditLimitExceeded(party=party.name, limit=party.credit_limit, balance=after)
    return "credit_limit_exceeded"


def tell_of_payment(ctx: Context, session: Session, party: Party, payment: Payment, balance: Decimal) -> None:
    """Inside the booking's transaction: queue the customer's receipt and, when the owner did not book it
    himself (a payment link, the API, staff), the owners' note (erp_core.notices)."""
    if party.kind is not PartyKind.CUSTOMER:
        return
    facts = {"shop": ctx.tenant(session).name, "name": party.name, "amount": notices.money_param(payment.amount),
             "balance": notices.money_param(balance), "mode": payment.mode.value}
    notices.queue(session, NoticeKind.PAYMENT_RECEIPT, f"receipt:payment:{payment.id}", party.phone, facts,
                  party_id=party.id, at=payment.received_at)
    if ctx.actor.role is not Role.OWNER or ctx.actor.user_id is None:
        for owner in notices.owners(session):
            notices.queue(session, NoticeKind.PAYMENT_RECEIVED, f"received:payment:{payment.id}:{owner}", owner,
                          facts, at=payment.received_at)


def record_payment(
    ctx: Context,
    party_id: int,
    amount: Decimal | int | str,
    mode: PaymentMode | str = PaymentMode.CASH,
    *,
    reference: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> PaymentResult:
    """Book money received from (or paid to) a party: a credit in their khata."""
    ctx.actor.require(Permission.RECORD_PAYMENT)
    value = money(amount, positive=True)
    mode = payment_mode(mode, "mode", on_credit="a payment cannot be made on credit")
    request = {"party_id": party_id, "amount": value, "mode": mode, "reference": reference, "at": at}

    def work(session: Session) -> PaymentResult:
        party = session.get(Party, party_id)
        if party is None:
            raise UnknownParty(query=str(party_id))
        payment = Payment(party_id=party_id, amount=value, mode=mode, reference=reference,
                          received_at=at or utcnow(), created_by=ctx.actor.user_id)
        session.add(payment)
        session.flush()
        entry, balance = post_entry(
            session, ctx.tenant(session), party_id=party_id, kind=EntryKind.PAYMENT, credit=value,
            ref_type="payment", ref_id=payment.id, note=f"{mode.value} {reference}".strip(),
            actor_id=ctx.actor.user_id, at=at,
        )
        tell_of_payment(ctx, session, party, payment, balance)
        return PaymentResult(payment_id=payment.id, entry_id=entry.id, party_id=party_id, amount=value, balance=balance)

    return ctx.run("payment.record", request, work, PaymentResult, idempotency_key)


def reverse_entry_in(ctx: Context, session: Session, entry_id: int, reason: str) -> EntryResult:
    """Append the REVERSAL of khata entry `entry_id` inside the caller's transaction."""
    original = session.get(CreditEntry, entry_id)
    if original is None:
        raise NotFound(what="entry", ref=entry_id)
    if original.kind is EntryKind.REVERSAL:
        raise ValidationError(field="entry_id", reason="a reversal cannot itself be reversed")
    if session.scalar(select(CreditEntry.id).where(CreditEntry.reverses_id == entry_id)) is not None:
        raise ValidationError(field="entry_id", reason=f"entry {entry_id} is already reversed")
    entry, balance = post_entry(
        session, ctx.tenant(session), party_id=original.party_id, kind=EntryKind.REVERSAL,
        debit=original.credit, credit=original.debit, ref_type=original.ref_type, ref_id=original.ref_id,
        note=reason, actor_id=ctx.actor.user_id, reverses_id=original.id,
    )
    return EntryResult(entry_id=entry.id, party_id=original.party_id, balance=balance)


def reverse_entry(ctx: Context, entry_id: int, reason: str, *, idempotency_key: str | None = None) -> EntryResult:
    """Undo a khata entry with a mirror-image REVERSAL entry (the original stays)."""
    ctx.actor.require(Permission.REVERSE)
    if not reason.strip():
        raise ValidationError(field="reason", reason="say why the entry is reversed")
    return ctx.run("khata.reverse", {"entry_id": entry_id, "reason": reason},
                   lambda session: reverse_entry_in(ctx, session, entry_id, reason), EntryResult, idempotency_key)


def balance(ctx: Context, party_id: int) -> BalanceView:
    """What a party owes now (negative: what we owe them, or an advance)."""
    ctx.actor.require_party_access(party_id)
    with ctx.read() as session:
        row = session.execute(
            select(Party, PartyBalance.balance)
            .join(PartyBalance, PartyBalance.party_id == Party.id)
            .where(Party.id == party_id)
        ).one_or_none()
        if row is None:
            raise UnknownParty(query=str(party_id))
        return BalanceView(party_id=party_id, name=row.Party.name, balance=row.balance,
                           credit_limit=row.Party.credit_limit)


def statement(ctx: Context, party_id: int) -> list[StatementLine]:
    """The party's khata, oldest first, with the running balance after each entry."""
    ctx.actor.require_party_access(party_id)
    with ctx.read() as session:
        entries = session.scalars(
            select(CreditEntry).where(CreditEntry.party_id == party_id).order_by(CreditEntry.id)
        ).all()
    running = Decimal("0.00")
    lines = []
    for e in entries:
        running += e.debit - e.credit
        lines.append(StatementLine(entry_id=e.id, entry_date=e.entry_date, kind=e.kind, debit=e.debit,
                                   credit=e.credit, balance=running, note=e.note))
    return lines


def dues(ctx: Context) -> list[BalanceView]:
    """Customers who owe money, largest due first."""
    ctx.actor.require(Permission.VIEW_KHATA)
    with ctx.read() as session:
        rows = session.execute(
            select(Party, PartyBalance.balance)
            .join(PartyBalance, PartyBalance.party_id == Party.id)
            .where(Party.kind == PartyKind.CUSTOMER, PartyBalance.balance > 0)
            .order_by(PartyBalance.balance.desc(), Party.name)
        ).all()
    return [BalanceView(party_id=r.Party.id, name=r.Party.name, balance=r.balance,
                        credit_limit=r.Party.credit_limit) for r in rows]


def ageing(ctx: Context, as_of: date | None = None, party_id: int | None = None) -> list[AgeingRow]:
    """Outstanding dues by age (0-30, 31-60, 61-90, 90+ days), payments settling the oldest debits first."""
    if party_id is None:
        ctx.actor.require(Permission.VIEW_KHATA)
    else:
        ctx.actor.require_party_access(party_id)
    with ctx.read() as session:
        as_of = as_of or business_date(ctx.tenant(session), utcnow())
        query = (select(CreditEntry).where(CreditEntry.entry_date <= as_of)
                 .order_by(CreditEntry.party_id, CreditEntry.entry_date, CreditEntry.id))
        if party_id is not None:
            query = query.where(CreditEntry.party_id == party_id)
        entries = session.scalars(query).all()
        names = dict(session.execute(select(Party.id, Party.name)).tuples().all())
    # A reversal and the entry it reverses cancel out: neither is a bill or a payment.
    reversed_pairs = {e.reverses_id for e in entries if e.reverses_id is not None}
    entries = [e for e in entries if e.reverses_id is None and e.id not in reversed_pairs]
    open_debits: dict[int, list[list]] = {}
    advance: dict[int, Decimal] = {}
    for e in entries:
        queue = open_debits.setdefault(e.party_id, [])
        unapplied = advance.get(e.party_id, Decimal(0)) + e.credit
        if e.debit:
            queue.append([e.entry_date, e.debit])
        while unapplied > 0 and queue:
            take = min(unapplied, queue[0][1])
            queue[0][1] -= take
            unapplied -= take
            if queue[0][1] == 0:
                queue.pop(0)
        advance[e.party_id] = unapplied
    rows = []
    for pid, queue in open_debits.items():
        buckets = [Decimal("0.00")] * 4
        for entry_date, amount in queue:
            age = (as_of - entry_date).days
            index = next(i for i, (_, hi) in enumerate(AGEING_BUCKETS) if hi is None or age <= hi)
            buckets[index] += amount
        total = sum(buckets, Decimal("0.00"))
        if total > 0:
            rows.append(AgeingRow(party_id=pid, name=names.get(pid, ""), days_0_30=buckets[0],
                                  days_31_60=buckets[1], days_61_90=buckets[2], days_over_90=buckets[3],
                                  total=total, oldest_unpaid=queue[0][0]))
    return sorted(rows, key=lambda r: (-r.total, r.name))



class CreditCheck(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    name: str
    balance: Decimal
    amount: Decimal
    """The extra credit asked about."""
    credit_limit: Decimal | None
    within_limit: bool
    headroom: Decimal | None
    """How much more credit fits under the limit now (None: no limit set)."""


def credit_check(ctx: Context, party_id: int, amount: Decimal | int | str = 0) -> CreditCheck:
    """Whether `amount` more udhaar keeps the party within their credit limit, and how much room is left."""
    extra = money(amount, "amount")
    view = balance(ctx, party_id)
    limit = view.credit_limit
    headroom = None if limit is None else max(limit - view.balance, Decimal("0.00"))
    within = limit is None or view.balance + extra <= limit
    return CreditCheck(party_id=party_id, name=view.name, balance=view.balance, amount=extra, credit_limit=limit,
                       within_limit=within, headroom=headroom)


class PaymentView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    party_id: int
    amount: Decimal
    mode: PaymentMode
    reference: str
    received_at: datetime


def list_payments(
    ctx: Context, *, after_id: int = 0, limit: int = 50, party_id: int | None = None
) -> list[PaymentView]:
    """Payments in id order after `after_id` (keyset pagination), optionally of one party."""
    if party_id is None:
        ctx.actor.require(Permission.VIEW_KHATA)
    else:
        ctx.actor.require_party_access(party_id)
    query = select(Payment).where(Payment.id > after_id).order_by(Payment.id).limit(limit)
    if party_id is not None:
        query = query.where(Payment.party_id == party_id)
    with ctx.read() as session:
        return [PaymentView(id=p.id, party_id=p.party_id, amount=p.amount, mode=p.mode, reference=p.reference,
                            received_at=p.received_at) for p in session.scalars(query)]


def payment_details(ctx: Context, payment_id: int) -> PaymentView:
    """One payment, or `NotFound`."""
    with ctx.read() as session:
        p = session.get(Payment, payment_id)
        if p is None:
            raise NotFound(what="payment", ref=payment_id)
    ctx.actor.require_party_access(p.party_id)
    return PaymentView(id=p.id, party_id=p.party_id, amount=p.amount, mode=p.mode, reference=p.reference,
                       received_at=p.received_at)
