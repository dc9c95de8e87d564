"""Undo reverses the person's own latest entry with a reversing entry, newest first, once each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from erp_core import expenses, inventory, ledger, orders, tenants, undo
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, OrderStatus, Role
from erp_core.errors import NothingToUndo, PermissionDenied
from erp_core.models import CreditEntry, StockMovement
from erp_core.sales import LineIn
from erp_core.tenants import actor_for
from erp_core.undo import last_undoable, undo_last


def _as(shop: Context, wa_id: str, role: Role) -> Context:
    tenants.add_user(shop, wa_id=wa_id, role=role)
    return Context(shop.db, shop.tenant_id, actor_for(shop.db, shop.tenant_id, wa_id))


def test_undo_walks_back_through_the_persons_entries(shop, make_product, make_customer):
    owner = _as(shop, "919700000001", Role.OWNER)
    rice = make_product("Chawal", stock=10)
    sharma = make_customer("Sharma ji", opening_balance=1000)
    ledger.record_payment(owner, sharma.id, 400, "upi")
    inventory.receive_stock(owner, rice.id, 5)
    expenses.record_expense(owner, 250, "food")

    first = undo_last(owner)
    assert (first.undone, first.name, first.amount) == ("expense.record", "food", Decimal("250.00"))
    second = undo_last(owner)
    assert (second.undone, second.name, second.quantity) == ("stock.receive", "Chawal", Decimal("5.000"))
    assert inventory.stock_of(owner, rice.id).on_hand == Decimal(10)
    third = undo_last(owner)
    assert (third.undone, third.name, third.amount) == ("payment.record", "Sharma ji", Decimal("400.00"))
    assert ledger.balance(owner, sharma.id).balance == Decimal("1000.00")
    with pytest.raises(NothingToUndo):
        undo_last(owner)
    assert expenses.expense_summary(owner, date(2000, 1, 1), date(2100, 1, 1)).total == 0


def test_undo_appends_and_never_edits(shop, make_product, make_customer):
    owner = _as(shop, "919700000002", Role.OWNER)
    sharma = make_customer("Sharma ji")
    rice = make_product("Chawal")
    payment = ledger.record_payment(owner, sharma.id, 300)
    received = inventory.receive_stock(owner, rice.id, 4, 40)
    undo_last(owner)
    undo_last(owner)
    with shop.read() as session:
        kinds = session.scalars(select(CreditEntry.kind).order_by(CreditEntry.id)).all()
        reversal = session.scalars(select(CreditEntry).where(CreditEntry.kind == EntryKind.REVERSAL)).one()
        moves = session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert kinds == [EntryKind.PAYMENT, EntryKind.REVERSAL] and reversal.reverses_id == payment.entry_id
    assert [(m.kind, m.on_hand_delta) for m in moves] == [
        (MovementKind.STOCK_IN, Decimal(4)), (MovementKind.ADJUSTMENT, Decimal(-4))]
    assert moves[1].ref_id == received.movement_id


def test_undo_cancels_a_placed_order_and_releases_its_stock(shop, make_product, make_customer):
    owner = _as(shop, "919700000003", Role.OWNER)
    rice = make_product("Chawal", stock=10)
    order = orders.place_order(owner, make_customer("Gupta ji").id, [LineIn(product_id=rice.id, quantity=Decimal(3))])
    result = undo_last(owner)
    assert (result.undone, result.order_number) == ("order.place", order.number)
    assert orders.get_order(owner, order.id).status is OrderStatus.CANCELLED
    assert inventory.stock_of(owner, rice.id).reserved == 0


def test_one_person_cannot_undo_another_persons_entry(shop, make_customer):
    owner = _as(shop, "919700000004", Role.OWNER)
    manager = _as(shop, "919700000005", Role.MANAGER)
    ledger.record_payment(owner, make_customer("Sharma ji").id, 100)
    with pytest.raises(NothingToUndo):
        undo_last(manager)


def test_staff_and_customers_may_not_undo(shop):
    staff = _as(shop, "919700000006", Role.STAFF)
    expenses.record_expense(staff, 50, "food")
    with pytest.raises(PermissionDenied):
        undo_last(staff)


def test_last_undoable_tells_what_undo_would_reverse_without_writing(shop, make_product, make_customer):
    owner = _as(shop, "919700000009", Role.OWNER)
    sharma = make_customer("Sharma ji", opening_balance=900)
    rice = make_product("Chawal", stock=20)
    ledger.record_payment(owner, sharma.id, 300, "cash")
    order = orders.place_order(owner, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(2))])
    preview = last_undoable(owner)
    assert (preview.undone, preview.name, preview.order_number) == ("order.place", "Sharma ji", order.number)
    assert preview.amount == order.total
    assert last_undoable(owner) == preview
    assert orders.get_order(owner, order.id).status is OrderStatus.CONFIRMED
    assert undo_last(owner) == preview
    after = last_undoable(owner)
    assert (after.undone, after.name, after.amount) == ("payment.record", "Sharma ji", Decimal("300.00"))


def test_the_entry_a_chat_message_booked_is_found_by_its_key_and_undone_alone(shop, make_product, make_customer):
    owner = _as(shop, "919700000021", Role.OWNER)
    rice = make_product("Chawal", stock=10)
    sharma = make_customer("Sharma ji", opening_balance=1000)
    conversation = f"chat:{shop.tenant_id}:919700000021"
    ledger.record_payment(owner, sharma.id, 600, "cash", idempotency_key=f"{conversation}:wamid.TAP1:action_record_payment")
    inventory.receive_stock(owner, rice.id, 5, idempotency_key=f"{conversation}:wamid.TAP2:action_add_stock")

    assert undo.booked_with(owner, [f"{conversation}:wamid.OTHER:"]) is None
    payment = undo.booked_with(owner, [f"{conversation}:wamid.EDITED:", f"{conversation}:wamid.TAP1:"])
    assert (payment.undone, payment.name, payment.amount) == ("payment.record", "Sharma ji", Decimal("600.00"))
    assert undo.undoable(owner, payment.undone_seq) == payment

    done = undo.undo_entry(owner, payment.undone_seq, "edited on WhatsApp")
    assert done == payment and ledger.balance(owner, sharma.id).balance == Decimal(1000)
    assert inventory.stock_of(owner, rice.id).on_hand == Decimal(15), "the later stock entry stays"
    assert undo.booked_with(owner, [f"{conversation}:wamid.TAP1:"]) is None
    with pytest.raises(NothingToUndo):
        undo.undo_entry(owner, payment.undone_seq)
    staff = _as(shop, "919700000022", Role.MANAGER)
    stock = undo.booked_with(owner, [f"{conversation}:wamid.TAP2:"])
    with pytest.raises(NothingToUndo):  # nobody undoes another person's entry
        undo.undo_entry(staff, stock.undone_seq)
