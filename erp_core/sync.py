"""Offline sync for the companion app: push what was booked offline, pull what changed.

Each pushed item carries a `local_id` (a UUID made on the phone) and is booked
with the idempotency key `sync:<local_id>`, so a batch sent twice books
nothing twice: the second time the item comes back as `duplicate` with the
original id. Items are booked one by one, each in its own transaction, so one
bad item never blocks the others. The rules:

- not enough stock is a `conflict` with the numbers, unless the item says
  `allow_negative` (the goods have already left the shop);
- a price that differs from today's catalog price is booked as sold and logged;
- a credit-limit breach is booked (the sale happened) and the customer is
  flagged for review.

Pull pages through the audit log, which every operation appends to in its own
transaction: the cursor is an audit sequence number, and the products and
parties named by the entries after it are sent in their current state.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from erp_core import catalog, inventory, ledger, parties, sales
from erp_core.canonical import canonical_json
from erp_core.context import Context
from erp_core.enums import PaymentMode
from erp_core.errors import DomainError, IdempotencyConflict, ValidationError
from erp_core.messages import render
from erp_core.models import AuditEntry, IdempotencyRecord, Product, SyncItem
from erp_core.values import Exact

PULL_PAGE = 500
"""Audit entries read per pull page."""


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    local_id: UUID
    offline_created_at: AwareDatetime


class SyncLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    product_id: int
    quantity: Exact
    unit_price: Exact | None = None


class SyncSale(_Item):
    type: Literal["sale"]
    lines: list[SyncLine] = Field(min_length=1, max_length=200)
    party_id: int | None = None
    discount: Exact = Decimal(0)
    payment_mode: PaymentMode = PaymentMode.CASH
    paid: Exact | None = None
    allow_negative: bool = False


class SyncPayment(_Item):
    type: Literal["payment"]
    party_id: int
    amount: Exact
    mode: PaymentMode = PaymentMode.CASH
    reference: str = Field(default="", max_length=100)


class SyncStockMovement(_Item):
    type: Literal["stock_movement"]
    kind: Literal["receive", "adjust", "return"]
    product_id: int
    quantity: Exact
    """More than zero for `receive` and `return`; signed for `adjust`."""
    unit_cost: Exact | None = None
    """Required for `receive`."""
    note: str = Field(default="", max_length=500)
    allow_negative: bool = False


SyncItemIn = Annotated[SyncSale | SyncPayment | SyncStockMovement, Field(discriminator="type")]


class ItemOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)
    local_id: UUID
    status: Literal["applied", "duplicate", "conflict"]
    id: int | None = None
    """The sale, payment or stock movement booked for the item (the original one for a duplicate)."""
    reason: str | None = None
    """For a conflict: the error key (`insufficient_stock`, `unknown_product`, ...)."""
    message: str | None = None
    details: dict[str, Any] = {}
    warnings: list[str] = []


def push(ctx: Context, items: list[SyncSale | SyncPayment | SyncStockMovement]) -> list[ItemOutcome]:
    """Book a batch of offline items one by one; every item gets its own outcome."""
    return [_push_one(ctx, item) for item in items]


_RESULT_ID = {"sale": "sale_id", "payment": "payment_id", "stock_movement": "movement_id"}


def _push_one(ctx: Context, item: SyncSale | SyncPayment | SyncStockMovement) -> ItemOutcome:
    key = f"sync:{item.local_id}"
    with ctx.read() as session:
        seen = session.scalar(select(IdempotencyRecord.result).where(IdempotencyRecord.key == key))
    offline = replace(ctx, allow_negative_stock=getattr(item, "allow_negative", False), credit_limit_warns_only=True)
    try:
        outcome = _book(offline, item, key)
    except IdempotencyConflict as error:
        outcome = _conflict(item, error, "the local_id was used for a different item")
    except DomainError as error:
        outcome = _conflict(item, error)
    if seen is not None and outcome.status == "applied":
        original = json.loads(seen)[_RESULT_ID[item.type]]
        outcome = ItemOutcome(local_id=item.local_id, status="duplicate", id=original)
    _log(ctx, item, outcome)
    return outcome


def _conflict(item: _Item, error: DomainError, message: str | None = None) -> ItemOutcome:
    details = json.loads(canonical_json(error.params))
    return ItemOutcome(local_id=item.local_id, status="conflict", reason=error.key,
                       message=message or render(error), details=details)


def _book(ctx: Context, item: SyncSale | SyncPayment | SyncStockMovement, key: str) -> ItemOutcome:
    at = item.offline_created_at
    if isinstance(item, SyncPayment):
        paid = ledger.record_payment(ctx, item.party_id, item.amount, item.mode, reference=item.reference, at=at,
                                     idempotency_key=key)
        return ItemOutcome(local_id=item.local_id, status="applied", id=paid.payment_id)
    if isinstance(item, SyncStockMovement):
        if item.kind == "receive":
            if item.unit_cost is None:
                raise ValidationError(field="unit_cost", reason="receiving stock needs the cost per unit")
            moved = inventory.receive_stock(ctx, item.product_id, item.quantity, item.unit_cost, note=item.note,
                                            at=at, idempotency_key=key)
        elif item.kind == "adjust":
            moved = inventory.adjust_stock(ctx, item.product_id, item.quantity, item.note or "offline count",
                                           idempotency_key=key)
        else:
            moved = inventory.record_return(ctx, item.product_id, item.quantity, note=item.note, idempotency_key=key)
        return ItemOutcome(local_id=item.local_id, status="applied", id=moved.movement_id)
    current = _current_prices(ctx, [line.product_id for line in item.lines])
    sale = sales.post_sale(
        ctx, [sales.LineIn(product_id=line.product_id, quantity=line.quantity, unit_price=line.unit_price)
              for line in item.lines],
        party_id=item.party_id, discount=item.discount, payment_mode=item.payment_mode, paid=item.paid, at=at,
        idempotency_key=key,
    )
    details: dict[str, Any] = {}
    differences = [{"product_id": line.product_id, "offline_price": str(line.unit_price),
                    "current_price": str(current[line.product_id])}
                   for line in sale.lines if current.get(line.product_id) not in (None, line.unit_price)]
    if differences:
        details["price_differences"] = differences
    if "credit_limit_exceeded" in sale.warnings and sale.party_id is not None:
        parties.flag_for_review(ctx, sale.party_id, f"offline sale {item.local_id} went over the credit limit",
                                idempotency_key=f"{key}:flag")
        details["party_flagged_for_review"] = sale.party_id
    return ItemOutcome(local_id=item.local_id, status="applied", id=sale.sale_id, details=details,
                       warnings=sale.warnings)


def _current_prices(ctx: Context, product_ids: list[int]) -> dict[int, Decimal]:
    with ctx.read() as session:
        return dict(session.execute(select(Product.id, Product.selling_price)
                                    .where(Product.id.in_(product_ids))).tuples().all())


def _log(ctx: Context, item: _Item, outcome: ItemOutcome) -> None:
    """Keep every outcome (price differences and flags included) for the owner to review."""
    details = {"reason": outcome.reason, **outcome.details} if outcome.reason else outcome.details
    with ctx.db.session(ctx.tenant_id) as session, session.begin():
        session.add(SyncItem(local_id=str(item.local_id), kind=item.type, outcome=outcome.status,  # type: ignore[attr-defined]
                             ref_id=outcome.id, details=canonical_json(details),
                             offline_created_at=item.offline_created_at))


class PullPage(BaseModel):
    model_config = ConfigDict(frozen=True)
    cursor: int
    """Pass back as `cursor` to get what changes after this page."""
    has_more: bool
    full: bool
    """True when this is a whole snapshot (no cursor was given): replace the local copy."""
    products: list[catalog.ProductView]
    parties: list[parties.PartyView]
    stock: list[inventory.StockLevel]
    dues: list[ledger.BalanceView]


def pull(ctx: Context, cursor: int | None = None) -> PullPage:
    """Everything (no cursor) or what changed after `cursor`: products, parties, stock and dues."""
    if cursor is None:
        with ctx.read() as session:
            head = session.scalar(select(func.max(AuditEntry.seq))) or 0
        everything = 10**9
        return PullPage(
            cursor=head, has_more=False, full=True,
            products=catalog.list_products(ctx, limit=everything, include_inactive=True),
            parties=parties.list_parties(ctx, limit=everything),
            stock=inventory.stock_levels(ctx, limit=everything), dues=ledger.dues(ctx),
        )
    with ctx.read() as session:
        entries = session.execute(select(AuditEntry.seq, AuditEntry.action, AuditEntry.payload)
                                  .where(AuditEntry.seq > cursor).order_by(AuditEntry.seq).limit(PULL_PAGE)).all()
    product_ids: set[int] = set()
    party_ids: set[int] = set()
    for _, action, payload in entries:
        body = json.loads(payload)
        _collect(body, product_ids, party_ids)
        result = body.get("result") or {}
        if isinstance(result, dict) and isinstance(result.get("id"), int):
            if action.startswith("product."):
                product_ids.add(result["id"])
            elif action.startswith("party."):
                party_ids.add(result["id"])
    changed_parties = parties.list_parties(ctx, limit=len(party_ids), ids=sorted(party_ids)) if party_ids else []
    return PullPage(
        cursor=entries[-1].seq if entries else cursor, has_more=len(entries) == PULL_PAGE, full=False,
        products=(catalog.list_products(ctx, limit=len(product_ids), include_inactive=True, ids=sorted(product_ids))
                  if product_ids else []),
        parties=changed_parties,
        stock=inventory.stock_levels(ctx, limit=len(product_ids), ids=sorted(product_ids)) if product_ids else [],
        dues=[ledger.BalanceView(party_id=p.id, name=p.name, balance=p.balance, credit_limit=p.credit_limit)
              for p in changed_parties],
    )


def _collect(value: Any, product_ids: set[int], party_ids: set[int]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "product_id" and isinstance(item, int):
                product_ids.add(item)
            elif key == "party_id" and isinstance(item, int):
                party_ids.add(item)
            else:
                _collect(item, product_ids, party_ids)
    elif isinstance(value, list):
        for item in value:
            _collect(item, product_ids, party_ids)


def flagged_items(ctx: Context, limit: int = 100) -> list[dict[str, Any]]:
    """The latest sync outcomes that were conflicts or carried notes (price differences, flags)."""
    with ctx.read() as session:
        rows = session.scalars(select(SyncItem).where((SyncItem.outcome == "conflict") | (SyncItem.details != "{}"))
                               .order_by(SyncItem.id.desc()).limit(limit)).all()
    return [{"local_id": r.local_id, "kind": r.kind, "outcome": r.outcome, "ref_id": r.ref_id,
             "details": json.loads(r.details), "offline_created_at": r.offline_created_at} for r in rows]
