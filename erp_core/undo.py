"""Undo: reverse the last entry a person made, with a reversing entry (the books are append-only).

The audit log knows who did what. `undo_last` takes the person's latest
undoable operation that is not undone yet and books its mirror image in one
transaction: a payment gets a khata REVERSAL, received stock an ADJUSTMENT
out, an expense a negative expense entry, a placed order is cancelled.
"""

from __future__ import annotations

import json
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import expenses
from erp_core.context import Context
from erp_core.enums import MovementKind, OrderStatus
from erp_core.errors import NothingToUndo
from erp_core.inventory import Movement, post_movements
from erp_core.ledger import reverse_entry_in
from erp_core.models import AuditEntry, Party, Product
from erp_core.orders import transition_in
from erp_core.permissions import Permission

UNDOABLE = ("payment.record", "stock.receive", "expense.record", "order.place")
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


def _latest_undoable(session: Session, user_id: int | None) -> AuditEntry:
    actor = AuditEntry.actor_id.is_(None) if user_id is None else AuditEntry.actor_id == user_id
    entries = session.scalars(
        select(AuditEntry).where(actor, AuditEntry.action.in_((*UNDOABLE, UNDO_ACTION)))
        .order_by(AuditEntry.seq.desc()).limit(LOOK_BACK)
    ).all()
    undone: set[int] = set()
    for entry in entries:
        payload = json.loads(entry.payload)
        if entry.action == UNDO_ACTION:
            undone.add(payload["result"]["undone_seq"])
        elif entry.seq not in undone:
            return entry
    raise NothingToUndo()


def _reverse(ctx: Context, session: Session, entry: AuditEntry, reason: str) -> UndoResult:
    payload = json.loads(entry.payload)
    request, result = payload["request"], payload["result"]
    base = {"undone": entry.action, "undone_seq": entry.seq}
    if entry.action == "payment.record":
        reverse_entry_in(ctx, session, result["entry_id"], reason)
        party = session.get(Party, result["party_id"])
        return UndoResult(**base, name=party.name if party else "", amount=Decimal(result["amount"]))
    if entry.action == "stock.receive":
        qty = Decimal(request["qty"])
        post_movements(session, [Movement(request["product_id"], MovementKind.ADJUSTMENT, on_hand_delta=-qty)],
                       ref_type="undo", ref_id=result["movement_id"], note=reason, actor_id=ctx.actor.user_id)
        product = session.get(Product, request["product_id"])
        return UndoResult(**base, name=product.name if product else "", quantity=qty)
    if entry.action == "expense.record":
        expenses.reverse_in(session, result["expense_id"], reason, ctx.actor.user_id)
        return UndoResult(**base, name=result["category"], amount=Decimal(result["amount"]))
    order = transition_in(ctx, session, result["id"], OrderStatus.CANCELLED, reason)
    return UndoResult(**base, order_number=order.number, amount=order.total)


def undo_last(ctx: Context, reason: str = "undo", *, idempotency_key: str | None = None) -> UndoResult:
    """Reverse the acting person's latest undoable entry, or raise `NothingToUndo`."""
    ctx.actor.require(Permission.REVERSE)

    def work(session: Session) -> UndoResult:
        return _reverse(ctx, session, _latest_undoable(session, ctx.actor.user_id), reason)

    return ctx.run(UNDO_ACTION, {"reason": reason}, work, UndoResult, idempotency_key)
