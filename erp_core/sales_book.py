"""The sales book: every sale in a period, whichever way it was made, each counted once.

A sale is one of

- a counter bill (`erp_core.sales`), at the moment it was posted; an invoice issued
  for a bill (`invoice_for_sale`) is the same sale and is not counted again;
- an invoice that is not for a bill (`create_invoice`, `invoice_for_amount`), when issued;
- a customer order, when it is dispatched: that is when its goods leave the stock
  (`erp_core.orders`), so its sales and their cost fall in the same period; a dispatched
  order cannot be cancelled any more, only delivered and completed;
- a credit note (goods returned against an invoice), as a negative sale when issued;
- goods brought back without a credit note (`erp_core.returns`: against a bill that has no
  invoice, or walk-in), as a negative sale when returned.

Amounts are gross: what the buyer was charged after discount, tax included, the
"bikri" a shop owner counts. Each document also carries the GST or VAT in it, so
that net sales (taxable value) and gross profit leave the tax out. The tax of an
invoice or credit note is the document's; a bill with an invoice has its invoice's;
a bill or an order without one is taxed as its invoice would be (tax-inclusive, at
each product's rate).

Cost of goods is the weighted-average cost the goods left the stock with: a bill
keeps it on its lines, an invoice or an order on its stock movements (older rows
without it are costed by replaying the stock ledger). A return takes back the cost
its goods left with on the original sale. A lump-sum invoice moves no goods and has
no cost.

What was paid is what was paid with the document (a bill's payment, an invoice paid
when issued); the rest went on credit. An order's total went to the khata when the
shop accepted it. A credit note to a customer with a khata credits it (less due); one
without a khata is money given back (less paid).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from erp_core import gst
from erp_core.context import Context
from erp_core.enums import InvoiceKind, MovementKind, OrderStatus, RefundMode
from erp_core.errors import ValidationError
from erp_core.inventory import EMPTY, StockState, apply_movement
from erp_core.invoices import BilledLine, begin, bill_tax_lines
from erp_core.models import (
    Invoice,
    InvoiceLine,
    InvoicePayment,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    StockMovement,
)
from erp_core.permissions import Permission

ZERO = Decimal("0.00")


class Source(StrEnum):
    BILL = "bill"
    INVOICE = "invoice"
    ORDER = "order"
    RETURN = "credit_note"
    GOODS_RETURN = "return"
    """Goods brought back without a credit note: against a bill that has no invoice, or walk-in."""


class BookLine(BaseModel):
    """What one line sold: negative for goods that came back."""

    model_config = ConfigDict(frozen=True)
    product_id: int | None
    """None for a lump-sum invoice's line."""
    name: str
    quantity: Decimal
    value: Decimal
    """Gross: what the buyer was charged for it, after discount, tax included."""
    cost: Decimal
    """Cost of goods sold: quantity × the weighted-average cost the goods left with."""


class SaleDocument(BaseModel):
    """One sale (or return) in the book, signed: a return's figures are negative."""

    model_config = ConfigDict(frozen=True)
    source: Source
    id: int
    """The bill's, invoice's, order's or credit note's id."""
    number: str
    party_id: int | None
    at: datetime
    lines: list[BookLine]
    total: Decimal
    """Gross, with the document's round-off."""
    tax: Decimal
    cost: Decimal
    paid: Decimal
    due: Decimal

    @property
    def is_return(self) -> bool:
        """Goods that came back (a credit note, or a return without one), not a sale."""
        return self.source in (Source.RETURN, Source.GOODS_RETURN)

    @property
    def net(self) -> Decimal:
        """Net sales: the total without the tax in it (the taxable value, and any round-off)."""
        return self.total - self.tax


def sales_book(ctx: Context, start: datetime, end: datetime) -> list[SaleDocument]:
    """Every sale and return from `start` (inclusive) to `end` (exclusive), in time order.

    Its costs are for people who may see profit: reports show them only to them.
    """
    ctx.actor.require(Permission.VIEW_SALES)
    with ctx.read() as session:
        documents = [*_bills(ctx, session, start, end), *_invoices(session, start, end),
                     *_orders(ctx, session, start, end), *_returns(session, start, end),
                     *_goods_returns(ctx, session, start, end)]
    return sorted(documents, key=lambda d: (d.at, d.source, d.id))


def _tax_of(ctx: Context, session: Session, party_id: int | None, lines: list[BilledLine], discount: Decimal,
            supplies: dict[int | None, gst.Supply]) -> Decimal:
    """The tax in a bill or an order without an invoice: as its invoice would show it.

    A line whose product has a rate the tax engine refuses here (its invoice would be
    refused too) counts as untaxed, so that the report still adds up.
    """
    if party_id not in supplies:
        supplies[party_id] = begin(ctx, session, party_id).supply
    supply = supplies[party_id]
    if supply is gst.Supply.NO_TAX:
        return ZERO
    return sum((_line_tax(line, supply) for line in bill_tax_lines(lines, discount, supply)), ZERO)


def _line_tax(line: gst.TaxLine, supply: gst.Supply) -> Decimal:
    try:
        return gst.tax_line(line, supply).tax
    except ValidationError:
        return ZERO


def _bills(ctx: Context, session: Session, start: datetime, end: datetime) -> Iterable[SaleDocument]:
    in_period = (Sale.sold_at >= start, Sale.sold_at < end)
    sales = session.scalars(select(Sale).where(*in_period).order_by(Sale.id)).all()
    lines: dict[int, list[tuple[SaleLine, Product]]] = defaultdict(list)
    for line, product in session.execute(select(SaleLine, Product).join(Sale, Sale.id == SaleLine.sale_id)
                                         .join(Product, Product.id == SaleLine.product_id)
                                         .where(*in_period).order_by(SaleLine.id)).tuples():
        lines[line.sale_id].append((line, product))
    invoiced = {invoice.sale_id: invoice.amounts.tax for invoice in session.scalars(
        select(Invoice).join(Sale, Sale.id == Invoice.sale_id)
        .where(*in_period, Invoice.kind != InvoiceKind.CREDIT_NOTE))}
    supplies: dict[int | None, gst.Supply] = {}
    for sale in sales:
        rows = lines[sale.id]
        shares = gst.allocate(sale.discount, [line.line_total for line, _ in rows])
        billed = [BilledLine(product, line.quantity, line.unit_price, line.line_total) for line, product in rows]
        tax = invoiced.get(sale.id)
        if tax is None:
            tax = _tax_of(ctx, session, sale.party_id, billed, sale.discount, supplies)
        yield SaleDocument(
            source=Source.BILL, id=sale.id, number=str(sale.number), party_id=sale.party_id, at=sale.sold_at,
            lines=[BookLine(product_id=product.id, name=product.name, quantity=line.quantity,
                            value=line.line_total - share, cost=gst.paise(line.quantity * line.unit_cost))
                   for (line, product), share in zip(rows, shares)],
            total=sale.total, tax=tax, cost=sale.cost, paid=sale.paid, due=sale.due,
        )


def _invoices(session: Session, start: datetime, end: datetime) -> Iterable[SaleDocument]:
    in_period = (Invoice.created_at >= start, Invoice.created_at < end, Invoice.sale_id.is_(None),
                 Invoice.kind != InvoiceKind.CREDIT_NOTE)
    invoices = session.scalars(select(Invoice).where(*in_period).order_by(Invoice.id)).all()
    lines = _invoice_lines(session, in_period)
    costs = _out_costs(session, "invoice", select(Invoice.id).where(*in_period))
    paid = defaultdict(lambda: ZERO, session.execute(
        select(InvoicePayment.invoice_id, InvoicePayment.amount)
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .where(*in_period, InvoicePayment.received_at == Invoice.created_at)).tuples().all())
    for invoice in invoices:
        book_lines = [BookLine(product_id=line.product_id, name=line.description, quantity=line.quantity,
                               value=line.total,
                               cost=gst.paise(line.quantity * costs.get((invoice.id, line.product_id), ZERO)))
                      for line in lines[invoice.id]]
        yield SaleDocument(
            source=Source.INVOICE, id=invoice.id, number=invoice.number, party_id=invoice.party_id,
            at=invoice.created_at, lines=book_lines, total=invoice.total, tax=invoice.amounts.tax,
            cost=sum((line.cost for line in book_lines), ZERO), paid=paid[invoice.id],
            due=invoice.total - paid[invoice.id],
        )


def _invoice_lines(session: Session, in_period: tuple[ColumnElement[bool], ...]) -> dict[int, list[InvoiceLine]]:
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in session.scalars(select(InvoiceLine).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                                .where(*in_period).order_by(InvoiceLine.id)):
        lines[line.invoice_id].append(line)
    return lines


def _orders(ctx: Context, session: Session, start: datetime, end: datetime) -> Iterable[SaleDocument]:
    in_period = (OrderEvent.to_status == OrderStatus.DISPATCHED, OrderEvent.at >= start, OrderEvent.at < end)
    dispatched = session.execute(select(Order, OrderEvent.at).join(OrderEvent, OrderEvent.order_id == Order.id)
                                 .where(*in_period).order_by(Order.id)).tuples().all()
    lines: dict[int, list[tuple[OrderLine, Product]]] = defaultdict(list)
    for line, product in session.execute(
            select(OrderLine, Product).join(Product, Product.id == OrderLine.product_id)
            .join(OrderEvent, OrderEvent.order_id == OrderLine.order_id).where(*in_period)
            .order_by(OrderLine.id)).tuples():
        lines[line.order_id].append((line, product))
    costs = _out_costs(session, "order", select(OrderEvent.order_id).where(*in_period))
    supplies: dict[int | None, gst.Supply] = {}
    for order, at in dispatched:
        rows = lines[order.id]
        book_lines = [BookLine(product_id=product.id, name=product.name, quantity=line.quantity,
                               value=line.line_total,
                               cost=gst.paise(line.quantity * costs.get((order.id, product.id), ZERO)))
                      for line, product in rows]
        billed = [BilledLine(product, line.quantity, line.unit_price, line.line_total) for line, product in rows]
        yield SaleDocument(
            source=Source.ORDER, id=order.id, number=str(order.number), party_id=order.party_id, at=at,
            lines=book_lines, total=order.total, tax=_tax_of(ctx, session, order.party_id, billed, ZERO, supplies),
            cost=sum((line.cost for line in book_lines), ZERO), paid=ZERO, due=order.total,
        )


def _returns(session: Session, start: datetime, end: datetime) -> Iterable[SaleDocument]:
    in_period = (Invoice.created_at >= start, Invoice.created_at < end, Invoice.kind == InvoiceKind.CREDIT_NOTE)
    notes = session.scalars(select(Invoice).where(*in_period).order_by(Invoice.id)).all()
    lines = _invoice_lines(session, in_period)
    originals = {note.original_id for note in notes}
    bill_of = dict(session.execute(select(Invoice.id, Invoice.sale_id).where(
        Invoice.id.in_(originals), Invoice.sale_id.is_not(None))).tuples().all())
    invoice_costs = _out_costs(session, "invoice", select(Invoice.id).where(Invoice.id.in_(originals)))
    bill_costs = {(sale_id, product_id): unit_cost for sale_id, product_id, unit_cost in session.execute(
        select(SaleLine.sale_id, SaleLine.product_id, SaleLine.unit_cost)
        .where(SaleLine.sale_id.in_(bill_of.values()))).tuples()}

    def left_with(original_id: int, product_id: int | None) -> Decimal:
        """The unit cost the goods left with on the sale they come back from."""
        if original_id in bill_of:
            return bill_costs.get((bill_of[original_id], product_id), ZERO)
        return invoice_costs.get((original_id, product_id), ZERO)

    for note in notes:
        book_lines = [BookLine(product_id=line.product_id, name=line.description, quantity=-line.quantity,
                               value=-line.total,
                               cost=-gst.paise(line.quantity * left_with(note.original_id, line.product_id)))
                      for line in lines[note.id]]
        refunded = note.party_id is None
        yield SaleDocument(
            source=Source.RETURN, id=note.id, number=note.number, party_id=note.party_id, at=note.created_at,
            lines=book_lines, total=-note.total, tax=-note.amounts.tax,
            cost=sum((line.cost for line in book_lines), ZERO),
            paid=-note.total if refunded else ZERO, due=ZERO if refunded else -note.total,
        )


def _goods_returns(ctx: Context, session: Session, start: datetime, end: datetime) -> Iterable[SaleDocument]:
    """Returns that made no credit note (those with one are counted with it): negative sales at the prices
    and the costs the goods left with, the tax in them as on their bill."""
    in_period = (SaleReturn.returned_at >= start, SaleReturn.returned_at < end, SaleReturn.credit_note_id.is_(None))
    returns = session.scalars(select(SaleReturn).where(*in_period).order_by(SaleReturn.id)).all()
    lines: dict[int, list[tuple[SaleReturnLine, Product]]] = defaultdict(list)
    for line, product in session.execute(
            select(SaleReturnLine, Product).join(SaleReturn, SaleReturn.id == SaleReturnLine.return_id)
            .join(Product, Product.id == SaleReturnLine.product_id).where(*in_period)
            .order_by(SaleReturnLine.id)).tuples():
        lines[line.return_id].append((line, product))
    supplies: dict[int | None, gst.Supply] = {}
    for goods in returns:
        rows = lines[goods.id]
        billed = [BilledLine(product, line.quantity, line.unit_price, line.quantity * line.unit_price)
                  for line, product in rows]
        discount = sum((b.line_total for b in billed), ZERO) - goods.total
        refunded = goods.refund_mode is not RefundMode.KHATA
        yield SaleDocument(
            source=Source.GOODS_RETURN, id=goods.id, number=str(goods.number), party_id=goods.party_id,
            at=goods.returned_at,
            lines=[BookLine(product_id=product.id, name=product.name, quantity=-line.quantity, value=-line.line_total,
                            cost=-gst.paise(line.quantity * line.unit_cost)) for line, product in rows],
            total=-goods.total, tax=-_tax_of(ctx, session, goods.party_id, billed, discount, supplies),
            cost=-goods.cost, paid=-goods.total if refunded else ZERO, due=ZERO if refunded else -goods.total,
        )


def _out_costs(session: Session, ref_type: str, ref_ids: Select) -> dict[tuple[int, int], Decimal]:
    """The unit cost goods left the stock with, by (document id, product), for documents of `ref_type`."""
    rows = session.execute(
        select(StockMovement.id, StockMovement.ref_id, StockMovement.product_id, StockMovement.unit_cost)
        .where(StockMovement.ref_type == ref_type, StockMovement.ref_id.in_(ref_ids),
               StockMovement.kind == MovementKind.STOCK_OUT)).tuples().all()
    unrecorded = {movement_id for movement_id, _, _, unit_cost in rows if unit_cost is None}
    replayed = _replayed_costs(session, unrecorded, {p for m, _, p, _ in rows if m in unrecorded})
    return {(ref_id, product_id): unit_cost if unit_cost is not None else replayed[movement_id]
            for movement_id, ref_id, product_id, unit_cost in rows}


def _replayed_costs(session: Session, movement_ids: set[int], product_ids: set[int]) -> dict[int, Decimal]:
    """The weighted-average cost before each of `movement_ids`, replaying its product's stock ledger up to it."""
    if not movement_ids:
        return {}
    states: dict[int, StockState] = defaultdict(lambda: EMPTY)
    costs: dict[int, Decimal] = {}
    for movement_id, product_id, on_hand_delta, reserved_delta, unit_cost in session.execute(
            select(StockMovement.id, StockMovement.product_id, StockMovement.on_hand_delta,
                   StockMovement.reserved_delta, StockMovement.unit_cost)
            .where(StockMovement.product_id.in_(product_ids), StockMovement.id <= max(movement_ids))
            .order_by(StockMovement.id)).tuples():
        if movement_id in movement_ids:
            costs[movement_id] = states[product_id].avg_cost
        states[product_id] = apply_movement(states[product_id], on_hand_delta, reserved_delta, unit_cost)
    return costs
