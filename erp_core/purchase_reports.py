"""What the buying side adds up to: what the shop owes its suppliers (aged by the oldest unpaid bill), the
purchase register (the shop's side of a GSTR-2B reconciliation) and the input tax credit of a period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import PartyKind, PurchaseKind
from erp_core.ledger import business_date
from erp_core.models import CreditEntry, Party
from erp_core.models.purchases import PurchaseBill, PurchaseLine
from erp_core.permissions import Permission
from erp_core.purchases import returned_quantities, supplier_of

_ZERO = Decimal("0.00")


class PayableRow(BaseModel):
    """What the shop owes one supplier, by how old the unpaid bills are (payments settle the oldest first)."""

    model_config = ConfigDict(frozen=True)
    supplier_id: int
    name: str
    owed: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal


_BUCKETS = (30, 60, 90)


def payables(ctx: Context, supplier_id: int | None = None, as_of: date | None = None) -> list[PayableRow]:
    """What the shop owes its suppliers (or one supplier), largest first, aged by the dates of the unpaid bills."""
    ctx.actor.require(Permission.VIEW_PAYABLES)
    with ctx.read() as session:
        as_of = as_of or business_date(ctx.tenant(session), utcnow())
        query = (select(CreditEntry, Party.name).join(Party, Party.id == CreditEntry.party_id)
                 .where(Party.kind == PartyKind.SUPPLIER, CreditEntry.entry_date <= as_of)
                 .order_by(CreditEntry.party_id, CreditEntry.entry_date, CreditEntry.id))
        if supplier_id is not None:
            supplier_of(session, supplier_id)
            query = query.where(CreditEntry.party_id == supplier_id)
        entries = session.execute(query).all()
    owed_bills: dict[int, list[list]] = defaultdict(list)  # [date, amount still owed] per supplier, oldest first
    settled: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for entry, name in entries:
        names[entry.party_id] = name
        if entry.credit:
            owed_bills[entry.party_id].append([entry.entry_date, entry.credit])
        settled[entry.party_id] += entry.debit
    rows = []
    for party_id, name in names.items():
        pay = settled[party_id]
        buckets = [_ZERO] * 4
        for entry_date, amount in owed_bills[party_id]:
            used = min(pay, amount)
            pay -= used
            left = amount - used
            if left:
                age = (as_of - entry_date).days
                buckets[sum(age > limit for limit in _BUCKETS)] += left
        owed = sum(buckets, _ZERO)
        if owed > 0:
            rows.append(PayableRow(supplier_id=party_id, name=name, owed=owed, days_0_30=buckets[0],
                                   days_31_60=buckets[1], days_61_90=buckets[2], days_over_90=buckets[3]))
    if supplier_id is not None and not rows:
        with ctx.read() as session:
            supplier = session.get(Party, supplier_id)
            return [PayableRow(supplier_id=supplier_id, name=supplier.name, owed=_ZERO, days_0_30=_ZERO,
                               days_31_60=_ZERO, days_61_90=_ZERO, days_over_90=_ZERO)]
    return sorted(rows, key=lambda row: (-row.owed, row.name))


class RegisterRow(BaseModel):
    """A line of the purchase register: one bill or debit note, as a CA matches it against GSTR-2B."""

    model_config = ConfigDict(frozen=True)
    kind: PurchaseKind
    bill_date: date
    bill_number: str
    supplier_name: str
    supplier_gstin: str | None
    taxable_value: Decimal
    igst: Decimal
    cgst: Decimal
    sgst: Decimal
    cess: Decimal
    total: Decimal
    itc_eligible: bool


def purchase_register(ctx: Context, first_day: date, last_day: date) -> list[RegisterRow]:
    """Supplier bills and debit notes dated in [first_day, last_day], by supplier GSTIN then date."""
    ctx.actor.require(Permission.VIEW_GST)
    with ctx.read() as session:
        rows = session.execute(select(PurchaseBill, Party.name).join(Party, Party.id == PurchaseBill.supplier_id)
                               .where(PurchaseBill.bill_date >= first_day, PurchaseBill.bill_date <= last_day)).all()
    return sorted((RegisterRow(kind=bill.kind, bill_date=bill.bill_date, bill_number=bill.bill_number,
                               supplier_name=name, supplier_gstin=bill.supplier_gstin,
                               taxable_value=bill.taxable_value, igst=bill.igst, cgst=bill.cgst, sgst=bill.sgst,
                               cess=bill.cess, total=bill.total, itc_eligible=bill.itc_eligible)
                   for bill, name in rows),
                  key=lambda row: (row.supplier_gstin or "", row.bill_date, row.bill_number))


def input_tax_credit(ctx: Context, first_day: date, last_day: date) -> gst.TaxAmounts:
    """Input tax credit of the bills dated in [first_day, last_day], less that reversed by debit notes."""
    credit = gst.TaxAmounts()
    for row in purchase_register(ctx, first_day, last_day):
        if row.itc_eligible:
            amounts = gst.TaxAmounts(taxable_value=row.taxable_value, igst=row.igst, cgst=row.cgst, sgst=row.sgst,
                                     cess=row.cess, total=row.total)
            credit += -amounts if row.kind is PurchaseKind.DEBIT_NOTE else amounts
    return credit


class ReturnableBill(BaseModel):
    """The supplier's bill goods can go back against, and what each unit costs back (tax included)."""

    model_config = ConfigDict(frozen=True)
    bill_id: int
    bill_number: str
    bill_date: date
    unit_prices: dict[int, Decimal]


_LOOK_BACK = 20
"""How many of a supplier's latest bills a return looks through for its goods."""


def returnable_bill(ctx: Context, supplier_id: int, wanted: dict[int, Decimal]) -> ReturnableBill | None:
    """The latest bill of `supplier_id` from which all of `wanted` ({product id: quantity}) can still go back
    (less earlier debit notes); None when none of the recent ones can."""
    ctx.actor.require(Permission.RECORD_PURCHASE)
    with ctx.read() as session:
        supplier_of(session, supplier_id)
        bills = session.scalars(select(PurchaseBill).where(
            PurchaseBill.supplier_id == supplier_id, PurchaseBill.kind == PurchaseKind.BILL)
            .order_by(PurchaseBill.bill_date.desc(), PurchaseBill.id.desc()).limit(_LOOK_BACK)).all()
        for bill in bills:
            left, prices = _left_on(session, bill)
            if all(left.get(pid, _ZERO) >= qty for pid, qty in wanted.items()):
                return ReturnableBill(bill_id=bill.id, bill_number=bill.bill_number, bill_date=bill.bill_date,
                                      unit_prices=prices)
    return None


def _left_on(session: Session, bill: PurchaseBill) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """What can still go back from `bill` by product, and its price per unit with tax."""
    returned = returned_quantities(session, bill.id)
    left: dict[int, Decimal] = defaultdict(Decimal)
    prices: dict[int, Decimal] = {}
    for line in session.scalars(select(PurchaseLine).where(PurchaseLine.bill_id == bill.id).order_by(PurchaseLine.id)):
        left[line.product_id] += line.quantity - returned[line.id]
        prices.setdefault(line.product_id, (line.total / line.quantity).quantize(Decimal("0.01")))
    return left, prices
