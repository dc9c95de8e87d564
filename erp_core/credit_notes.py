"""Credit notes: goods returned against an invoice.

A credit note is issued like an invoice (`erp_core.invoices.issue`, its own
series), taxed line by line as on the invoice; the goods go back into stock
(RETURN) at the cost they left with, the buyer's khata is credited, and the
invoice's settlement counts it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import EntryKind, InvoiceKind, MovementKind
from erp_core.errors import NotFound, ValidationError
from erp_core.inventory import Movement, cost_when_out, post_movements
from erp_core.invoice_settlement import settle
from erp_core.invoice_views import InvoiceView, view_of
from erp_core.invoices import Issuing, Priced, issue, party_of
from erp_core.ledger import post_entry
from erp_core.models import Invoice, InvoiceLine, Product, SaleLine
from erp_core.permissions import Permission
from erp_core.values import exact, quantity


class ReturnLineIn(BaseModel):
    """Goods coming back against an invoice line."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    _exact = field_validator("quantity", mode="before")(exact)


class IssuedCreditNote(NamedTuple):
    view: InvoiceView
    unit_costs: dict[int, Decimal]
    """The cost per unit each returned product came back in at (the cost it left with)."""


def credit_note(
    ctx: Context,
    invoice_id: int,
    returns: list[ReturnLineIn] | None = None,
    *,
    reason: str,
    series: str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> InvoiceView:
    """A credit note for goods returned against an invoice (all of it when `returns` is None).

    The goods go back into stock (RETURN) at the cost they left with, and the buyer's
    khata is credited with the credit note's total. Each line is taxed as on the invoice.
    """
    ctx.actor.require(Permission.REVERSE)
    request = {"invoice_id": invoice_id, "returns": None if returns is None else [r.model_dump() for r in returns],
               "reason": reason, "series": series, "at": at}
    _require_reason(reason)

    def work(session: Session) -> InvoiceView:
        return issue_credit_note(ctx, session, invoice_id, returns, reason=reason, series=series, at=at).view

    return ctx.run("invoice.credit_note", request, work, InvoiceView, idempotency_key)


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError(field="reason", reason="say why the goods came back")


def issue_credit_note(
    ctx: Context,
    session: Session,
    invoice_id: int,
    returns: list[ReturnLineIn] | None,
    *,
    reason: str,
    series: str | None = None,
    at: datetime | None = None,
) -> IssuedCreditNote:
    """`credit_note` inside the caller's transaction (a sale return books one with its own document)."""
    _require_reason(reason)
    at = at or utcnow()
    tenant = ctx.tenant(session)
    original = session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
    if original is None or original.kind is InvoiceKind.CREDIT_NOTE:
        raise NotFound(what="invoice", ref=invoice_id)
    lines = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                            .order_by(InvoiceLine.id)).all()
    returned = returned_quantities(session, invoice_id)
    wanted = ([(line.product_id, line.quantity - returned.get(line.product_id, 0)) for line in lines]
              if returns is None else [(r.product_id, quantity(r.quantity)) for r in returns])
    by_product = {line.product_id: line for line in lines}
    priced = []
    for product_id, qty in wanted:
        line = by_product.get(product_id)
        if line is None:
            raise ValidationError(field="product_id", reason=f"product {product_id} is not on the invoice")
        left = line.quantity - returned.get(product_id, 0)
        if qty <= 0 and returns is None:
            continue
        if qty > left:
            raise ValidationError(field="quantity", reason=f"only {left} of {line.description} can come back")
        share = line.discount if qty == line.quantity else gst.paise(line.discount * qty / line.quantity)
        priced.append(Priced(session.get(Product, product_id) if product_id else None, gst.TaxLine(
            description=line.description, quantity=qty, unit_price=line.unit_price, rate=line.rate,
            hsn_code=line.hsn_code, cess_rate=line.cess_rate, price_includes_tax=line.price_includes_tax,
            discount=share), line.unit))
    if not priced:
        raise ValidationError(field="returns", reason=f"everything on {original.number} has already come back")
    party = party_of(session, original.party_id)
    issuing = Issuing(tenant, party, InvoiceKind.CREDIT_NOTE, gst.Supply(original.supply),
                      original.seller_tax_id, original.seller_state, original.place_of_supply)
    note = issue(ctx, session, issuing, priced, series_name=series, at=at, original=original, reason=reason)
    goods = [p for p in priced if p.product is not None]
    costs = costs_left_with(session, original, {p.product.id for p in goods})
    post_movements(session, [Movement(p.product.id, MovementKind.RETURN, on_hand_delta=p.line.quantity,
                                      unit_cost=costs.get(p.product.id)) for p in goods],
                   ref_type="credit_note", ref_id=note.id, note=reason, actor_id=ctx.actor.user_id, at=at)
    if party is not None:
        post_entry(session, tenant, party_id=party.id, kind=EntryKind.CREDIT_NOTE, credit=note.total,
                   ref_type="credit_note", ref_id=note.id, note=f"credit note {note.number}: {reason}",
                   actor_id=ctx.actor.user_id, at=at)
    settle(original, credited=note.total)
    return IssuedCreditNote(view_of(session, tenant, note), costs)


def costs_left_with(session: Session, invoice: Invoice, product_ids: set[int]) -> dict[int, Decimal]:
    """The cost per unit at which an invoice's goods left stock: the bill's cost for an invoice made for a
    posted bill, else the average cost when the invoice took them out. Products that never left are absent."""
    if invoice.sale_id is not None:
        return dict(session.execute(
            select(SaleLine.product_id, SaleLine.unit_cost)
            .where(SaleLine.sale_id == invoice.sale_id, SaleLine.product_id.in_(product_ids))).tuples().all())
    costs = {pid: cost_when_out(session, pid, "invoice", invoice.id) for pid in product_ids}
    return {pid: cost for pid, cost in costs.items() if cost is not None}


def returned_quantities(session: Session, invoice_id: int) -> dict[int | None, Decimal]:
    """Quantities already credited against an invoice, by product."""
    returned: dict[int | None, Decimal] = {}
    for product_id, qty in session.execute(
        select(InvoiceLine.product_id, InvoiceLine.quantity)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.original_id == invoice_id)
    ):
        returned[product_id] = returned.get(product_id, Decimal(0)) + qty
    return returned
