"""Sale returns: goods a customer brought back go into stock at the cost they left with, and the money goes back,
paid out (cash, UPI, card, bank) or credited to the customer's khata.

A return names its bill (`sale_id`), its invoice (`invoice_id`), or neither. Against a bill it cannot take back
more than the bill sold (less earlier returns) and is valued at the bill's prices, the bill's discount spread
over them. An invoiced sale comes back through a credit note (`erp_core.credit_notes`), taxed as on the invoice.
Without either, goods come back at the average cost now and the price said (or the selling price then).

In the khata a return is a credit (RETURN, or the credit note's CREDIT_NOTE), and money paid back a REFUND debit,
so a customer who had paid sees both and owes nothing more or less; a walk-in customer's refund is on the
return document alone.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core import credit_notes
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import EntryKind, InvoiceKind, MovementKind, RefundMode
from erp_core.errors import NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.inventory import Movement, lock_stock, post_movements
from erp_core.ledger import post_entry
from erp_core.models import (
    Invoice,
    InvoiceLine,
    Party,
    PartyBalance,
    Product,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    StockSummary,
)
from erp_core.permissions import Permission
from erp_core.prices import selling_prices_at
from erp_core.sequences import next_value
from erp_core.values import exact, money, quantity

_PAISA = Decimal("0.01")


class ReturnLineIn(BaseModel):
    """Goods that came back: a product once per return."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    """Only for goods returned without their bill: the price paid (default: the selling price then)."""

    _exact = field_validator("quantity", "unit_price", mode="before")(exact)


class ReturnLineOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    unit_cost: Decimal
    """The cost per unit the goods came back in at: the cost they left with."""


class ReturnResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    return_id: int
    number: int
    party_id: int | None
    sale_id: int | None
    invoice_id: int | None
    credit_note_id: int | None
    credit_note_number: str | None
    refund_mode: RefundMode
    lines: list[ReturnLineOut]
    total: Decimal
    """What the goods were worth to the customer: paid back, or credited to the khata."""
    cost: Decimal
    party_balance: Decimal | None


def refund_mode_of(value: RefundMode | str) -> RefundMode:
    """How the money goes back, from its name (cash, upi, card, bank, khata)."""
    try:
        return RefundMode(value)
    except ValueError:
        raise ValidationError(field="refund_mode", reason=f"{value!r} is not one of {', '.join(RefundMode)}") from None


def sale_return(
    ctx: Context,
    lines: list[ReturnLineIn],
    *,
    refund_mode: RefundMode | str,
    party_id: int | None = None,
    sale_id: int | None = None,
    invoice_id: int | None = None,
    reason: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> ReturnResult:
    """Take back goods a customer returned, as one document: stock in, money back or the khata credited.

    Raises `ValidationError` for more than the bill or invoice sold (less earlier returns), a product not on
    it, a khata credit without a customer, or a price given for goods returned against a bill or invoice.
    """
    ctx.actor.require(Permission.RETURN_GOODS)
    mode = refund_mode_of(refund_mode)
    if not lines:
        raise ValidationError(field="lines", reason="name the goods that came back")
    if len({line.product_id for line in lines}) != len(lines):
        raise ValidationError(field="lines", reason="name each product once")
    wanted = {line.product_id: quantity(line.quantity) for line in lines}
    prices = {line.product_id: money(line.unit_price, "unit_price") for line in lines if line.unit_price is not None}
    if sale_id is not None and invoice_id is not None:
        raise ValidationError(field="invoice_id", reason="name the bill or the invoice, not both")
    if prices and (sale_id is not None or invoice_id is not None):
        raise ValidationError(field="unit_price", reason="goods come back at the prices of their bill or invoice")
    reason = reason.strip()
    request = {"lines": [line.model_dump() for line in lines], "refund_mode": mode, "party_id": party_id,
               "sale_id": sale_id, "invoice_id": invoice_id, "reason": reason, "at": at}
    when = at or utcnow()

    def work(session: Session) -> ReturnResult:
        sale = invoice = None
        if sale_id is not None:
            sale = session.scalar(select(Sale).where(Sale.id == sale_id).with_for_update())
            if sale is None:
                raise NotFound(what="bill", ref=sale_id)
            invoice = session.scalar(select(Invoice).where(Invoice.sale_id == sale_id,
                                                           Invoice.kind != InvoiceKind.CREDIT_NOTE))
        elif invoice_id is not None:
            invoice = session.get(Invoice, invoice_id)
            if invoice is None or invoice.kind is InvoiceKind.CREDIT_NOTE:
                raise NotFound(what="invoice", ref=invoice_id)
        party = _party(session, party_id, invoice.party_id if invoice else sale.party_id if sale else None)
        if mode is RefundMode.KHATA and party is None:
            raise ValidationError(field="refund_mode",
                                  reason="only a customer's khata can be credited: name the customer or pay it back")
        document = SaleReturn(number=next_value(session, "sale_return"), party_id=party.id if party else None,
                              sale_id=sale.id if sale else invoice.sale_id if invoice else None, refund_mode=mode,
                              total=Decimal(0), cost=Decimal(0), reason=reason, returned_at=when,
                              created_by=ctx.actor.user_id)
        session.add(document)
        session.flush()
        tenant = ctx.tenant(session)
        note_number = None
        if invoice is not None:
            issued = credit_notes.issue_credit_note(
                ctx, session, invoice.id,
                [credit_notes.ReturnLineIn(product_id=pid, quantity=qty) for pid, qty in wanted.items()],
                reason=reason or f"goods returned ({document.number})", at=when)
            out = _credit_note_lines(session, issued)
            document.credit_note_id, note_number, total = issued.view.id, issued.view.number, issued.view.total
        else:
            out = _bill_lines(session, sale, wanted) if sale else _loose_lines(session, wanted, prices, at, when)
            total = sum((line.line_total for line in out), Decimal("0.00"))
            post_movements(session, [Movement(line.product_id, MovementKind.RETURN, on_hand_delta=line.quantity,
                                              unit_cost=line.unit_cost) for line in out],
                           ref_type="sale_return", ref_id=document.id, note=reason, actor_id=ctx.actor.user_id,
                           at=when)
        document.total = total
        document.cost = sum((line.quantity * line.unit_cost for line in out), Decimal(0)).quantize(
            _PAISA, ROUND_HALF_UP)
        session.add_all(SaleReturnLine(return_id=document.id, product_id=line.product_id, quantity=line.quantity,
                                       unit_price=line.unit_price, line_total=line.line_total,
                                       unit_cost=line.unit_cost) for line in out)
        balance = None
        if party is not None:
            entries = [] if invoice is not None else [(EntryKind.RETURN, Decimal(0), total)]
            if mode is not RefundMode.KHATA:
                entries.append((EntryKind.REFUND, total, Decimal(0)))
            for kind, debit, credit in entries:
                _, balance = post_entry(session, tenant, party_id=party.id, kind=kind, debit=debit, credit=credit,
                                        ref_type="sale_return", ref_id=document.id,
                                        note=f"return {document.number}" + (f" ({mode.value})" if debit else ""),
                                        actor_id=ctx.actor.user_id, at=when)
            if balance is None:
                balance = session.scalar(select(PartyBalance.balance).where(PartyBalance.party_id == party.id))
        session.flush()
        return ReturnResult(return_id=document.id, number=document.number, party_id=document.party_id,
                            sale_id=document.sale_id, invoice_id=invoice.id if invoice else None,
                            credit_note_id=document.credit_note_id, credit_note_number=note_number,
                            refund_mode=mode, lines=out, total=total, cost=document.cost, party_balance=balance)

    return ctx.run("sale.return", request, work, ReturnResult, idempotency_key)


def _party(session: Session, given: int | None, of_document: int | None) -> Party | None:
    """The customer the return is for: the document's, or the one named (they must agree)."""
    if given is not None and of_document is not None and given != of_document:
        raise ValidationError(field="party_id", reason="the bill or invoice is another customer's")
    party_id = of_document if of_document is not None else given
    if party_id is None:
        return None
    party = session.get(Party, party_id)
    if party is None:
        raise UnknownParty(query=str(party_id))
    return party


def _bill_lines(session: Session, sale: Sale, wanted: dict[int, Decimal]) -> list[ReturnLineOut]:
    """Goods back from a counter bill: at its prices less its discount share, at the cost they left with."""
    sold: dict[int, tuple[Decimal, SaleLine, str]] = {}
    for line, name in session.execute(select(SaleLine, Product.name).join(Product, Product.id == SaleLine.product_id)
                                      .where(SaleLine.sale_id == sale.id).order_by(SaleLine.id)).tuples():
        before = sold.get(line.product_id)
        sold[line.product_id] = ((before[0] if before else Decimal(0)) + line.quantity,
                                 before[1] if before else line, name)
    returned = dict(session.execute(
        select(SaleReturnLine.product_id, func.sum(SaleReturnLine.quantity))
        .join(SaleReturn, SaleReturn.id == SaleReturnLine.return_id)
        .where(SaleReturn.sale_id == sale.id).group_by(SaleReturnLine.product_id)).tuples().all())
    share = sale.total / sale.subtotal if sale.subtotal else Decimal(1)
    out = []
    for product_id, qty in wanted.items():
        if product_id not in sold:
            raise ValidationError(field="product_id", reason=f"product {product_id} is not on bill {sale.number}")
        total_sold, line, name = sold[product_id]
        left = total_sold - returned.get(product_id, Decimal(0))
        if qty > left:
            raise ValidationError(field="quantity", reason=f"only {left} of {name} from bill {sale.number} "
                                                           "can come back")
        out.append(ReturnLineOut(product_id=product_id, name=name, quantity=qty, unit_price=line.unit_price,
                                 line_total=(qty * line.unit_price * share).quantize(_PAISA, ROUND_HALF_UP),
                                 unit_cost=line.unit_cost))
    return out


def _loose_lines(session: Session, wanted: dict[int, Decimal], prices: dict[int, Decimal], at: datetime | None,
                 when: datetime) -> list[ReturnLineOut]:
    """Goods back without their bill: at the price said (or the selling price then), at the average cost now."""
    stock = lock_stock(session, set(wanted))
    earlier = {} if at is None else selling_prices_at(session, wanted, when)
    out = []
    for product_id, qty in wanted.items():
        row = stock.get(product_id)
        if row is None:
            raise UnknownProduct(query=str(product_id))
        price = prices.get(product_id, earlier.get(product_id, row.selling_price))
        out.append(ReturnLineOut(product_id=product_id, name=row.name, quantity=qty, unit_price=price,
                                 line_total=(qty * price).quantize(_PAISA, ROUND_HALF_UP),
                                 unit_cost=row.state.avg_cost))
    return out


def _credit_note_lines(session: Session, issued: credit_notes.IssuedCreditNote) -> list[ReturnLineOut]:
    """The credit note's lines; goods that never left with the invoice came back at the average cost."""
    out = []
    for line in issued.view.lines:
        cost = issued.unit_costs.get(line.product_id)
        if cost is None:
            cost = session.scalar(select(StockSummary.avg_cost).where(StockSummary.product_id == line.product_id))
        out.append(ReturnLineOut(product_id=line.product_id, name=line.description, quantity=line.quantity,
                                 unit_price=line.unit_price, line_total=line.total, unit_cost=cost))
    return out


class ReturnSource(BaseModel):
    """The sale goods are coming back from: a counter bill (`sale_id`) or an invoice made without one
    (`invoice_id`), with what the customer paid per unit of each product on it."""

    model_config = ConfigDict(frozen=True)
    sale_id: int | None
    invoice_id: int | None
    number: str
    """The bill's number, or the invoice's."""
    unit_prices: dict[int, Decimal]
    """By product: the bill's price less its discount share, or the invoice line's total (tax in) per unit."""


_LOOK_BACK = 50
"""How many of a customer's latest bills and invoices a return looks through for its goods."""


def return_source(ctx: Context, party_id: int, wanted: dict[int, Decimal]) -> ReturnSource | None:
    """The latest bill or invoice of customer `party_id` from which all of `wanted` ({product id: quantity})
    can still come back (less earlier returns and credit notes); None when no recent one can.

    An invoice made for a bill is found through its bill (`sale_return` with that `sale_id` credits the invoice).
    """
    ctx.actor.require(Permission.RETURN_GOODS)
    with ctx.read() as session:
        bills = session.scalars(select(Sale).where(Sale.party_id == party_id)
                                .order_by(Sale.sold_at.desc(), Sale.id.desc()).limit(_LOOK_BACK)).all()
        invoices = session.scalars(select(Invoice).where(
            Invoice.party_id == party_id, Invoice.kind != InvoiceKind.CREDIT_NOTE, Invoice.sale_id.is_(None))
            .order_by(Invoice.created_at.desc(), Invoice.id.desc()).limit(_LOOK_BACK)).all()
        documents: list[Sale | Invoice] = [*bills, *invoices]
        documents.sort(key=lambda d: d.sold_at if isinstance(d, Sale) else d.created_at, reverse=True)
        for document in documents:
            source, left = (_bill_source(session, document) if isinstance(document, Sale)
                            else _invoice_source(session, document))
            if all(left.get(pid, Decimal(0)) >= qty for pid, qty in wanted.items()):
                return source
    return None


def _bill_source(session: Session, sale: Sale) -> tuple[ReturnSource, dict[int, Decimal]]:
    """What can still come back from a bill, and at what price per unit."""
    share = sale.total / sale.subtotal if sale.subtotal else Decimal(1)
    left: dict[int, Decimal] = {}
    prices: dict[int, Decimal] = {}
    for line in session.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.id)):
        left[line.product_id] = left.get(line.product_id, Decimal(0)) + line.quantity
        prices.setdefault(line.product_id, (line.unit_price * share).quantize(_PAISA, ROUND_HALF_UP))
    for product_id, qty in session.execute(
            select(SaleReturnLine.product_id, func.sum(SaleReturnLine.quantity))
            .join(SaleReturn, SaleReturn.id == SaleReturnLine.return_id)
            .where(SaleReturn.sale_id == sale.id).group_by(SaleReturnLine.product_id)).tuples():
        left[product_id] = left.get(product_id, Decimal(0)) - qty
    return ReturnSource(sale_id=sale.id, invoice_id=None, number=str(sale.number), unit_prices=prices), left


def _invoice_source(session: Session, invoice: Invoice) -> tuple[ReturnSource, dict[int, Decimal]]:
    """What can still come back from an invoice made without a bill, and at what price per unit (tax in)."""
    left: dict[int, Decimal] = {}
    prices: dict[int, Decimal] = {}
    for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                .order_by(InvoiceLine.id)):
        if line.product_id is None or not line.quantity:
            continue
        left[line.product_id] = left.get(line.product_id, Decimal(0)) + line.quantity
        prices.setdefault(line.product_id, (line.total / line.quantity).quantize(_PAISA, ROUND_HALF_UP))
    for product_id, qty in credit_notes.returned_quantities(session, invoice.id).items():
        if product_id is not None:
            left[product_id] = left.get(product_id, Decimal(0)) - qty
    return ReturnSource(sale_id=None, invoice_id=invoice.id, number=invoice.number, unit_prices=prices), left
