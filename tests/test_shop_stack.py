"""The conversation tests' shops: a copy of the demo shop under another business number is the demo shop."""

from __future__ import annotations

from erp_core import inventory, ledger, orders, sales
from erp_core.context import Context
from erp_core.db import Database
from erp_core.demo import seed_demo
from erp_core.permissions import Actor
from tests.shop_stack import seed_demo_copy


def _books(ctx: Context) -> dict:
    """The demo shop's figures, without ids (a copy has ids of its own) or times (taken from the clock)."""
    return {
        "stock": [(s.sku, s.name, s.on_hand, s.reserved, s.reorder_point) for s in inventory.stock_levels(ctx, limit=1000)],
        "dues": [(b.name, b.balance, b.credit_limit) for b in ledger.dues(ctx)],
        "sales": [(s.number, [(x.name, x.quantity, x.line_total) for x in s.lines], s.total, s.paid)
                  for s in sales.list_sales(ctx, limit=1000)],
        "orders": [(o.number, o.status, o.total) for o in orders.list_orders(ctx, limit=1000)],
    }


def test_a_copy_of_the_demo_shop_has_the_demo_shops_books(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'erp.db'}")
    db.migrate()
    try:
        demo, copy = seed_demo(db), seed_demo_copy(db, "100000000000999")
        assert copy.phone_number_id == "100000000000999" and copy.name == demo.name
        assert _books(Context(db, copy.id, Actor.system())) == _books(Context(db, demo.id, Actor.system()))
    finally:
        db.dispose()
