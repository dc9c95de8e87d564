"""Undo: reverse the last entry a person made, with a reversing entry (the books are append-only).

The audit log knows who did what. `undo_last` takes the person's latest
undoable operation that is not undone yet and books its mirror image in one
transaction: a payment gets a khata REVERSAL, received stock an ADJUSTMENT
out, a write-off or a count the opposite ADJUSTMENT (at the cost it was booked
at), a price change a change back (while the price is still the one it set), an
expense a negative expense entry, a placed order is cancelled.
"""

from __future__ import annotations

import json
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from erp_core import expenses
from erp_core.context import Context
from erp_core.enums import MovementKind, OrderStatus
from erp_core.errors import NothingToUndo
from erp_core.expenses import ExpenseResult
from erp_core.inventory import Movement, MovementResult, post_movements
from erp_core.ledger import PaymentResult, reverse_entry_in
from erp_core.models import AuditEntry, IdempotencyRecord, Party, Product
from erp_core.orders import OrderView, transition_in
from erp_core.permissions import Permission
from erp_core.prices import PriceChangeView, change_prices
from erp_core.stock_corrections import StockCorrection

UNDO_RESULTS: dict[str, type[BaseModel]] = {
    "payment.record": PaymentResult, "stock.receive": MovementResult, "expense.record": ExpenseResult,
    "order.place": OrderView, "stock.write_off": StockCorrection, "stock.count": StockCorrection,
    "product.price": PriceChangeView,
}
UNDOABLE = tuple(UNDO_RESULTS)
UNDO_ACTION = "entry.undo"
LOOK_BACK = 200
"""How many of the person's latest operations are searched for something to undo."""


class UndoResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    undone: str
    """The operation undone: one of UNDOABLE."""
    undone_seq: int
    """Its audit sequence number."""
    name: str = ""
    """Whom or what it was about: the party, the product, the expense category."""
    amount: Decimal | None = None
    quantity: Decimal | None = None
    order_number: int | None = None


def _undoable(session: Session, user_id: int | None) -> list[AuditEntry]:
    """The person's latest undoable entries not undone yet, newest first."""
    actor = AuditEntry.actor_id.is_(None) if user_id is None else AuditEntry.actor_id == user_id
    entries = session.scalars(
        select(AuditEntry).where(actor, AuditEntry.action.in_((*UNDOABLE, UNDO_ACTION)))
        .order_by(AuditEntry.seq.desc()).limit(LOOK_BACK)
    ).all()
    undone = {json.loads(e.payload)["result"]["undone_seq"] for e in entries if e.action == UNDO_ACTION}
    return [e for e in entries if e.action != UNDO_ACTION and e.seq not in undone]


def _latest_undoable(session: Session, user_id: int | None) -> AuditEntry:
    entries = _undoable(session, user_id)
    if not entries:
        raise NothingToUndo()
    return entries[0]


def _undoable_seq(session: Session, user_id: int | None, seq: int) -> AuditEntry:
    entry = next((e for e in _undoable(session, user_id) if e.seq == seq), None)
    if entry is None:
        raise NothingToUndo()
    return entry


def _describe(session: Session, entry: AuditEntry) -> UndoResult:
    """What undoing `entry` would reverse: whom or what it was about, and its figure."""
    payload = json.loads(entry.payload)
    request, result = payload["request"], payload["result"]
    base = {"undone": entry.action, "undone_seq": entry.seq}
    if entry.action == "payment.record":
        party = session.get(Party, result["party_id"])
        return UndoResult(**base, name=party.name if party else "", amount=Decimal(result["amount"]))
    if entry.action == "stock.receive":
        product = session.get(Product, request["product_id"])
        return UndoResult(**base, name=product.name if product else "", quantity=Decimal(request["qty"]))
    if entry.action == "expense.record":
        return UndoResult(**base, name=result["category"], amount=Decimal(result["amount"]))
    if entry.action in ("stock.write_off", "stock.count"):
        return UndoResult(**base, name=result["name"], quantity=Decimal(result["delta"]))
    if entry.action == "product.price":
        product = session.get(Product, result["product_id"])
        return UndoResult(**base, name=product.name if product else "", amount=Decimal(result["new_selling_price"]))
    party = session.get(Party, result["party_id"])
    return UndoResult(**base, name=party.name if party else "", order_number=result["number"],
                      amount=Decimal(result["total"]))


def _reverse(ctx: Context, session: Session, entry: AuditEntry, reason: str) -> UndoResult:
    payload = json.loads(entry.payload)
    request, result = payload["request"], payload["result"]
    if entry.action == "payment.record":
        reverse_entry_in(ctx, session, result["entry_id"], reason)
    elif entry.action == "stock.receive":
        qty = Decimal(request["qty"])
        post_movements(session, [Movement(request["product_id"], MovementKind.ADJUSTMENT, on_hand_delta=-qty)],
                       ref_type="undo", ref_id=result["movement_id"], note=reason, actor_id=ctx.actor.user_id)
    elif entry.action == "expense.record":
        expenses.reverse_in(session, result["expense_id"], reason, ctx.actor.user_id)
    elif entry.action in ("stock.write_off", "stock.count"):
        post_movements(session, [Movement(result["product_id"], MovementKind.ADJUSTMENT,
                                          on_hand_delta=-Decimal(result["delta"]),
                                          unit_cost=Decimal(result["unit_cost"]))],
                       ref_type="undo", ref_id=result["movement_id"], note=reason, actor_id=ctx.actor.user_id)
    elif entry.action == "product.price":
        _price_back(session, result, ctx.actor.user_id)
    else:
        transition_in(ctx, session, result["id"], OrderStatus.CANCELLED, reason)
    return _describe(session, entry)


def _price_back(session: Session, change: dict, actor_id: int | None) -> None:
    """Put back the prices a change replaced, as a new change; refused once the prices have changed again."""
    product = session.get(Product, change["product_id"])
    new_mrp = None if change["new_mrp"] is None else Decimal(change["new_mrp"])
    if (product.selling_price, product.mrp) != (Decimal(change["new_selling_price"]), new_mrp):
        raise NothingToUndo()
    change_prices(session, product, Decimal(change["old_selling_price"]),
                  None if change["old_mrp"] is None else Decimal(change["old_mrp"]), actor_id)


def last_undoable(ctx: Context) -> UndoResult:
    """What `undo_last` would reverse now, without reversing it (to ask "this one?" first)."""
    ctx.actor.require(Permission.REVERSE)
    with ctx.read() as session:
        return _describe(session, _latest_undoable(session, ctx.actor.user_id))


def undo_last(ctx: Context, reason: str = "undo", *, idempotency_key: str | None = None) -> UndoResult:
    """Reverse the acting person's latest undoable entry, or raise `NothingToUndo`."""
    ctx.actor.require(Permission.REVERSE)

    def work(session: Session) -> UndoResult:
        return _reverse(ctx, session, _latest_undoable(session, ctx.actor.user_id), reason)

    return ctx.run(UNDO_ACTION, {"reason": reason}, work, UndoResult, idempotency_key)


def booked_with(ctx: Context, key_prefixes: list[str]) -> UndoResult | None:
    """The person's undoable entry, not undone yet, that an operation keyed with one of `key_prefixes` booked
    (the bot's keys begin `chat:<conversation>:<confirming message id>:`); None when there is none."""
    ctx.actor.require(Permission.REVERSE)
    if not key_prefixes:
        return None
    with ctx.read() as session:
        records = session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.action.in_(UNDOABLE),
            or_(*(IdempotencyRecord.key.startswith(prefix, autoescape=True) for prefix in key_prefixes)))).all()
        results = {(record.action, record.result) for record in records}
        booked = [entry for entry in _undoable(session, ctx.actor.user_id)
                  if (entry.action, _result_json(entry)) in results]
        return _describe(session, booked[0]) if booked else None


def _result_json(entry: AuditEntry) -> str:
    """The entry's result as the idempotency record keeps it (`model_dump_json` of the result type)."""
    return UNDO_RESULTS[entry.action].model_validate(json.loads(entry.payload)["result"]).model_dump_json()


def undoable(ctx: Context, seq: int) -> UndoResult:
    """What `undo_entry(seq)` would reverse, or `NothingToUndo` when it is not the person's to undo (any more)."""
    ctx.actor.require(Permission.REVERSE)
    with ctx.read() as session:
        return _describe(session, _undoable_seq(session, ctx.actor.user_id, seq))


def undo_entry(ctx: Context, seq: int, reason: str = "undo", *, idempotency_key: str | None = None) -> UndoResult:
    """Reverse the acting person's entry with audit sequence `seq`, or raise `NothingToUndo`."""
    ctx.actor.require(Permission.REVERSE)

    def work(session: Session) -> UndoResult:
        return _reverse(ctx, session, _undoable_seq(session, ctx.actor.user_id, seq), reason)

    return ctx.run(UNDO_ACTION, {"reason": reason, "seq": seq}, work, UndoResult, idempotency_key)
