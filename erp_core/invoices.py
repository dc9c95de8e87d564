"""GST invoices, Bills of Supply and credit notes (and Nepal VAT invoices).

An invoice is issued once and never edited: its numbers come from a series,
gapless within the financial year, and its figures from `erp_core.gst`. A
return is a credit note that puts the goods back in stock and credits the
khata. Payments, by hand or through a gateway, go through `record_invoice_payment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Country, EntryKind, InvoiceKind, InvoiceStatus, MovementKind, PaymentMode, Role
from erp_core.errors import NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.fiscal_year import FinancialYear, financial_year
from erp_core.ids import gstin as gstin_id
from erp_core.ids import hsn, np_pan, vpa
from erp_core.ids.states import code_of
from erp_core.inventory import Movement, post_movements
from erp_core.ledger import business_date, post_entry
from erp_core.models import (
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceSeries,
    Party,
    Payment,
    Product,
    Sale,
    SaleLine,
    Tenant,
)
from erp_core.permissions import Permission
from erp_core.sequences import next_value
from erp_core.values import money, quantity, rate

MAX_NUMBER_LENGTH = 16
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]*$")
_PATTERN = re.compile(r"^(?:[A-Za-z0-9/-]|\{fy\}|\{n(?::0[1-9])?\})+$")
DEFAULT_PATTERNS = {
    InvoiceKind.TAX_INVOICE: ("INV", "INV/{fy}/{n:04}"),
    InvoiceKind.BILL_OF_SUPPLY: ("BOS", "BOS/{fy}/{n:04}"),
    InvoiceKind.CREDIT_NOTE: ("CN", "CN/{fy}/{n:04}"),
}
_ZERO = Decimal("0.00")


def _no_floats(value: object, info: ValidationInfo) -> object:
    if isinstance(value, float):
        raise ValidationError(field=info.field_name, reason="must be an exact number, not a float")
    return value


class InvoiceLineIn(BaseModel):
    """A line to invoice: the price defaults to the product's selling price."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    _floats = field_validator("quantity", "unit_price", mode="before")(_no_floats)


class ReturnLineIn(BaseModel):
    """Goods coming back against an invoice line."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    _floats = field_validator("quantity", mode="before")(_no_floats)


class InvoiceLineView(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int | None
    description: str
    hsn_code: str | None
    unit: str
    quantity: Decimal
    unit_price: Decimal
    price_includes_tax: bool
    discount: Decimal
    rate: Decimal
    cess_rate: Decimal
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal
    vat: Decimal
    total: Decimal


class InvoiceView(BaseModel):
    """An issued invoice, Bill of Supply or credit note, as printed."""

    model_config = ConfigDict(frozen=True)
    id: int
    kind: InvoiceKind
    number: str
    financial_year: str
    invoice_date: date
    country: Country
    supply: gst.Supply
    seller_name: str
    seller_address: str
    seller_tax_id: str | None
    seller_state: str | None
    party_id: int | None
    buyer_name: str
    buyer_address: str
    buyer_gstin: str | None
    place_of_supply: str | None
    sale_id: int | None
    original_id: int | None
    original_number: str | None
    reason: str
    lines: list[InvoiceLineView]
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal
    vat: Decimal
    round_off: Decimal
    total: Decimal
    paid: Decimal
    credited: Decimal
    due: Decimal
    status: InvoiceStatus
    upi_vpa: str | None

    @property
    def is_b2b(self) -> bool:
        """A business buyer with a GSTIN (B2B); otherwise a consumer (B2C)."""
        return self.buyer_gstin is not None

    def tax_summary(self) -> list[gst.RateSummary]:
        """Taxable value and taxes by rate, as on the printed summary."""
        return gst.by_rate((line.rate, line.cess_rate, gst.TaxAmounts.of(line)) for line in self.lines)


class SeriesView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    name: str
    kind: InvoiceKind
    pattern: str
    is_default: bool


class ProductTax(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    hsn_code: str | None
    gst_rate: Decimal
    cess_rate: Decimal
    price_includes_tax: bool | None


class InvoicingSettings(BaseModel):
    model_config = ConfigDict(frozen=True)
    gst_composition: bool
    prices_include_tax: bool
    upi_vpa: str | None


# ---------------------------------------------------------------- settings and series


def configure_invoicing(
    ctx: Context,
    *,
    gst_composition: bool | None = None,
    prices_include_tax: bool | None = None,
    upi_vpa: str | None = None,
    idempotency_key: str | None = None,
) -> InvoicingSettings:
    """Set how the shop invoices: composition scheme (Bill of Supply), MRP-style prices, its UPI id."""
    ctx.actor.require(Permission.MANAGE_USERS)
    address = vpa.validate(upi_vpa) if upi_vpa else None
    request = {"gst_composition": gst_composition, "prices_include_tax": prices_include_tax, "upi_vpa": address}

    def work(session: Session) -> InvoicingSettings:
        tenant = ctx.tenant(session)
        if gst_composition is not None:
            tenant.gst_composition = gst_composition
        if prices_include_tax is not None:
            tenant.prices_include_tax = prices_include_tax
        if address is not None:
            tenant.upi_vpa = address
        return InvoicingSettings(gst_composition=tenant.gst_composition,
                                 prices_include_tax=tenant.prices_include_tax, upi_vpa=tenant.upi_vpa)

    return ctx.run("invoicing.configure", request, work, InvoicingSettings, idempotency_key)


def set_product_tax(
    ctx: Context,
    product_id: int,
    *,
    hsn_code: str | None = None,
    gst_rate: Decimal | int | str | None = None,
    cess_rate: Decimal | int | str | None = None,
    price_includes_tax: bool | None = None,
    idempotency_key: str | None = None,
) -> ProductTax:
    """Set a product's HSN code, tax rate (GST, or VAT in Nepal), cess and whether its price includes tax."""
    ctx.actor.require(Permission.MANAGE_CATALOG)
    request = {"product_id": product_id, "hsn_code": hsn.validate(hsn_code) if hsn_code else None,
               "gst_rate": None if gst_rate is None else rate(gst_rate),
               "cess_rate": None if cess_rate is None else rate(cess_rate, "cess_rate"),
               "price_includes_tax": price_includes_tax}

    def work(session: Session) -> ProductTax:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        for field in ("hsn_code", "gst_rate", "cess_rate"):
            if request[field] is not None:
                setattr(product, field, request[field])
        if price_includes_tax is not None:
            product.price_includes_tax = price_includes_tax
        return ProductTax(product_id=product.id, hsn_code=product.hsn_code, gst_rate=product.gst_rate,
                          cess_rate=product.cess_rate, price_includes_tax=product.price_includes_tax)

    return ctx.run("product.tax", request, work, ProductTax, idempotency_key)


def render_number(pattern: str, fy: FinancialYear, n: int) -> str:
    """The invoice number a series pattern gives: `INV/{fy}/{n:04}` → `INV/25-26/0042`."""
    number = pattern.format(fy=fy.short, n=n)
    if len(number) > MAX_NUMBER_LENGTH:
        raise ValidationError(field="number", reason=f"{number} is longer than {MAX_NUMBER_LENGTH} characters")
    if not _NUMBER.match(number):
        raise ValidationError(field="number", reason=f"{number} must start with a letter or digit and use only "
                                                     "letters, digits, - and /")
    return number


def add_series(
    ctx: Context, name: str, pattern: str, kind: InvoiceKind | str = InvoiceKind.TAX_INVOICE, *,
    default: bool = False, idempotency_key: str | None = None,
) -> SeriesView:
    """Add a numbering series; `pattern` uses `{fy}` (`25-26`) and `{n}` or `{n:04}` (the running number)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    kind = InvoiceKind(kind)
    name = name.strip()
    if not name or len(name) > 20:
        raise ValidationError(field="name", reason="a series name has 1 to 20 characters")
    if not _PATTERN.match(pattern) or "{n" not in pattern:
        raise ValidationError(field="pattern", reason="use letters, digits, - and /, with {n} and optionally {fy}")
    request = {"name": name, "pattern": pattern, "kind": kind, "default": default}

    def work(session: Session) -> SeriesView:
        tenant = ctx.tenant(session)
        # the longest number this year's series could give must still be a valid GST invoice number
        render_number(pattern, _year(tenant, utcnow()), 9999)
        if session.scalar(select(InvoiceSeries.id).where(InvoiceSeries.name == name)) is not None:
            raise ValidationError(field="name", reason=f"there is already a series {name}")
        if default:
            for other in session.scalars(select(InvoiceSeries).where(InvoiceSeries.kind == kind)):
                other.is_default = False
        series = InvoiceSeries(name=name, kind=kind, pattern=pattern, is_default=default)
        session.add(series)
        session.flush()
        return _series_view(series)

    return ctx.run("invoice.series", request, work, SeriesView, idempotency_key)


def _series_view(series: InvoiceSeries) -> SeriesView:
    return SeriesView(id=series.id, name=series.name, kind=series.kind, pattern=series.pattern,
                      is_default=series.is_default)


def _series(session: Session, kind: InvoiceKind, name: str | None) -> InvoiceSeries:
    if name is not None:
        series = session.scalar(select(InvoiceSeries).where(InvoiceSeries.name == name))
        if series is None:
            raise NotFound(what="series", ref=name)
        if (series.kind is InvoiceKind.CREDIT_NOTE) != (kind is InvoiceKind.CREDIT_NOTE):
            raise ValidationError(field="series", reason=f"series {name} is for {series.kind.value} documents")
        return series
    query = select(InvoiceSeries).where(InvoiceSeries.kind == kind).order_by(
        InvoiceSeries.is_default.desc(), InvoiceSeries.id)
    series = session.scalars(query.limit(1)).first()
    if series is None:
        # Two first invoices may race to create the default series: one insert wins.
        default_name, pattern = DEFAULT_PATTERNS[kind]
        dialect_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(dialect_insert(InvoiceSeries).values(
            tenant_id=session.info["tenant_id"], name=default_name, kind=kind, pattern=pattern, is_default=True,
        ).on_conflict_do_nothing(index_elements=["tenant_id", "name"]))
        series = session.scalars(query.limit(1)).first()
    return series


def _year(tenant: Tenant, at: datetime) -> FinancialYear:
    return financial_year(tenant.country, business_date(tenant, at))


# ---------------------------------------------------------------- issuing


@dataclass
class _Priced:
    product: Product | None
    line: gst.TaxLine
    unit: str


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


def _issue(
    ctx: Context,
    session: Session,
    tenant: Tenant,
    priced: list[_Priced],
    *,
    kind: InvoiceKind,
    supply: gst.Supply,
    seller_tax_id: str | None,
    seller_state: str | None,
    party: Party | None,
    place: str | None,
    series_name: str | None,
    at: datetime,
    sale_id: int | None = None,
    original: Invoice | None = None,
    reason: str = "",
) -> Invoice:
    taxed = gst.tax_invoice([p.line for p in priced], supply)
    series = _series(session, kind, series_name)
    fy = _year(tenant, at)
    number = render_number(series.pattern, fy, next_value(session, f"invoice:{series.id}:{fy.label}"))
    buyer_gstin = gstin_id.validate(party.gstin) if party is not None and party.gstin else None
    invoice = Invoice(
        series_id=series.id, kind=kind, number=number, financial_year=fy.label,
        invoice_date=business_date(tenant, at), supply=supply.value, seller_name=tenant.name,
        seller_address=tenant.address, seller_tax_id=seller_tax_id, seller_state=seller_state,
        party_id=party.id if party else None, buyer_name=party.name if party else "",
        buyer_address=party.address if party else "", buyer_gstin=buyer_gstin, place_of_supply=place,
        sale_id=sale_id, original_id=original.id if original else None, reason=reason,
        taxable_value=taxed.taxable_value, cgst=taxed.cgst, sgst=taxed.sgst, igst=taxed.igst, cess=taxed.cess,
        vat=taxed.vat, round_off=taxed.round_off, total=taxed.total, paid=_ZERO, credited=_ZERO,
        status=InvoiceStatus.ISSUED if kind is InvoiceKind.CREDIT_NOTE else InvoiceStatus.UNPAID,
        created_by=ctx.actor.user_id, created_at=at,
    )
    session.add(invoice)
    session.flush()
    session.execute(insert(InvoiceLine), [
        {"tenant_id": ctx.tenant_id, "invoice_id": invoice.id, "product_id": p.product.id if p.product else None,
         "description": t.line.description, "hsn_code": t.line.hsn_code, "unit": p.unit, "quantity": t.line.quantity,
         "unit_price": t.line.unit_price, "price_includes_tax": t.line.price_includes_tax,
         "discount": t.line.discount, "rate": t.line.rate, "cess_rate": t.line.cess_rate,
         "taxable_value": t.taxable_value, "cgst": t.cgst, "sgst": t.sgst, "igst": t.igst, "cess": t.cess,
         "vat": t.vat, "total": t.total}
        for p, t in zip(priced, taxed.lines)
    ])
    return invoice


def _cess(product: Product, supply: gst.Supply) -> Decimal:
    return product.cess_rate if supply in (gst.Supply.INTRA_STATE, gst.Supply.INTER_STATE) else _ZERO


def _party(session: Session, party_id: int | None) -> Party | None:
    if party_id is None:
        return None
    party = session.get(Party, party_id)
    if party is None:
        raise UnknownParty(query=str(party_id))
    return party


def _place(tenant: Tenant, seller_state: str | None, party: Party | None, kind: InvoiceKind) -> str | None:
    if tenant.country is Country.NP:
        return None
    if seller_state is None:
        if kind is InvoiceKind.TAX_INVOICE:
            raise ValidationError(field="state", reason="the shop's state is needed for a GST invoice")
        return gst.state_of(party.gstin, party.state) if party else None
    return gst.place_of_supply(seller_state, party.gstin if party else None, party.state if party else None)


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
    mode = _mode(payment_mode)
    disc = money(discount, "discount")
    request = {"lines": [line.model_dump() for line in lines], "party_id": party_id, "discount": disc,
               "payment_mode": mode, "series": series, "at": at}
    at = at or utcnow()
    if not lines:
        raise ValidationError(field="lines", reason="an invoice needs at least one line")

    def work(session: Session) -> InvoiceView:
        tenant = ctx.tenant(session)
        party = _party(session, party_id)
        kind, seller_tax_id, seller_state = _seller(tenant)
        place = _place(tenant, seller_state, party, kind)
        supply = _supply(tenant, kind, seller_state, place)
        products = {p.id: p for p in session.scalars(
            select(Product).where(Product.id.in_({line.product_id for line in lines})))}
        amounts = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None or not product.active:
                raise UnknownProduct(query=str(line.product_id))
            price = product.selling_price if line.unit_price is None else money(line.unit_price, "unit_price")
            amounts.append((product, quantity(line.quantity), price))
        shares = gst.allocate(disc, [gst.paise(q * p) for _, q, p in amounts])
        priced = [
            _Priced(product, gst.TaxLine(
                description=product.name, quantity=q, unit_price=price, rate=product.gst_rate,
                hsn_code=product.hsn_code, cess_rate=_cess(product, supply),
                price_includes_tax=(tenant.prices_include_tax if product.price_includes_tax is None
                                    else product.price_includes_tax),
                discount=share), product.unit.value)
            for (product, q, price), share in zip(amounts, shares)
        ]
        invoice = _issue(ctx, session, tenant, priced, kind=kind, supply=supply, seller_tax_id=seller_tax_id,
                         seller_state=seller_state, party=party, place=place, series_name=series, at=at)
        post_movements(session, [Movement(p.product.id, MovementKind.STOCK_OUT, on_hand_delta=-p.line.quantity)
                                 for p in priced],
                       ref_type="invoice", ref_id=invoice.id, actor_id=ctx.actor.user_id, at=at)
        if party is not None:
            post_entry(session, tenant, party_id=party.id, kind=EntryKind.SALE, debit=invoice.total,
                       ref_type="invoice", ref_id=invoice.id, note=f"invoice {invoice.number}",
                       actor_id=ctx.actor.user_id, at=at)
        if mode is not PaymentMode.CREDIT:
            _apply_payment(ctx, session, tenant, invoice, invoice.total, mode, "", None, at)
        return _view(session, tenant, invoice)

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
    mode = _mode(payment_mode)
    description = description.strip() or "Goods"
    request = {"amount": value, "party_id": party_id, "description": description, "payment_mode": mode,
               "series": series, "at": at}
    at = at or utcnow()

    def work(session: Session) -> InvoiceView:
        tenant = ctx.tenant(session)
        party = _party(session, party_id)
        kind, seller_tax_id, seller_state = _seller(tenant)
        place = _place(tenant, seller_state, party, kind)
        supply = _supply(tenant, kind, seller_state, place)
        if supply is not gst.Supply.NO_TAX:
            raise ValidationError(field="lines",
                                  reason="a tax invoice needs its items, each with its HSN code and rate")
        line = gst.TaxLine(description=description, quantity=Decimal(1), unit_price=value, rate=Decimal(0),
                           price_includes_tax=True)
        invoice = _issue(ctx, session, tenant, [_Priced(None, line, "pcs")], kind=kind, supply=supply,
                         seller_tax_id=seller_tax_id, seller_state=seller_state, party=party, place=place,
                         series_name=series, at=at)
        if party is not None:
            post_entry(session, tenant, party_id=party.id, kind=EntryKind.SALE, debit=invoice.total,
                       ref_type="invoice", ref_id=invoice.id, note=f"invoice {invoice.number}",
                       actor_id=ctx.actor.user_id, at=at)
        if mode is not PaymentMode.CREDIT:
            _apply_payment(ctx, session, tenant, invoice, invoice.total, mode, "", None, at)
        return _view(session, tenant, invoice)

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
        tenant = ctx.tenant(session)
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound(what="bill", ref=sale_id)
        existing = session.scalar(select(Invoice.number).where(
            Invoice.sale_id == sale_id, Invoice.kind != InvoiceKind.CREDIT_NOTE))
        if existing is not None:
            raise ValidationError(field="sale_id", reason=f"bill {sale.number} already has invoice {existing}")
        rows = session.execute(select(SaleLine, Product).join(Product, Product.id == SaleLine.product_id)
                               .where(SaleLine.sale_id == sale_id).order_by(SaleLine.id)).all()
        party = _party(session, sale.party_id)
        kind, seller_tax_id, seller_state = _seller(tenant)
        place = _place(tenant, seller_state, party, kind)
        supply = _supply(tenant, kind, seller_state, place)
        shares = gst.allocate(sale.discount, [row.SaleLine.line_total for row in rows])
        priced = [
            _Priced(row.Product, gst.TaxLine(
                description=row.Product.name, quantity=row.SaleLine.quantity, unit_price=row.SaleLine.unit_price,
                rate=row.Product.gst_rate, hsn_code=row.Product.hsn_code,
                cess_rate=_cess(row.Product, supply),
                price_includes_tax=True, discount=share), row.Product.unit.value)
            for row, share in zip(rows, shares)
        ]
        invoice = _issue(ctx, session, tenant, priced, kind=kind, supply=supply, seller_tax_id=seller_tax_id,
                         seller_state=seller_state, party=party, place=place, series_name=series, at=sale.sold_at,
                         sale_id=sale.id)
        if sale.due == 0:
            invoice.paid = invoice.total
        else:
            difference = invoice.total - sale.total
            if difference:
                post_entry(session, tenant, party_id=party.id, kind=EntryKind.SALE,
                           debit=max(difference, _ZERO), credit=max(-difference, _ZERO), ref_type="invoice",
                           ref_id=invoice.id, note=f"round-off invoice {invoice.number}",
                           actor_id=ctx.actor.user_id, at=sale.sold_at)
            invoice.paid = sale.paid
        invoice.status = _status(invoice)
        return _view(session, tenant, invoice)

    return ctx.run("invoice.for_sale", {"sale_id": sale_id, "series": series}, work, InvoiceView, idempotency_key)


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

    The goods go back into stock (RETURN) and the buyer's khata is credited
    with the credit note's total. Each line is taxed as on the invoice.
    """
    ctx.actor.require(Permission.REVERSE)
    if not reason.strip():
        raise ValidationError(field="reason", reason="say why the goods came back")
    request = {"invoice_id": invoice_id, "returns": None if returns is None else [r.model_dump() for r in returns],
               "reason": reason, "series": series, "at": at}
    at = at or utcnow()

    def work(session: Session) -> InvoiceView:
        tenant = ctx.tenant(session)
        original = session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
        if original is None or original.kind is InvoiceKind.CREDIT_NOTE:
            raise NotFound(what="invoice", ref=invoice_id)
        lines = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                                .order_by(InvoiceLine.id)).all()
        returned = _returned(session, invoice_id)
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
            priced.append(_Priced(session.get(Product, product_id) if product_id else None, gst.TaxLine(
                description=line.description, quantity=qty, unit_price=line.unit_price, rate=line.rate,
                hsn_code=line.hsn_code, cess_rate=line.cess_rate, price_includes_tax=line.price_includes_tax,
                discount=share), line.unit))
        if not priced:
            raise ValidationError(field="returns", reason=f"everything on {original.number} has already come back")
        party = _party(session, original.party_id)
        note = _issue(ctx, session, tenant, priced, kind=InvoiceKind.CREDIT_NOTE, supply=gst.Supply(original.supply),
                      seller_tax_id=original.seller_tax_id, seller_state=original.seller_state, party=party,
                      place=original.place_of_supply, series_name=series, at=at, original=original, reason=reason)
        post_movements(session, [Movement(p.product.id, MovementKind.RETURN, on_hand_delta=p.line.quantity)
                                 for p in priced if p.product is not None],
                       ref_type="credit_note", ref_id=note.id, note=reason, actor_id=ctx.actor.user_id, at=at)
        if party is not None:
            post_entry(session, tenant, party_id=party.id, kind=EntryKind.CREDIT_NOTE, credit=note.total,
                       ref_type="credit_note", ref_id=note.id, note=f"credit note {note.number}: {reason}",
                       actor_id=ctx.actor.user_id, at=at)
        original.credited += note.total
        original.status = _status(original)
        return _view(session, tenant, note)

    return ctx.run("invoice.credit_note", request, work, InvoiceView, idempotency_key)


def _returned(session: Session, invoice_id: int) -> dict[int | None, Decimal]:
    """Quantities already credited against an invoice, by product."""
    returned: dict[int | None, Decimal] = {}
    for product_id, qty in session.execute(
        select(InvoiceLine.product_id, InvoiceLine.quantity)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.original_id == invoice_id)
    ):
        returned[product_id] = returned.get(product_id, Decimal(0)) + qty
    return returned


# ---------------------------------------------------------------- payments


def _mode(payment_mode: PaymentMode | str) -> PaymentMode:
    try:
        return PaymentMode(payment_mode)
    except ValueError:
        raise ValidationError(field="payment_mode", reason=f"{payment_mode!r} is not a payment mode") from None


def _status(invoice: Invoice) -> InvoiceStatus:
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        return InvoiceStatus.ISSUED
    settled = invoice.paid + invoice.credited
    if settled >= invoice.total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if settled > 0 else InvoiceStatus.UNPAID


def _apply_payment(
    ctx: Context, session: Session, tenant: Tenant, invoice: Invoice, amount: Decimal, mode: PaymentMode,
    reference: str, gateway_payment_id: str | None, at: datetime,
) -> InvoicePayment:
    payment_id = None
    if invoice.party_id is not None:
        payment = Payment(party_id=invoice.party_id, amount=amount, mode=mode,
                          reference=(reference or f"invoice {invoice.number}")[:100], received_at=at,
                          created_by=ctx.actor.user_id)
        session.add(payment)
        session.flush()
        payment_id = payment.id
        post_entry(session, tenant, party_id=invoice.party_id, kind=EntryKind.PAYMENT, credit=amount,
                   ref_type="payment", ref_id=payment.id, note=f"{mode.value} invoice {invoice.number} {reference}".strip(),
                   actor_id=ctx.actor.user_id, at=at)
    record = InvoicePayment(invoice_id=invoice.id, payment_id=payment_id, amount=amount, mode=mode,
                            reference=reference[:100], gateway_payment_id=gateway_payment_id, received_at=at)
    session.add(record)
    invoice.paid += amount
    invoice.status = _status(invoice)
    session.flush()
    return record


def record_invoice_payment(
    ctx: Context,
    invoice_id: int,
    amount: Decimal | int | str,
    mode: PaymentMode | str = PaymentMode.CASH,
    *,
    reference: str = "",
    gateway_payment_id: str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> InvoiceView:
    """Book money received against an invoice: a khata credit, and the invoice becomes paid or partially paid.

    Cash or a UPI reference typed by the owner, and gateway payments (Razorpay),
    all come through here. A gateway payment is booked once per
    `gateway_payment_id` however often it is reported; one typed by hand may
    not be more than what is due.
    """
    ctx.actor.require(Permission.RECORD_PAYMENT)
    value = money(amount, positive=True)
    mode = _mode(mode)
    if mode is PaymentMode.CREDIT:
        raise ValidationError(field="mode", reason="a payment cannot be made on credit")
    request = {"invoice_id": invoice_id, "amount": value, "mode": mode, "reference": reference,
               "gateway_payment_id": gateway_payment_id, "at": at}
    if gateway_payment_id is not None and idempotency_key is None:
        # One booking per gateway payment: the gateway's events about it differ in their details
        # (time, method), never in what was paid for what.
        idempotency_key = f"gateway-payment:{gateway_payment_id}"
        request = {"invoice_id": invoice_id, "amount": value, "gateway_payment_id": gateway_payment_id}

    def work(session: Session) -> InvoiceView:
        tenant = ctx.tenant(session)
        invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
        if invoice is None or invoice.kind is InvoiceKind.CREDIT_NOTE:
            raise NotFound(what="invoice", ref=invoice_id)
        due = invoice.total - invoice.paid - invoice.credited
        if gateway_payment_id is None and value > due:
            raise ValidationError(field="amount", reason=f"only {due} is due on {invoice.number}")
        _apply_payment(ctx, session, tenant, invoice, value, mode, reference, gateway_payment_id, at or utcnow())
        return _view(session, tenant, invoice)

    return ctx.run("invoice.payment", request, work, InvoiceView, idempotency_key)


# ---------------------------------------------------------------- reading


def _view(session: Session, tenant: Tenant, invoice: Invoice) -> InvoiceView:
    lines = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                            .order_by(InvoiceLine.id)).all()
    original_number = (session.scalar(select(Invoice.number).where(Invoice.id == invoice.original_id))
                       if invoice.original_id else None)
    return InvoiceView(
        id=invoice.id, kind=invoice.kind, number=invoice.number, financial_year=invoice.financial_year,
        invoice_date=invoice.invoice_date, country=tenant.country, supply=gst.Supply(invoice.supply),
        seller_name=invoice.seller_name, seller_address=invoice.seller_address,
        seller_tax_id=invoice.seller_tax_id, seller_state=invoice.seller_state, party_id=invoice.party_id,
        buyer_name=invoice.buyer_name, buyer_address=invoice.buyer_address, buyer_gstin=invoice.buyer_gstin,
        place_of_supply=invoice.place_of_supply, sale_id=invoice.sale_id, original_id=invoice.original_id,
        original_number=original_number, reason=invoice.reason,
        lines=[InvoiceLineView(
            product_id=x.product_id, description=x.description, hsn_code=x.hsn_code, unit=x.unit,
            quantity=x.quantity, unit_price=x.unit_price, price_includes_tax=x.price_includes_tax,
            discount=x.discount, rate=x.rate, cess_rate=x.cess_rate, taxable_value=x.taxable_value, cgst=x.cgst,
            sgst=x.sgst, igst=x.igst, cess=x.cess, vat=x.vat, total=x.total) for x in lines],
        taxable_value=invoice.taxable_value, cgst=invoice.cgst, sgst=invoice.sgst, igst=invoice.igst,
        cess=invoice.cess, vat=invoice.vat, round_off=invoice.round_off, total=invoice.total, paid=invoice.paid,
        credited=invoice.credited, due=max(invoice.total - invoice.paid - invoice.credited, _ZERO),
        status=invoice.status, upi_vpa=tenant.upi_vpa,
    )


def get_invoice(ctx: Context, invoice_id: int) -> InvoiceView:
    """One invoice or credit note; customers see only their own."""
    with ctx.read() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(what="invoice", ref=invoice_id)
        if ctx.actor.role is Role.CUSTOMER:
            ctx.actor.require_party_access(invoice.party_id or 0)
        else:
            ctx.actor.require(Permission.VIEW_SALES)
        return _view(session, ctx.tenant(session), invoice)


def find_invoice(ctx: Context, number: str, financial_year: str | None = None) -> InvoiceView:
    """An invoice by its number (in the given financial year, else the latest with that number)."""
    with ctx.read() as session:
        query = select(Invoice.id).where(Invoice.number == number.strip())
        if financial_year is not None:
            query = query.where(Invoice.financial_year == financial_year)
        invoice_id = session.scalar(query.order_by(Invoice.id.desc()).limit(1))
    if invoice_id is None:
        raise NotFound(what="invoice", ref=number)
    return get_invoice(ctx, invoice_id)


def list_invoices(
    ctx: Context, *, after_id: int = 0, limit: int = 50, kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None, party_id: int | None = None, first_day: date | None = None,
    last_day: date | None = None,
) -> list[InvoiceView]:
    """Invoices and credit notes in id order after `after_id`, optionally of one kind, status, party or dates."""
    ctx.actor.require(Permission.VIEW_SALES)
    query = select(Invoice).where(Invoice.id > after_id).order_by(Invoice.id).limit(limit)
    for column, value in ((Invoice.kind, kind), (Invoice.status, status), (Invoice.party_id, party_id)):
        if value is not None:
            query = query.where(column == value)
    if first_day is not None:
        query = query.where(Invoice.invoice_date >= first_day)
    if last_day is not None:
        query = query.where(Invoice.invoice_date <= last_day)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        return [_view(session, tenant, invoice) for invoice in session.scalars(query).all()]
