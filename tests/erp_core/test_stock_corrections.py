"""Write-offs and counts: ledger entries with a reason, at cost; refused ones write nothing; undo reverses them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import inventory, stock_corrections, undo
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.enums import MovementKind, Role, StockReason
from erp_core.errors import InsufficientStock, PermissionDenied, UnknownProduct, ValidationError
from erp_core.inventory import movements, stock_of
from erp_core.permissions import Actor

D = Decimal


def as_role(ctx: Context, role: Role) -> Context:
    return Context(ctx.db, ctx.tenant_id, Actor(user_id=None, role=role))


def test_a_write_off_takes_stock_out_at_cost_with_its_reason(db, shop, make_product):
    milk = make_product("Doodh", stock=10, cost="25", unit="packet")
    gone = stock_corrections.write_off(shop, milk.id, 3, "damaged", note="fridge off")
    assert (gone.delta, gone.unit_cost, gone.value, gone.reason) == (D(-3), D(25), D("-75.00"), StockReason.DAMAGED)
    entry = movements(shop, milk.id)[0]
    assert (entry.kind, entry.on_hand_delta, entry.reason, entry.ref_type, entry.note) == (
        MovementKind.ADJUSTMENT, D(-3), StockReason.DAMAGED, "write_off", "fridge off")
    assert stock_of(shop, milk.id).on_hand == D(7)
    assert stock_corrections.write_off(as_role(shop, Role.STAFF), milk.id, 1, "own_use").stock.on_hand == D(6)
    assert check_tenant(db, shop.tenant_id).ok


def test_refused_write_offs_leave_the_ledger_alone(shop, make_product):
    milk = make_product("Doodh", stock=2, cost="25")
    for attempt, error in (
        (lambda: stock_corrections.write_off(shop, milk.id, 3, "expired"), InsufficientStock),
        (lambda: stock_corrections.write_off(shop, milk.id, 1, "count"), ValidationError),
        (lambda: stock_corrections.write_off(shop, milk.id, 1, "gift"), ValidationError),
        (lambda: stock_corrections.write_off(shop, milk.id, 0, "lost"), ValidationError),
        (lambda: stock_corrections.write_off(shop, 999_999, 1, "lost"), UnknownProduct),
        (lambda: stock_corrections.write_off(as_role(shop, Role.CUSTOMER), milk.id, 1, "stolen"), PermissionDenied),
    ):
        with pytest.raises(error):
            attempt()
    assert len(movements(shop, milk.id)) == 1 and stock_of(shop, milk.id).on_hand == D(2)


def test_a_count_books_the_difference_to_the_counted_figure(db, shop, make_product):
    maggi = make_product("Maggi", stock=45, cost="12", unit="packet")
    short = stock_corrections.count_stock(shop, maggi.id, 40)
    assert (short.delta, short.value, short.reason, short.stock.on_hand) == (D(-5), D("-60.00"), StockReason.COUNT,
                                                                             D(40))
    more = stock_corrections.count_stock(shop, maggi.id, "42", idempotency_key="count-1")
    assert more.delta == D(2) and more == stock_corrections.count_stock(shop, maggi.id, "42",
                                                                        idempotency_key="count-1")
    same = stock_corrections.count_stock(shop, maggi.id, 42)
    assert same.delta == D(0) and movements(shop, maggi.id)[0].reason is StockReason.COUNT
    assert inventory.valuation(shop).lines[0].avg_cost == D(12)  # found goods come in at the average
    with pytest.raises(ValidationError):
        stock_corrections.count_stock(shop, maggi.id, -1)
    assert check_tenant(db, shop.tenant_id).ok


def test_undo_reverses_a_write_off_and_a_count(db, shop, make_product):
    ghee = make_product("Ghee", stock=10, cost="500", unit="l")
    stock_corrections.write_off(shop, ghee.id, 2, "stolen")
    assert undo.last_undoable(shop).quantity == D(-2)
    undone = undo.undo_last(shop)
    assert undone.undone == "stock.write_off" and stock_of(shop, ghee.id).on_hand == D(10)
    stock_corrections.count_stock(shop, ghee.id, 7)
    undo.undo_last(shop)
    assert stock_of(shop, ghee.id).on_hand == D(10)
    assert inventory.valuation(shop).total == D("5000.00")
    assert check_tenant(db, shop.tenant_id).ok


def test_a_preview_says_what_would_be_booked_and_writes_nothing(shop, make_product):
    maggi = make_product("Maggi", stock=45, cost="12", unit="packet")
    out = stock_corrections.preview_write_off(shop, maggi.id, 3)
    assert (out.name, out.unit.value, out.on_hand, out.delta, out.unit_cost, out.value) == (
        "Maggi", "packet", D(45), D(-3), D(12), D("-36.00"))
    count = stock_corrections.preview_count(shop, maggi.id, "40")
    assert (count.on_hand, count.delta, count.value) == (D(45), D(-5), D("-60.00"))
    assert stock_corrections.preview_count(shop, maggi.id, 45).delta == D(0)
    assert len(movements(shop, maggi.id)) == 1 and stock_of(shop, maggi.id).on_hand == D(45)
    booked = stock_corrections.write_off(shop, maggi.id, 3, "expired")
    assert (booked.delta, booked.value) == (out.delta, out.value)


def test_a_preview_of_a_product_without_a_cost_says_the_cost_is_unknown(shop, make_product):
    found = make_product("Naya Saabun", cost="0", unit="packet")
    stock_corrections.count_stock(shop, found.id, 5)
    preview = stock_corrections.preview_write_off(shop, found.id, 1)
    assert (preview.on_hand, preview.unit_cost, preview.value) == (D(5), None, None)


def test_a_preview_is_refused_like_the_write_it_shows(shop, make_product):
    milk = make_product("Doodh", stock=2, cost="25")
    for attempt, error in (
        (lambda: stock_corrections.preview_write_off(as_role(shop, Role.CUSTOMER), milk.id, 1), PermissionDenied),
        (lambda: stock_corrections.preview_write_off(shop, milk.id, 0), ValidationError),
        (lambda: stock_corrections.preview_count(shop, milk.id, -1), ValidationError),
        (lambda: stock_corrections.preview_count(shop, 999_999, 1), UnknownProduct),
    ):
        with pytest.raises(error):
            attempt()
