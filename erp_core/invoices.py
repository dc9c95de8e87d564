"""Issuing GST invoices and Bills of Supply (and Nepal VAT invoices).

An invoice is issued once and never edited: its number comes from a series
(`erp_core.invoice_series`), its figures from `erp_core.gst`. The three ways to
issue one (for items, for a lump sum, for a bill already posted) share one
set-up (`begin`: the shop, the buyer and how the supply is taxed) and one
ending (`_close`: khata, payment at once, settlement, view). Credit notes
(`erp_core.credit_notes`) issue through the same `issue`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Country, EntryKind, InvoiceKind, InvoiceStatus, MovementKind, PaymentMode
from erp_core.errors import NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.ids import gstin as gstin_id
from erp_core.ids import np_pan
from erp_core.ids.states import code_of
from erp_core.inventory import Movement, post_movements
from erp_core.invoice_payments import apply_payment
from erp_core.invoice_series import next_number
from erp_core.invoice_settlement import ZERO, paid_at_issue, settle
from erp_core.invoice_views import InvoiceView, view_of
from erp_core.ledger import business_date, post_entry
from erp_core.models import Invoice, InvoiceLine, Party, Product, Sale, SaleLine, Tenant
from erp_core.permissions import Permission
from erp_core.prices import selling_prices_at
from erp_core.values import exact, money, quantity
from erp_core.values import payment_mode as parse_payment_mode


class InvoiceLineIn(BaseModel):
    """A line to invoice: the price defaults to the product's selling price."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    _exact = field_validator("quantity", "unit_price", mode="before")(exact)


@dataclass
class Priced:
    """A line ready to issue: the product it sells (if any), the line to tax, its unit."""

    product: Product | None
    line: gst.TaxLine
    unit: str


@dataclass(frozen=True)
class Issuing:
    """What issuing a document starts from: the shop, the buyer, and how the supply is taxed."""

    tenant: Tenant
    party: Party | None
    kind: InvoiceKind
    supply: gst.Supply
    seller_tax_id: str | None
    seller_state: str | None
    place: str | None


def begin(ctx: Context, session: Session, party_id: int | None) -> Issuing:
    """The one set-up of every issuing entry point: the document kind follows from the shop's registration."""
    tenant = ctx.tenant(session)
    party = party_of(session, party_id)
    kind, seller_tax_id, seller_state = _seller(tenant)
    place = _place(tenant, seller_state, party, kind)
    return Issuing(tenant, party, kind, _supply(tenant, kind, seller_state, place), seller_tax_id, seller_state,
                   place)


def issue(
    ctx: Context, session: Session, issuing: Issuing, priced: list[Priced], *, series_name: str | None,
    at: datetime, sale_id: int | None = None, original: Invoice | None = None, reason: str = "",
) -> Invoice:
    """Tax the lines, number the document and write it with its lines (not yet settled or booked)."""
    tenant, party, kind = issuing.tenant, issuing.party, issuing.kind
    taxed = gst.tax_invoice([p.line for p in priced], issuing.supply)
    series, fy, number = next_number(session, tenant, kind, series_name, at)
    buyer_gstin = gstin_id.validate(party.gstin) if party is not None and party.gstin else None
    invoice = Invoice(
        series_id=series.id, kind=kind, number=number, financial_year=fy.label,
        invoice_date=business_date(tenant, at), supply=issuing.supply.value, seller_name=tenant.name,
        seller_address=tenant.address, seller_tax_id=issuing.seller_tax_id, seller_state=issuing.seller_state,
        party_id=party.id if party else None, buyer_name=party.name if party else "",
        buyer_address=party.address if party else "", buyer_gstin=buyer_gstin, place_of_supply=issuing.place,
        sale_id=sale_id, original_id=original.id if original else None, reason=reason,
        round_off=taxed.round_off, paid=ZERO, credited=ZERO,
        status=InvoiceStatus.ISSUED if kind is InvoiceKind.CREDIT_NOTE else InvoiceStatus.UNPAID,
        created_by=ctx.actor.user_id, created_at=at, **taxed.as_dict(),
    )
    session.add(invoice)
    session.flush()
    session.execute(insert(InvoiceLine), [
        {"tenant_id": ctx.tenant_id, "invoice_id": invoice.id, "product_id": p.product.id if p.product else None,
         "description": t.line.description, "hsn_code": t.line.hsn_code, "unit": p.unit, "quantity": t.line.quantity,
         "unit_price": t.line.unit_price, "price_includes_tax": t.line.price_includes_tax,
         "discount": t.line.discount, "rate": t.line.rate, "cess_rate": t.line.cess_rate, **t.as_dict()}
        for p, t in zip(priced, taxed.lines)
    ])
    return invoice


def _close(
    ctx: Context, session: Session, issuing: Issuing, invoice: Invoice, at: datetime, *,
    debit: Decimal | None, note: str | None = None, mode: PaymentMode = PaymentMode.CREDIT, paid: Decimal = ZERO,
) -> InvoiceView:
    """The one ending of every issuing entry point.

    `debit` goes to the buyer's khata (None: nothing), a `mode` other than credit
    pays the whole total at once, `paid` is what was settled before the invoice.
    """
    if issuing.party is not None and debit is not None:
        post_entry(session, issuing.tenant, party_id=issuing.party.id, kind=EntryKind.SALE,
                   debit=max(debit, ZERO), credit=max(-debit, ZERO), ref_type="invoice", ref_id=invoice.id,
                   note=note or f"invoice {invoice.number}", actor_id=ctx.actor.user_id, at=at)
    if mode is not PaymentMode.CREDIT:
        apply_payment(ctx, session, issuing.tenant, invoice, invoice.total, mode, "", None, at)
    if paid:
        settle(invoice, paid=paid)
    return view_of(session, issuing.tenant, invoice)


def _seller(tenant: Tenant) -> tuple[InvoiceKind, str | None, str | None]:
    """The document kind, the seller's tax id and the seller's state code."""
    if tenant.country is Country.NP:
        return InvoiceKind.TAX_INVOICE, np_pan.validate(tenant.pan) if tenant.pan else None, None
    if tenant.gstin:
        gstin = gstin_id.validate(tenant.gstin)
        kind = InvoiceKind.BILL_OF_SUPPLY if tenant.gst_composition else InvoiceKind.TAX_INVOICE
        return kind, gstin, gstin[:2]
    return InvoiceKind.BILL_OF_SUPPLY, None, code_of(tenant.state)


def _supply(tenant: Tenant, kind: InvoiceKind, seller_state: str | None, place: str | None) -> gst.Supply:
    if tenant.country is Country.NP:
        return gst.Supply.VAT if tenant.pan else gst.Supply.NO_TAX
    if kind is InvoiceKind.BILL_OF_SUPPLY:
        return gst.Supply.NO_TAX
    return gst.supply_for(seller_state, place)


def _place(tenant: Tenant, seller_state: str | None, party: Party | None, kind: InvoiceKind) -> str | None:
    if tenant.country is Country.NP:
        return None
    if seller_state is None:
        if kind is InvoiceKind.TAX_INVOICE:
            raise ValidationError(field="state", reason="the shop's state is needed for a GST invoice")
        return gst.state_of(party.gstin, party.state) if party else None
    return gst.place_of_supply(seller_state, party.gstin if party else None, party.state if party else None)


def _cess(product: Product, supply: gst.Supply) -> Decimal:
    return product.cess_rate if supply in (gst.Supply.INTRA_STATE, gst.Supply.INTER_STATE) else ZERO


class BilledLine(NamedTuple):
    """A line of a bill or an order: its product, quantity, unit price and line total (before discount)."""

    product: Product
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal


def bill_tax_lines(lines: Sequence[BilledLine], discount: Decimal, supply: gst.Supply) -> list[gst.TaxLine]:
    """A bill's lines as lines to tax: what the buyer was charged counts as tax-inclusive, the discount shared out."""
    shares = gst.allocate(discount, [line.line_total for line in lines])
    return [gst.TaxLine(description=line.product.name, quantity=line.quantity, unit_price=line.unit_price,
                        rate=line.product.gst_rate, hsn_code=line.product.hsn_code,
                        cess_rate=_cess(line.product, supply), price_includes_tax=True, discount=share)
            for line, share in zip(lines, shares)]


def party_of(session: Session, party_id: int | None) -> Party | None:
    """The buyer, if any (`UnknownParty` for an id that is not the tenant's)."""
    if party_id is None:
        return None
    party = session.get(Party, party_id)
    if party is None:
        raise UnknownParty(query=str(party_id))
    return party


def create_invoice(
    ctx: Context,
    lines: list[InvoiceLineIn],
    *,
    party_id: int | None = None,
    discount: Decimal | int | str = 0,
    payment_mode: PaymentMode | str = PaymentMode.CREDIT,
    series: str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> InvoiceView:
    """Sell with a GST invoice: stock goes out, the buyer's khata is debited with the total.

    `payment_mode` other than `credit` records the whole total as paid at once,
    through the same path as later payments. Without a party the buyer is an
    unregistered walk-in customer (B2C) and there is no khata.
    """
    ctx.actor.require(Permission.POST_SALE)
    mode = parse_payment_mode(payment_mode)
    disc = money(discount, "discount")
    request = {"lines": [line.model_dump() for line in lines], "party_id": party_id, "discount": disc,
               "payment_mode": mode, "series": series, "at": at}
    at = at or utcnow()
    if not lines:
        raise ValidationError(field="lines", reason="an invoice needs at least one line")

    def work(session: Session) -> InvoiceView:
        issuing = begin(ctx, session, party_id)
        products = {p.id: p for p in session.scalars(
            select(Product).where(Product.id.in_({line.product_id for line in lines})))}
        earlier = {} if request["at"] is None else selling_prices_at(session, products, at)
        amounts = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None or not product.active:
                raise UnknownProduct(query=str(line.product_id))
            price = (earlier.get(product.id, product.selling_price) if line.unit_price is None
                     else money(line.unit_price, "unit_price"))
            amounts.append((product, quantity(line.quantity), price))
        shares = gst.allocate(disc, [gst.paise(q * p) for _, q, p in amounts])
        priced = [
            Priced(product, gst.TaxLine(
                description=product.name, quantity=q, unit_price=price, rate=product.gst_rate,
                hsn_code=product.hsn_code, cess_rate=_cess(product, issuing.supply),
                price_includes_tax=(issuing.tenant.prices_include_tax if product.price_includes_tax is None
                                    else product.price_includes_tax),
                discount=share), product.unit.value)
            for (product, q, price), share in zip(amounts, shares)
        ]
        invoice = issue(ctx, session, issuing, priced, series_name=series, at=at)
        post_movements(session, [Movement(p.product.id, MovementKind.STOCK_OUT, on_hand_delta=-p.line.quantity)
                                 for p in priced],
                       ref_type="invoice", ref_id=invoice.id, actor_id=ctx.actor.user_id, at=at)
        return _close(ctx, session, issuing, invoice, at, debit=invoice.total, mode=mode)

    return ctx.run("invoice.create", request, work, InvoiceView, idempotency_key)


def invoice_for_amount(
    ctx: Context,
    amount: Decimal | int | str,
    *,
    party_id: int | None = None,
    description: str = "Goods",
    payment_mode: PaymentMode | str = PaymentMode.CREDIT,
    series: str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> InvoiceView:
    """Bill a lump sum without items ("Sharma ji ka ₹500 ka bill"): one line, no stock movement.

    Only a seller that charges no tax may do this (a Bill of Supply: composition or
    unregistered; a Nepal shop without VAT). A tax invoice needs each item's HSN code
    and rate, so any other seller gets `ValidationError` and must name the items.
    """
    ctx.actor.require(Permission.POST_SALE)
    value = money(amount, positive=True)
    mode = parse_payment_mode(payment_mode)
    description = description.strip() or "Goods"
    request = {"amount": value, "party_id": party_id, "description": description, "payment_mode": mode,
               "series": series, "at": at}
    at = at or utcnow()

    def work(session: Session) -> InvoiceView:
        issuing = begin(ctx, session, party_id)
        if issuing.supply is not gst.Supply.NO_TAX:
            raise ValidationError(field="lines",
                                  reason="a tax invoice needs its items, each with its HSN code and rate")
        line = gst.TaxLine(description=description, quantity=Decimal(1), unit_price=value, rate=Decimal(0),
                           price_includes_tax=True)
        invoice = issue(ctx, session, issuing, [Priced(None, line, "pcs")], series_name=series, at=at)
        return _close(ctx, session, issuing, invoice, at, debit=invoice.total, mode=mode)

    return ctx.run("invoice.amount", request, work, InvoiceView, idempotency_key)


def invoice_for_sale(
    ctx: Context, sale_id: int, *, series: str | None = None, idempotency_key: str | None = None
) -> InvoiceView:
    """The GST invoice for a bill already posted by `erp_core.sales`.

    Stock and the bill's khata entries stay as the sale posted them. The bill's
    amounts are what the buyer was charged, so they are taken as tax-inclusive.
    A bill settled in full counts as paid (the counter rounded the cash); for a
    bill with money due, the rupee round-off of the invoice goes to the khata so
    that the khata and the invoice agree.
    """
    ctx.actor.require(Permission.POST_SALE)

    def work(session: Session) -> InvoiceView:
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound(what="bill", ref=sale_id)
        existing = session.scalar(select(Invoice.number).where(
            Invoice.sale_id == sale_id, Invoice.kind != InvoiceKind.CREDIT_NOTE))
        if existing is not None:
            raise ValidationError(field="sale_id", reason=f"bill {sale.number} already has invoice {existing}")
        rows = session.execute(select(SaleLine, Product).join(Product, Product.id == SaleLine.product_id)
                               .where(SaleLine.sale_id == sale_id).order_by(SaleLine.id)).all()
        issuing = begin(ctx, session, sale.party_id)
        billed = [BilledLine(row.Product, row.SaleLine.quantity, row.SaleLine.unit_price, row.SaleLine.line_total)
                  for row in rows]
        priced = [Priced(line.product, taxed, line.product.unit.value)
                  for line, taxed in zip(billed, bill_tax_lines(billed, sale.discount, issuing.supply))]
        invoice = issue(ctx, session, issuing, priced, series_name=series, at=sale.sold_at, sale_id=sale.id)
        difference = invoice.total - sale.total
        return _close(ctx, session, issuing, invoice, sale.sold_at,
                      debit=difference if sale.due != 0 and difference else None,
                      note=f"round-off invoice {invoice.number}", paid=paid_at_issue(invoice.total, sale))

    return ctx.run("invoice.for_sale", {"sale_id": sale_id, "series": series}, work, InvoiceView, idempotency_key)
