"""Selling prices and MRPs over time: every change is kept (who, when, old, new), so the price in force at any
moment is known and a bill made earlier (offline, or read back later) keeps the price it was made at.

The price in force at a moment is the old price of the first change after it, or the product's price now
when it has not changed since. Bills store their own line prices; `selling_prices_at` prices a bill booked
after the moment it was made.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.errors import UnknownProduct, ValidationError
from erp_core.models import PriceChange, Product
from erp_core.permissions import Permission
from erp_core.values import money


class PriceChangeView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    product_id: int
    old_selling_price: Decimal
    new_selling_price: Decimal
    old_mrp: Decimal | None
    new_mrp: Decimal | None
    changed_by: int | None
    changed_at: datetime


class PriceInForce(BaseModel):
    model_config = ConfigDict(frozen=True)
    product_id: int
    at: datetime
    selling_price: Decimal
    mrp: Decimal | None


def _view(change: PriceChange) -> PriceChangeView:
    return PriceChangeView(id=change.id, product_id=change.product_id, old_selling_price=change.old_selling_price,
                           new_selling_price=change.new_selling_price, old_mrp=change.old_mrp,
                           new_mrp=change.new_mrp, changed_by=change.changed_by, changed_at=change.changed_at)


def change_prices(
    session: Session, product: Product, selling_price: Decimal, mrp: Decimal | None, actor_id: int | None
) -> PriceChange | None:
    """Give a product these prices (None: no MRP) and keep the change in the history, inside the caller's
    transaction; None (and nothing written) when they are the prices it has."""
    if (selling_price, mrp) == (product.selling_price, product.mrp):
        return None
    change = PriceChange(product_id=product.id, old_selling_price=product.selling_price,
                         new_selling_price=selling_price, old_mrp=product.mrp, new_mrp=mrp, changed_by=actor_id,
                         changed_at=utcnow())
    product.selling_price, product.mrp = selling_price, mrp
    session.add(change)
    session.flush()
    return change


def update_price(
    ctx: Context,
    product_id: int,
    *,
    selling_price: Decimal | int | str | None = None,
    mrp: Decimal | int | str | None = None,
    idempotency_key: str | None = None,
) -> PriceChangeView:
    """Change a product's selling price and/or MRP ("Maggi ka rate 14 kar do"); the change joins its history.

    A selling price above the MRP is refused (it may not be charged in India), and so is a "change" to the
    prices the product already has. Bills already made keep their prices.
    """
    ctx.actor.require(Permission.CHANGE_PRICES)
    if selling_price is None and mrp is None:
        raise ValidationError(field="selling_price", reason="give the new selling price or MRP")
    price = None if selling_price is None else money(selling_price, "selling_price", positive=True)
    new_mrp = None if mrp is None else money(mrp, "mrp", positive=True)
    request = {"product_id": product_id, "selling_price": price, "mrp": new_mrp}

    def work(session: Session) -> PriceChangeView:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        after_price = product.selling_price if price is None else price
        after_mrp = product.mrp if new_mrp is None else new_mrp
        if after_mrp is not None and after_price > after_mrp:
            raise ValidationError(field="selling_price",
                                  reason=f"{after_price} is above the MRP of {product.name} ({after_mrp})")
        change = change_prices(session, product, after_price, after_mrp, ctx.actor.user_id)
        if change is None:
            raise ValidationError(field="selling_price", reason=f"{product.name} already has these prices")
        return _view(change)

    return ctx.run("product.price", request, work, PriceChangeView, idempotency_key)


def price_history(ctx: Context, product_id: int, *, limit: int = 50) -> list[PriceChangeView]:
    """A product's price changes, newest first."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    with ctx.read() as session:
        if session.get(Product, product_id) is None:
            raise UnknownProduct(query=str(product_id))
        changes = session.scalars(select(PriceChange).where(PriceChange.product_id == product_id)
                                  .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc()).limit(limit))
        return [_view(change) for change in changes]


def price_in_force(ctx: Context, product_id: int, at: datetime) -> PriceInForce:
    """The selling price and MRP a product had at moment `at`."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    with ctx.read() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        first_after = _first_changes_after(session, [product_id], at).get(product_id)
    if first_after is None:
        return PriceInForce(product_id=product_id, at=at, selling_price=product.selling_price, mrp=product.mrp)
    return PriceInForce(product_id=product_id, at=at, selling_price=first_after.old_selling_price,
                        mrp=first_after.old_mrp)


def selling_prices_at(session: Session, product_ids: Iterable[int], at: datetime) -> dict[int, Decimal]:
    """The selling prices in force at `at` of those of `product_ids` whose price has changed since."""
    return {pid: change.old_selling_price for pid, change in _first_changes_after(session, product_ids, at).items()}


def _first_changes_after(session: Session, product_ids: Iterable[int], at: datetime) -> dict[int, PriceChange]:
    first: dict[int, PriceChange] = {}
    for change in session.scalars(
        select(PriceChange).where(PriceChange.product_id.in_(list(product_ids)), PriceChange.changed_at > at)
        .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())
    ):
        first[change.product_id] = change  # the earliest comes last
    return first
