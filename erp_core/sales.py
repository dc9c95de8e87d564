"""Sales (bills): lines, discount, payment mode and part-payment that leaves a due in the khata."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from erp_core import batches, notices
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, NoticeKind, PaymentMode
from erp_core.errors import NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.inventory import Movement, StockRow, lock_stock, post_movements
from erp_core.ledger import business_date, check_credit_limit, post_entry
from erp_core.models import Party, Payment, Product, Sale, SaleLine, Tenant
from erp_core.permissions import Permission
from erp_core.prices import selling_prices_at
from erp_core.sequences import next_value
from erp_core.values import exact, money, quantity
from erp_core.values import payment_mode as parse_payment_mode

_PAISA = Decimal("0.01")
_ADD_SALE = insert(Sale.__table__).returning(Sale.__table__.c.id)
_ADD_LINES = insert(SaleLine.__table__)


class LineIn(BaseModel):
    """A line as asked for: the price defaults to the product's selling price."""

    model_config = ConfigDict(frozen=True)
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    batch_no: str | None = None
    """Take the goods from this batch (default: first-expiring first, `erp_core.batches`)."""

    _exact = field_validator("quantity", "unit_price", mode="before")(exact)


class LineOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    name: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal


class SaleResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    sale_id: int
    number: int
    party_id: int | None
    lines: list[LineOut]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    paid: Decimal
    due: Decimal
    payment_mode: PaymentMode
    party_balance: Decimal | None
    warnings: list[str]
    credit_limit: Decimal | None = None
    """The customer's credit limit when the bill went on their khata ("credit_limit_exceeded" in `warnings`:
    the balance is now above it)."""


def _price(row: StockRow | None, line: LineIn) -> LineOut:
    if row is None or not row.active:
        raise UnknownProduct(query=str(line.product_id))
    qty = quantity(line.quantity)
    price = row.selling_price if line.unit_price is None else money(line.unit_price, "unit_price")
    return LineOut(product_id=row.product_id, name=row.name, quantity=qty, unit_price=price,
                   line_total=(qty * price).quantize(_PAISA, ROUND_HALF_UP))


def _require_lines(lines: list[LineIn]) -> None:
    if not lines:
        raise ValidationError(field="lines", reason="a bill needs at least one line")


def price_lines(session: Session, lines: list[LineIn]) -> list[LineOut]:
    """Check each line and fill in prices from the catalog (locking the products' stock rows)."""
    _require_lines(lines)
    stock = lock_stock(session, {line.product_id for line in lines})
    return [_price(stock.get(line.product_id), line) for line in lines]


def lines_request(lines: list[LineIn]) -> list[dict]:
    return [line.model_dump() for line in lines]


def post_sale(
    ctx: Context,
    lines: list[LineIn],
    *,
    party_id: int | None = None,
    discount: Decimal | int | str = 0,
    payment_mode: PaymentMode | str = PaymentMode.CASH,
    paid: Decimal | int | str | None = None,
    at: datetime | None = None,
    allow_expired: bool = False,
    idempotency_key: str | None = None,
) -> SaleResult:
    """Post a bill: stock goes out, and for a party the bill and any payment go into the khata.

    `paid` defaults to the whole total (nothing for `credit`); what is not paid
    is due, which needs a customer and respects their credit limit. Lines
    without a price take the selling price in force at `at`. Goods of an
    expired batch go out only with `allow_expired`.
    """
    ctx.actor.require(Permission.POST_SALE)
    mode = parse_payment_mode(payment_mode)
    disc = money(discount, "discount")
    paid_in = None if paid is None else money(paid, "paid")
    request = {"lines": lines_request(lines), "party_id": party_id, "discount": disc, "payment_mode": mode,
               "paid": paid_in, "at": at, "allow_expired": allow_expired}
    at = at or utcnow()

    def work(session: Session) -> SaleResult:
        _require_lines(lines)
        stock = lock_stock(session, {line.product_id for line in lines})
        if request["at"] is not None:  # a bill made earlier (offline) is priced as it was then
            for pid, price in selling_prices_at(session, stock, at).items():
                stock[pid] = stock[pid]._replace(selling_price=price)
        priced = [_price(stock.get(line.product_id), line) for line in lines]
        subtotal = sum((out.line_total for out in priced), Decimal("0.00"))
        if disc > subtotal:
            raise ValidationError(field="discount", reason="the discount is more than the bill")
        total = subtotal - disc
        if mode is PaymentMode.CREDIT:
            if paid_in:
                raise ValidationError(field="paid", reason="a credit (udhaar) sale is not paid now")
            amount_paid = Decimal("0.00")
        else:
            amount_paid = total if paid_in is None else paid_in
        if amount_paid > total:
            raise ValidationError(field="paid", reason="more was paid than the bill")
        due = total - amount_paid
        tenant = party = None
        if party_id is not None:
            party = session.get(Party, party_id)
            if party is None:
                raise UnknownParty(query=str(party_id))
            tenant = ctx.tenant(session)
        if due > 0 and party is None:
            raise ValidationError(field="party_id", reason="a bill with money due needs a customer")
        warnings = []
        if party is not None and (warning := check_credit_limit(session, tenant, party, due)):
            warnings.append(warning)
        # Goods going out leave the weighted-average cost as it is, so the cost of
        # goods sold is known before the stock is posted.
        unit_costs = [stock[out.product_id].state.avg_cost for out in priced]
        cost = sum((out.quantity * c for out, c in zip(priced, unit_costs)), Decimal(0))
        number = next_value(session, "sale")
        connection = session.connection()
        sale_id = connection.execute(_ADD_SALE, {
            "tenant_id": ctx.tenant_id, "number": number, "party_id": party_id, "sold_at": at, "subtotal": subtotal,
            "discount": disc, "total": total, "paid": amount_paid, "due": due, "payment_mode": mode,
            "cost": cost.quantize(_PAISA, ROUND_HALF_UP), "created_by": ctx.actor.user_id,
        }).scalar_one()
        _alert_low_stock(session, ctx.tenant(session), stock, priced, at)  # before posting changes `stock`
        post_movements(
            session, [Movement(out.product_id, MovementKind.STOCK_OUT, on_hand_delta=-out.quantity,
                               batch_no=batches.clean_batch(line.batch_no), allow_expired=allow_expired)
                      for out, line in zip(priced, lines)],
            ref_type="sale", ref_id=sale_id, actor_id=ctx.actor.user_id, at=at, stock=stock,
        )
        connection.execute(_ADD_LINES, [
            {"tenant_id": ctx.tenant_id, "sale_id": sale_id, "product_id": out.product_id, "quantity": out.quantity,
             "unit_price": out.unit_price, "line_total": out.line_total, "unit_cost": unit_cost}
            for out, unit_cost in zip(priced, unit_costs)
        ])
        balance = None
        if party is not None:
            _, balance = post_entry(session, tenant, party_id=party.id, kind=EntryKind.SALE, debit=total,
                                    ref_type="sale", ref_id=sale_id, note=f"bill {number}",
                                    actor_id=ctx.actor.user_id, at=at)
            if amount_paid > 0:
                payment = Payment(party_id=party.id, amount=amount_paid, mode=mode, reference=f"bill {number}",
                                  received_at=at, created_by=ctx.actor.user_id)
                session.add(payment)
                session.flush()
                _, balance = post_entry(session, tenant, party_id=party.id, kind=EntryKind.PAYMENT,
                                        credit=amount_paid, ref_type="payment", ref_id=payment.id,
                                        note=f"{mode.value} bill {number}", actor_id=ctx.actor.user_id, at=at)
            if due > 0:
                notices.queue(session, NoticeKind.CREDIT_RECEIPT, f"receipt:sale:{sale_id}", party.phone,
                              {"shop": tenant.name, "name": party.name, "amount": notices.money_param(due),
                               "balance": notices.money_param(balance)}, party_id=party.id, at=at)
        return SaleResult(sale_id=sale_id, number=number, party_id=party_id, lines=priced,
                          subtotal=subtotal, discount=disc, total=total, paid=amount_paid, due=due,
                          payment_mode=mode, party_balance=balance, warnings=warnings,
                          credit_limit=party.credit_limit if party is not None else None)

    return ctx.run("sale.post", request, work, SaleResult, idempotency_key)


def _alert_low_stock(session: Session, tenant: Tenant, stock: dict[int, StockRow], priced: list[LineOut],
                     at: datetime) -> None:
    """Tell the owners when this bill took a product under its reorder point (at most once a day a product)."""
    sold: dict[int, Decimal] = defaultdict(Decimal)
    for out in priced:
        sold[out.product_id] += out.quantity
    day = business_date(tenant, at).isoformat()
    for product_id, quantity in sold.items():
        row = stock[product_id]
        left = row.state.on_hand - quantity
        if row.reorder_point > 0 and row.state.on_hand > row.reorder_point >= left:
            for owner in notices.owners(session):
                notices.queue(session, NoticeKind.LOW_STOCK, f"low:{product_id}:{day}:{owner}", owner,
                              {"product": row.name, "left": notices.quantity_param(left), "unit": row.unit.value,
                               "reorder": notices.quantity_param(row.reorder_point)}, at=at)


class SaleView(BaseModel):
    """A posted bill with its lines."""

    model_config = ConfigDict(frozen=True)
    id: int
    number: int
    party_id: int | None
    sold_at: datetime
    lines: list[LineOut]
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    paid: Decimal
    due: Decimal
    payment_mode: PaymentMode


def _sale_views(session: Session, sales: list[Sale]) -> list[SaleView]:
    lines: dict[int, list[LineOut]] = {}
    if sales:
        rows = session.execute(select(SaleLine, Product.name).join(Product, Product.id == SaleLine.product_id)
                               .where(SaleLine.sale_id.in_([s.id for s in sales])).order_by(SaleLine.id))
        for line, name in rows:
            lines.setdefault(line.sale_id, []).append(LineOut(
                product_id=line.product_id, name=name, quantity=line.quantity, unit_price=line.unit_price,
                line_total=line.line_total))
    return [SaleView(id=s.id, number=s.number, party_id=s.party_id, sold_at=s.sold_at, lines=lines.get(s.id, []),
                     subtotal=s.subtotal, discount=s.discount, total=s.total, paid=s.paid, due=s.due,
                     payment_mode=s.payment_mode) for s in sales]


def sale_details(ctx: Context, sale_id: int) -> SaleView:
    """One bill with its lines, or `NotFound`."""
    ctx.actor.require(Permission.VIEW_SALES)
    with ctx.read() as session:
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound(what="sale", ref=sale_id)
        return _sale_views(session, [sale])[0]


def list_sales(
    ctx: Context, *, after_id: int = 0, limit: int = 50, party_id: int | None = None,
    start: datetime | None = None, end: datetime | None = None,
) -> list[SaleView]:
    """Bills in id order after `after_id` (keyset pagination), optionally of one party or a time range."""
    ctx.actor.require(Permission.VIEW_SALES)
    query = select(Sale).where(Sale.id > after_id).order_by(Sale.id).limit(limit)
    if party_id is not None:
        query = query.where(Sale.party_id == party_id)
    if start is not None:
        query = query.where(Sale.sold_at >= start)
    if end is not None:
        query = query.where(Sale.sold_at < end)
    with ctx.read() as session:
        return _sale_views(session, list(session.scalars(query)))
