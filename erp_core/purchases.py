"""The buying side: a supplier's bill booked with its lines (stock in at landed cost, the supplier's khata
credited, input tax credit recorded), goods sent back on a debit note (all of it reversed), and payments to
suppliers. What it adds up to (payables, the purchase register, input credit) is `erp_core.purchase_reports`.

The supplier's khata is the same append-only ledger as a customer's, in the other direction: a bill is a
credit (PURCHASE), a payment or a debit note a debit, so a supplier the shop owes has a negative balance and
`payables` reports it as a positive amount. Tax on a bill from a registered supplier to a regular GST shop is
input tax credit and stays out of the goods' cost; for a composition or unregistered shop (or an unregistered
supplier) it is part of the cost. Goods sent back leave stock at their weighted-average cost, like any goods
going out; with one purchase price that is the price they came in at.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import batches, gst
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import Country, EntryKind, MovementKind, PartyKind, PaymentMode, PurchaseKind
from erp_core.errors import NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.ids import gstin as gstin_id
from erp_core.ids.states import code_of
from erp_core.inventory import Movement, is_service, post_movements
from erp_core.ledger import business_date, post_entry
from erp_core.models import Party, PartyBalance, Product, Tenant
from erp_core.models.purchases import PurchaseBill, PurchaseLine, SupplierPayment
from erp_core.permissions import Permission
from erp_core.sequences import next_value
from erp_core.values import money, quantity
from erp_core.values import payment_mode as parse_mode

_COST = Decimal("0.0001")
_ZERO = Decimal("0.00")
_PAISA = Decimal("0.01")


class PurchaseLineIn(BaseModel):
    """A line of a supplier's bill; what is not given comes from the catalog (cost price, GST rate, HSN)."""

    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    """The rate per unit as the bill shows it (before tax, unless the bill's prices include tax)."""
    rate: Decimal | None = None
    cess_rate: Decimal | None = None
    hsn_code: str | None = None
    discount: Decimal = Decimal(0)
    batch_no: str | None = None
    expiry_date: date | None = None


class ReturnedLineIn(BaseModel):
    product_id: int
    quantity: Decimal


class PurchaseLineView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    product_id: int
    description: str
    hsn_code: str | None
    quantity: Decimal
    unit_price: Decimal
    rate: Decimal
    taxable_value: Decimal
    tax: Decimal
    total: Decimal
    unit_cost: Decimal
    batch_no: str | None
    expiry_date: date | None


class PurchaseView(BaseModel):
    """A supplier's bill or the shop's debit note, with the supplier's khata balance after it."""

    model_config = ConfigDict(frozen=True)
    id: int
    kind: PurchaseKind
    supplier_id: int
    supplier_name: str
    bill_number: str
    bill_date: date
    supplier_gstin: str | None
    supply: gst.Supply
    itc_eligible: bool
    original_id: int | None
    reason: str
    lines: list[PurchaseLineView]
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal
    vat: Decimal
    total: Decimal
    round_off: Decimal
    paid: Decimal
    """Paid to the supplier when the bill was booked."""
    owed: Decimal
    """What the shop owes the supplier after this document (negative: the supplier owes the shop)."""


class SupplierPaymentResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    payment_id: int
    supplier_id: int
    amount: Decimal
    mode: PaymentMode
    owed: Decimal


def supplier_of(session: Session, supplier_id: int) -> Party:
    """The supplier, or `UnknownParty`; a customer is refused with a clear reason."""
    party = session.get(Party, supplier_id)
    if party is None:
        raise UnknownParty(query=str(supplier_id))
    if party.kind is not PartyKind.SUPPLIER:
        raise ValidationError(field="supplier_id", reason=f"{party.name} is a customer, not a supplier")
    return party


def _terms(tenant: Tenant, supplier: Party) -> tuple[gst.Supply, str | None, bool]:
    """How the supplier taxes the bill, its GSTIN, and whether the tax is input credit for this shop."""
    if tenant.country is Country.NP:
        return gst.Supply.VAT, None, bool(tenant.pan)
    if not supplier.gstin:
        return gst.Supply.NO_TAX, None, False
    supplier_gstin = gstin_id.validate(supplier.gstin)
    shop_state = tenant.gstin[:2] if tenant.gstin else code_of(tenant.state)
    if shop_state is None:
        raise ValidationError(field="state", reason="the shop's state is needed to book a GST bill")
    supply = gst.supply_for(supplier_gstin[:2], shop_state)
    return supply, supplier_gstin, bool(tenant.gstin) and not tenant.gst_composition


def _owed(session: Session, supplier_id: int) -> Decimal:
    return -(session.scalar(select(PartyBalance.balance).where(PartyBalance.party_id == supplier_id)) or _ZERO)


def _unit_cost(taxed: gst.TaxedLine, qty: Decimal, itc: bool) -> Decimal:
    landed = taxed.taxable_value + (_ZERO if itc else taxed.tax)
    return (landed / qty).quantize(_COST, ROUND_HALF_UP)


def record_purchase(
    ctx: Context,
    supplier_id: int,
    lines: list[PurchaseLineIn],
    *,
    bill_number: str,
    bill_date: date | None = None,
    prices_include_tax: bool = False,
    bill_total: Decimal | int | str | None = None,
    payment_mode: PaymentMode | str = PaymentMode.CREDIT,
    paid: Decimal | int | str | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> PurchaseView:
    """Book a supplier's bill: stock in at landed cost, the supplier's khata credited with the total, and
    whatever was paid at once as a payment to the supplier.

    `bill_total`, when given, must agree with the lines to the rupee (a misread bill is refused, not booked).
    `payment_mode` other than `credit` pays `paid` (default: the whole total) now; the rest is owed.
    """
    ctx.actor.require(Permission.RECORD_PURCHASE)
    number = bill_number.strip().upper()
    if not number or len(number) > 30:
        raise ValidationError(field="bill_number", reason="the supplier's bill number (up to 30 characters)")
    if not lines:
        raise ValidationError(field="lines", reason="a bill needs at least one line")
    mode = parse_mode(payment_mode)
    paid_in = None if paid is None else money(paid, "paid")
    stated = None if bill_total is None else money(bill_total, "bill_total", positive=True)
    request = {"supplier_id": supplier_id, "lines": [line.model_dump() for line in lines], "bill_number": number,
               "bill_date": bill_date, "prices_include_tax": prices_include_tax, "bill_total": stated,
               "payment_mode": mode, "paid": paid_in, "at": at}
    at = at or utcnow()

    def work(session: Session) -> PurchaseView:
        tenant = ctx.tenant(session)
        supplier = supplier_of(session, supplier_id)
        if session.scalar(select(PurchaseBill.id).where(
                PurchaseBill.supplier_id == supplier_id, PurchaseBill.kind == PurchaseKind.BILL,
                PurchaseBill.bill_number == number)) is not None:
            raise ValidationError(field="bill_number", reason=f"bill {number} of {supplier.name} is already booked")
        supply, supplier_gstin, itc = _terms(tenant, supplier)
        products = {p.id: p for p in session.scalars(select(Product).where(
            Product.id.in_({line.product_id for line in lines})))}
        tax_lines = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None or not product.active:
                raise UnknownProduct(query=str(line.product_id))
            rate = product.gst_rate if line.rate is None else Decimal(line.rate)
            tax_lines.append(gst.TaxLine(
                description=product.name, quantity=quantity(line.quantity),
                unit_price=product.cost_price if line.unit_price is None else money(line.unit_price, "unit_price"),
                rate=_ZERO if supply is gst.Supply.NO_TAX else rate, hsn_code=line.hsn_code or product.hsn_code,
                cess_rate=(product.cess_rate if line.cess_rate is None else Decimal(line.cess_rate))
                if supply in (gst.Supply.INTRA_STATE, gst.Supply.INTER_STATE) else _ZERO,
                price_includes_tax=prices_include_tax, discount=money(line.discount, "discount")))
        taxed = gst.tax_invoice(tax_lines, supply)
        if stated is not None and abs(stated - taxed.total) > 1:
            raise ValidationError(field="bill_total", reason=f"the bill says ₹{stated}, its lines add up to "
                                                             f"₹{taxed.total}")
        amount_paid = _ZERO if mode is PaymentMode.CREDIT else (taxed.total if paid_in is None else paid_in)
        if amount_paid > taxed.total:
            raise ValidationError(field="paid", reason="more was paid than the bill")
        bill = PurchaseBill(kind=PurchaseKind.BILL, supplier_id=supplier_id, bill_number=number,
                            bill_date=bill_date or business_date(tenant, at), supplier_gstin=supplier_gstin,
                            supply=supply.value, itc_eligible=itc, round_off=taxed.round_off,
                            created_by=ctx.actor.user_id, created_at=at, **taxed.as_dict())
        session.add(bill)
        session.flush()
        rows = [PurchaseLine(bill_id=bill.id, product_id=line.product_id, description=t.line.description,
                             hsn_code=t.line.hsn_code, quantity=t.line.quantity, unit_price=t.line.unit_price,
                             rate=t.line.rate, cess_rate=t.line.cess_rate, unit_cost=_unit_cost(t, t.line.quantity, itc),
                             batch_no=batches.clean_batch(line.batch_no), expiry_date=line.expiry_date,
                             **t.as_dict())
                for line, t in zip(lines, taxed.lines)]
        session.add_all(rows)
        session.flush()
        goods = [row for row in rows if not is_service(products[row.product_id].hsn_code)]
        post_movements(session, [Movement(row.product_id, MovementKind.STOCK_IN, on_hand_delta=row.quantity,
                                          unit_cost=row.unit_cost, batch_no=row.batch_no,
                                          expiry_date=row.expiry_date) for row in goods],
                       ref_type="purchase", ref_id=bill.id, note=f"bill {number}", actor_id=ctx.actor.user_id, at=at)
        post_entry(session, tenant, party_id=supplier_id, kind=EntryKind.PURCHASE, credit=taxed.total,
                   ref_type="purchase", ref_id=bill.id, note=f"bill {number}", actor_id=ctx.actor.user_id, at=at)
        if amount_paid > 0:
            _pay(ctx, session, tenant, supplier_id, amount_paid, mode, f"bill {number}", at, bill_id=bill.id)
        return _view(session, bill, supplier, paid=amount_paid)

    return ctx.run("purchase.record", request, work, PurchaseView, idempotency_key)


def _pay(ctx: Context, session: Session, tenant: Tenant, supplier_id: int, amount: Decimal, mode: PaymentMode,
         reference: str, at: datetime, bill_id: int | None = None) -> SupplierPayment:
    payment = SupplierPayment(supplier_id=supplier_id, amount=amount, mode=mode, reference=reference,
                              bill_id=bill_id, paid_at=at, created_by=ctx.actor.user_id)
    session.add(payment)
    session.flush()
    post_entry(session, tenant, party_id=supplier_id, kind=EntryKind.SUPPLIER_PAYMENT, debit=amount,
               ref_type="supplier_payment", ref_id=payment.id, note=f"{mode.value} {reference}".strip(),
               actor_id=ctx.actor.user_id, at=at)
    return payment


def pay_supplier(
    ctx: Context,
    supplier_id: int,
    amount: Decimal | int | str,
    mode: PaymentMode | str = PaymentMode.CASH,
    *,
    reference: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> SupplierPaymentResult:
    """The shop paid a supplier (cash, UPI, bank or cheque): a debit in the supplier's khata."""
    ctx.actor.require(Permission.PAY_SUPPLIER)
    value = money(amount, positive=True)
    paid_by = parse_mode(mode, "mode", on_credit="a payment cannot be made on credit")
    request = {"supplier_id": supplier_id, "amount": value, "mode": paid_by, "reference": reference, "at": at}

    def work(session: Session) -> SupplierPaymentResult:
        supplier_of(session, supplier_id)
        payment = _pay(ctx, session, ctx.tenant(session), supplier_id, value, paid_by, reference.strip(),
                       at or utcnow())
        return SupplierPaymentResult(payment_id=payment.id, supplier_id=supplier_id, amount=value, mode=paid_by,
                                     owed=_owed(session, supplier_id))

    return ctx.run("supplier.pay", request, work, SupplierPaymentResult, idempotency_key)


def returned_quantities(session: Session, bill_id: int) -> dict[int, Decimal]:
    """Quantities already sent back against a bill, by bill line."""
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, qty in session.execute(
            select(PurchaseLine.original_line_id, PurchaseLine.quantity).join(
                PurchaseBill, PurchaseBill.id == PurchaseLine.bill_id).where(PurchaseBill.original_id == bill_id)):
        returned[line_id] += qty
    return returned


def purchase_return(
    ctx: Context,
    bill_id: int,
    lines: list[ReturnedLineIn],
    *,
    reason: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> PurchaseView:
    """Send goods back to the supplier against a bill: a debit note that takes the stock out, debits the
    supplier's khata with the goods' value and tax, and reverses their input tax credit."""
    ctx.actor.require(Permission.RECORD_PURCHASE)
    if not lines:
        raise ValidationError(field="lines", reason="say what goes back")
    request = {"bill_id": bill_id, "lines": [line.model_dump() for line in lines], "reason": reason, "at": at}
    at = at or utcnow()

    def work(session: Session) -> PurchaseView:
        tenant = ctx.tenant(session)
        bill = session.get(PurchaseBill, bill_id)
        if bill is None or bill.kind is not PurchaseKind.BILL:
            raise NotFound(what="purchase bill", ref=bill_id)
        supplier = supplier_of(session, bill.supplier_id)
        bill_lines = session.scalars(select(PurchaseLine).where(PurchaseLine.bill_id == bill.id)
                                     .order_by(PurchaseLine.id)).all()
        returned = returned_quantities(session, bill.id)
        wanted: list[tuple[PurchaseLine, Decimal]] = []
        for line in lines:
            qty = quantity(line.quantity)
            for original in bill_lines:
                if original.product_id != line.product_id:
                    continue
                take = min(qty, original.quantity - returned[original.id])
                if take > 0:
                    wanted.append((original, take))
                    returned[original.id] += take
                    qty -= take
            if qty > 0:
                raise ValidationError(field="quantity", reason=f"more goes back than bill {bill.bill_number} "
                                                               "brought in")
        supply = gst.Supply(bill.supply)
        # back at the bill's taxable value a unit (after its discount, without the tax a tax-inclusive bill had in
        # its prices), taxed again at its rates
        taxed = gst.tax_invoice([gst.TaxLine(description=o.description, quantity=q,
                                             unit_price=o.taxable_value / o.quantity, rate=o.rate,
                                             hsn_code=o.hsn_code, cess_rate=o.cess_rate)
                                 for o, q in wanted], supply)
        note = PurchaseBill(kind=PurchaseKind.DEBIT_NOTE, supplier_id=bill.supplier_id,
                            bill_number=f"DN-{next_value(session, 'debit_note')}", bill_date=business_date(tenant, at),
                            supplier_gstin=bill.supplier_gstin, supply=bill.supply, itc_eligible=bill.itc_eligible,
                            original_id=bill.id, round_off=taxed.round_off, reason=reason.strip(),
                            created_by=ctx.actor.user_id, created_at=at, **taxed.as_dict())
        session.add(note)
        session.flush()
        rows = [PurchaseLine(bill_id=note.id, product_id=o.product_id, description=o.description,
                             hsn_code=o.hsn_code, quantity=q, unit_price=t.line.unit_price.quantize(_PAISA), rate=o.rate,
                             cess_rate=o.cess_rate, unit_cost=o.unit_cost, batch_no=o.batch_no,
                             expiry_date=o.expiry_date, original_line_id=o.id, **t.as_dict())
                for (o, q), t in zip(wanted, taxed.lines)]
        session.add_all(rows)
        session.flush()
        services = {p.id for p in session.scalars(select(Product).where(
            Product.id.in_({row.product_id for row in rows}))) if is_service(p.hsn_code)}
        post_movements(session, [Movement(row.product_id, MovementKind.STOCK_OUT, on_hand_delta=-row.quantity,
                                          batch_no=row.batch_no, allow_expired=True)  # expired goods go back too
                                 for row in rows if row.product_id not in services],
                       ref_type="debit_note", ref_id=note.id, note=reason, actor_id=ctx.actor.user_id, at=at)
        post_entry(session, tenant, party_id=bill.supplier_id, kind=EntryKind.DEBIT_NOTE, debit=taxed.total,
                   ref_type="debit_note", ref_id=note.id, note=f"debit note {note.bill_number} on bill "
                                                                f"{bill.bill_number}", actor_id=ctx.actor.user_id, at=at)
        return _view(session, note, supplier, paid=_ZERO)

    return ctx.run("purchase.return", request, work, PurchaseView, idempotency_key)


def _view(session: Session, bill: PurchaseBill, supplier: Party, *, paid: Decimal) -> PurchaseView:
    lines = session.scalars(select(PurchaseLine).where(PurchaseLine.bill_id == bill.id).order_by(PurchaseLine.id))
    return PurchaseView(
        id=bill.id, kind=bill.kind, supplier_id=supplier.id, supplier_name=supplier.name, bill_number=bill.bill_number,
        bill_date=bill.bill_date, supplier_gstin=bill.supplier_gstin, supply=gst.Supply(bill.supply),
        itc_eligible=bill.itc_eligible, original_id=bill.original_id, reason=bill.reason,
        lines=[PurchaseLineView(id=x.id, product_id=x.product_id, description=x.description, hsn_code=x.hsn_code,
                                quantity=x.quantity, unit_price=x.unit_price, rate=x.rate,
                                taxable_value=x.taxable_value, tax=x.amounts.tax, total=x.total, unit_cost=x.unit_cost,
                                batch_no=x.batch_no, expiry_date=x.expiry_date) for x in lines],
        taxable_value=bill.taxable_value, cgst=bill.cgst, sgst=bill.sgst, igst=bill.igst, cess=bill.cess,
        vat=bill.vat, total=bill.total, round_off=bill.round_off, paid=paid, owed=_owed(session, supplier.id))


def get_purchase(ctx: Context, purchase_id: int) -> PurchaseView:
    """One supplier bill or debit note."""
    ctx.actor.require(Permission.VIEW_PAYABLES)
    with ctx.read() as session:
        bill = session.get(PurchaseBill, purchase_id)
        if bill is None:
            raise NotFound(what="purchase", ref=purchase_id)
        paid = sum(session.scalars(select(SupplierPayment.amount).where(SupplierPayment.bill_id == bill.id)), _ZERO)
        return _view(session, bill, session.get(Party, bill.supplier_id), paid=paid)
