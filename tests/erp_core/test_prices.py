"""Price changes are kept (who, when, old, new); a bill keeps the price in force when it was made."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import catalog, invoices, prices, sales, undo
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.errors import PermissionDenied, UnknownProduct, ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.models import PriceChange
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal


def changes(ctx: Context) -> int:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(PriceChange))


def test_a_price_change_is_kept_with_who_when_old_and_new(db, shop, make_product):
    maggi = make_product("Maggi", stock=20, price="12", mrp="15", unit="packet")
    add_user(shop, wa_id="919811111111", role="manager", name="Raju")
    manager = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919811111111"))
    before = datetime.now(timezone.utc)
    change = prices.update_price(manager, maggi.id, selling_price="14")
    assert (change.old_selling_price, change.new_selling_price, change.old_mrp, change.new_mrp) == (
        D(12), D(14), D(15), D(15))
    assert change.changed_by == manager.actor.user_id and change.changed_at >= before
    mrp = prices.update_price(shop, maggi.id, mrp="16")
    assert [c.id for c in prices.price_history(shop, maggi.id)] == [mrp.id, change.id]
    assert catalog.product_details(shop, maggi.id).selling_price == D(14)
    then = prices.price_in_force(shop, maggi.id, before - timedelta(seconds=1))
    assert (then.selling_price, then.mrp) == (D(12), D(15))
    now = prices.price_in_force(shop, maggi.id, datetime.now(timezone.utc))
    assert (now.selling_price, now.mrp) == (D(14), D(16))


def test_a_bill_keeps_the_price_it_was_made_at(shop, make_product):
    maggi = make_product("Maggi", stock=20, price="12", unit="packet")
    bill = sales.post_sale(shop, [LineIn(product_id=maggi.id, quantity=D(2))])
    prices.update_price(shop, maggi.id, selling_price="14")
    assert sales.sale_details(shop, bill.sale_id).lines[0].unit_price == D(12)
    # A bill made offline an hour ago and booked now is priced as it was then; one made now at today's price.
    offline = sales.post_sale(shop, [LineIn(product_id=maggi.id, quantity=D(1))],
                              at=datetime.now(timezone.utc) - timedelta(hours=1))
    assert offline.lines[0].unit_price == D(12)
    assert sales.post_sale(shop, [LineIn(product_id=maggi.id, quantity=D(1))]).lines[0].unit_price == D(14)


def test_an_invoice_made_earlier_is_priced_as_it_was_then(gst_shop, make_product):
    soap = make_product("Soap", ctx=gst_shop, stock=10, price="40", gst_rate="18", unit="pcs")
    prices.update_price(gst_shop, soap.id, selling_price="45")
    earlier = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=soap.id, quantity=D(1))],
                                      at=datetime.now(timezone.utc) - timedelta(days=1))
    assert earlier.lines[0].unit_price == D(40)


def test_bad_or_unpermitted_price_changes_write_nothing(shop, make_product):
    maggi = make_product("Maggi", price="12", mrp="15", unit="packet")
    for ctx, kwargs, error in (
        (Context(shop.db, shop.tenant_id, Actor(None, Role.STAFF)), {"selling_price": "13"}, PermissionDenied),
        (Context(shop.db, shop.tenant_id, Actor(None, Role.CUSTOMER)), {"selling_price": "13"}, PermissionDenied),
        (shop, {"selling_price": "16"}, ValidationError),  # above the MRP
        (shop, {"selling_price": "12"}, ValidationError),  # nothing changes
        (shop, {"selling_price": "0"}, ValidationError),
        (shop, {"selling_price": 13.5}, ValidationError),
        (shop, {}, ValidationError),
    ):
        with pytest.raises(error):
            prices.update_price(ctx, maggi.id, **kwargs)
    with pytest.raises(UnknownProduct):
        prices.update_price(shop, 999_999, selling_price="13")
    assert changes(shop) == 0 and catalog.product_details(shop, maggi.id).selling_price == D(12)


def test_update_product_prices_join_the_history_and_undo_puts_a_price_back(shop, make_product):
    atta = make_product("Atta", price="45")
    catalog.update_product(shop, atta.id, selling_price="48", name="Aashirvaad Atta")
    catalog.update_product(shop, atta.id, reorder_point="5")
    assert [(c.old_selling_price, c.new_selling_price) for c in prices.price_history(shop, atta.id)] == [
        (D(45), D(48))]
    prices.update_price(shop, atta.id, selling_price="50", idempotency_key="p-1")
    assert prices.update_price(shop, atta.id, selling_price="50", idempotency_key="p-1").new_selling_price == D(50)
    assert changes(shop) == 2
    assert undo.undo_last(shop).undone == "product.price"
    assert catalog.product_details(shop, atta.id).selling_price == D(48) and changes(shop) == 3
