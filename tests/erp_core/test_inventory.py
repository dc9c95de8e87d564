"""The stock ledger: movements, the summary they maintain, and concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, sales
from erp_core.enums import MovementKind
from erp_core.errors import InsufficientStock, PermissionDenied, ValidationError
from erp_core.models import StockMovement
from erp_core.sales import LineIn


def test_receipts_move_the_weighted_average_cost(shop, make_product):
    rice = make_product("Chawal")
    inventory.receive_stock(shop, rice.id, 10, "40")
    result = inventory.receive_stock(shop, rice.id, 30, "48")
    assert result.stock.on_hand == Decimal("40")
    line = next(v for v in inventory.valuation(shop).lines if v.product_id == rice.id)
    # (10 * 40 + 30 * 48) / 40 = 46
    assert line.avg_cost == Decimal("46.0000")
    assert line.value == Decimal("1840.00")


def test_adjustment_is_signed_and_needs_a_reason(shop, make_product):
    rice = make_product(stock=10)
    assert inventory.adjust_stock(shop, rice.id, "-2.5", "chuhe kha gaye").stock.on_hand == Decimal("7.5")
    with pytest.raises(ValidationError):
        inventory.adjust_stock(shop, rice.id, 1, "  ")
    with pytest.raises(ValidationError):
        inventory.adjust_stock(shop, rice.id, "0.0001", "too fine")


def test_negative_stock_is_refused_unless_the_tenant_allows_it(new_shop, make_product):
    strict = new_shop()
    rice = make_product(stock=2, ctx=strict)
    with pytest.raises(InsufficientStock) as error:
        inventory.adjust_stock(strict, rice.id, -3, "count")
    assert error.value.params["available"] == Decimal("2")
    assert inventory.stock_of(strict, rice.id).on_hand == Decimal("2")

    lenient = new_shop(allow_negative_stock=True)
    oil = make_product("Tel", stock=1, ctx=lenient)
    sales.post_sale(lenient, [LineIn(product_id=oil.id, quantity=Decimal(3))])
    assert inventory.stock_of(lenient, oil.id).on_hand == Decimal("-2")


def test_every_movement_is_kept_in_the_ledger(shop, make_product):
    rice = make_product(stock=5)
    inventory.adjust_stock(shop, rice.id, -1, "damaged")
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=Decimal(2))])
    kinds = [m.kind for m in reversed(inventory.movements(shop, rice.id))]
    assert kinds == [MovementKind.STOCK_IN, MovementKind.ADJUSTMENT, MovementKind.STOCK_OUT]
    assert sum(m.on_hand_delta for m in inventory.movements(shop, rice.id)) == Decimal(2)


def test_low_stock_lists_products_at_or_below_their_reorder_point(shop, make_product):
    make_product("Plenty", stock=50, reorder_point=10)
    low = make_product("Running out", stock=10, reorder_point=10)
    empty = make_product("Gone", stock=0)
    assert [s.product_id for s in inventory.low_stock(shop)] == [empty.id, low.id]


def test_valuation_is_hidden_from_staff(shop, make_product):
    from erp_core.context import Context
    from erp_core.enums import Role
    from erp_core.permissions import Actor

    staff = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.STAFF))
    with pytest.raises(PermissionDenied):
        inventory.valuation(staff)


@pytest.mark.parametrize("attempts", [2, 6])
def test_concurrent_sales_of_the_last_unit_only_one_succeeds(db, shop, make_product, attempts):
    maggi = make_product("Maggi", stock=1, unit="packet")
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def sell() -> None:
        barrier.wait()
        try:
            sales.post_sale(shop, [LineIn(product_id=maggi.id, quantity=Decimal(1))])
            outcomes.append("sold")
        except InsufficientStock:
            outcomes.append("insufficient")

    threads = [threading.Thread(target=sell) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["insufficient"] * (attempts - 1) + ["sold"]
    assert inventory.stock_of(shop, maggi.id).on_hand == Decimal(0)
    with db.session(shop.tenant_id) as session:
        outs = session.scalar(select(func.count()).select_from(StockMovement)
                              .where(StockMovement.product_id == maggi.id,
                                     StockMovement.kind == MovementKind.STOCK_OUT))
    assert outs == 1


def test_returns_come_back_at_the_average_cost(shop, make_product):
    rice = make_product(stock=10, cost="40")
    sale = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=Decimal(4))])
    result = inventory.record_return(shop, rice.id, 1, sale_id=sale.sale_id, note="kharab")
    assert result.stock.on_hand == Decimal(7)
    assert inventory.movements(shop, rice.id)[0].kind == MovementKind.RETURN
    line = next(v for v in inventory.valuation(shop).lines if v.product_id == rice.id)
    assert (line.avg_cost, line.value) == (Decimal("40.0000"), Decimal("280.00"))


def test_received_stock_is_valued_at_the_cost_price_when_no_cost_is_given(shop, make_product):
    from erp_core.check import rebuild_stock

    product = make_product("Chawal", cost="42.50")
    inventory.receive_stock(shop, product.id, 10)
    with shop.read() as session:
        assert rebuild_stock(session)[product.id].avg_cost == Decimal("42.50")
