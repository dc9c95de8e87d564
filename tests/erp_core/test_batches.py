"""Batches and expiry: first-expiring first, a named batch, expired stock sold only on an override, write-offs
of expired goods, what expires soon, and `bot check` over batches; barcodes looked up exactly."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from erp_core import batches, catalog, inventory, parties, purchases, sales, stock_corrections
from erp_core.check import check_tenant
from erp_core.errors import ExpiredStock, InvalidChecksum, UnknownProduct, ValidationError
from erp_core.messages import render
from erp_core.models import StockBatch
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.sales import LineIn

D = Decimal
TODAY = datetime.now(ZoneInfo("Asia/Kolkata")).date()
"""The shop's date (its expiry checks use its own calendar)."""


def on_hand(ctx) -> dict[str, Decimal]:
    with ctx.read() as session:
        return {b.batch_no: b.on_hand for b in session.scalars(select(StockBatch).order_by(StockBatch.id))}


@pytest.fixture
def pharmacy(shop, make_product):
    """Dolo 650 received in three batches: one expired, one expiring in 20 days, one in 200 days, and 5 strips
    without a batch."""
    dolo = make_product("Dolo 650", unit="pcs", stock=5, cost="20", price="30")
    for batch, expiry, qty in (("OLD1", TODAY - timedelta(days=3), 4), ("B20", TODAY + timedelta(days=20), 10),
                               ("B200", TODAY + timedelta(days=200), 10)):
        inventory.receive_stock(shop, dolo.id, qty, "20", batch_no=batch, expiry_date=expiry)
    return shop, dolo


def sell(ctx, product, qty, **kw):
    batch = kw.pop("batch_no", None)
    return sales.post_sale(ctx, [LineIn(product_id=product.id, quantity=D(qty), batch_no=batch)], **kw)


def test_sales_take_the_first_expiring_batch_then_stock_without_a_batch(pharmacy):
    ctx, dolo = pharmacy
    sell(ctx, dolo, 12)      # 10 from B20, 2 from B200
    assert on_hand(ctx) == {"OLD1": 4, "B20": 0, "B200": 8}
    sell(ctx, dolo, 10)      # 8 from B200, then 2 of the 5 strips received without a batch
    assert on_hand(ctx) == {"OLD1": 4, "B20": 0, "B200": 0}
    assert inventory.stock_of(ctx, dolo.id).on_hand == 7   # 4 expired + 3 without a batch


def test_expired_stock_is_sold_only_on_an_override(pharmacy):
    ctx, dolo = pharmacy
    sell(ctx, dolo, 25)      # B20, B200 and the 5 without a batch: only the expired 4 are left
    with pytest.raises(ExpiredStock) as raised:
        sell(ctx, dolo, 1)
    assert "batch OLD1 ki expiry" in render(raised.value, "hinglish")
    with pytest.raises(ExpiredStock):
        sell(ctx, dolo, 1, batch_no="old1")
    assert inventory.stock_of(ctx, dolo.id).on_hand == 4   # nothing was written
    sell(ctx, dolo, 1, allow_expired=True)
    assert on_hand(ctx)["OLD1"] == 3


def test_a_named_batch_and_its_limits(pharmacy):
    ctx, dolo = pharmacy
    sell(ctx, dolo, 3, batch_no="B200")
    assert on_hand(ctx) == {"OLD1": 4, "B20": 10, "B200": 7}
    with pytest.raises(ValidationError, match="batch B20 of Dolo 650 has 10, not 11"):
        sell(ctx, dolo, 11, batch_no="B20")
    with pytest.raises(ValidationError, match="expires on"):
        inventory.receive_stock(ctx, dolo.id, 1, "20", batch_no="B20", expiry_date=TODAY + timedelta(days=21))


def test_a_write_off_for_expiry_takes_the_expired_batch_and_others_never_need_an_override(pharmacy):
    ctx, dolo = pharmacy
    stock_corrections.write_off(ctx, dolo.id, 4, "expired")
    assert on_hand(ctx)["OLD1"] == 0 and on_hand(ctx)["B20"] == 10
    stock_corrections.write_off(ctx, dolo.id, 2, "damaged")
    assert on_hand(ctx)["B20"] == 8


def test_expiring_soon_by_30_60_and_90_days(pharmacy):
    ctx, dolo = pharmacy
    soon = batches.expiring(ctx, 30)
    assert [(b.batch_no, b.days_left, b.on_hand) for b in soon] == [("OLD1", -3, 4), ("B20", 20, 10)]
    assert [b.batch_no for b in batches.expiring(ctx, 90)] == ["OLD1", "B20"]
    with pytest.raises(ValidationError):
        batches.expiring(ctx, 45)


def test_bills_and_debit_notes_move_their_batches_and_the_books_stay_clean(db, shop, make_product):
    medicine = make_product("Crocin", unit="pcs", cost="15", price="25", hsn_code="30049099", gst_rate="12")
    supplier = parties.add_party(shop, kind="supplier", name="Medplus Agencies")
    bill = purchases.record_purchase(shop, supplier.id, [
        PurchaseLineIn(product_id=medicine.id, quantity=D(20), unit_price=D(15), batch_no="cr-9",
                       expiry_date=TODAY + timedelta(days=45))], bill_number="MP-1")
    assert on_hand(shop) == {"CR-9": 20}
    sell(shop, medicine, 5)
    purchases.purchase_return(shop, bill.id, [ReturnedLineIn(product_id=medicine.id, quantity=D(5))])
    assert on_hand(shop) == {"CR-9": 10}
    assert check_tenant(db, shop.tenant_id).problems == []
    with shop.db.session(shop.tenant_id) as session:   # a cache that drifted is found and repaired
        session.scalar(select(StockBatch)).on_hand = D(99)
        session.commit()
    assert any("CR-9" in p for p in check_tenant(db, shop.tenant_id, repair=True).problems)
    assert check_tenant(db, shop.tenant_id).problems == []


def test_a_barcode_finds_its_product_exactly(shop, make_product):
    maggi = make_product("Maggi", unit="packet")
    atta = make_product("Atta")
    catalog.update_product(shop, maggi.id, barcode="8901058 851298")
    assert catalog.find_by_barcode(shop, "8901058851298").id == maggi.id
    with pytest.raises(UnknownProduct):
        catalog.find_by_barcode(shop, "890105885129")
    with pytest.raises(InvalidChecksum):
        catalog.update_product(shop, atta.id, barcode="8901058851299")
    with pytest.raises(ValidationError, match="already on another product"):
        catalog.update_product(shop, atta.id, barcode="8901058851298")
    assert catalog.product_details(shop, maggi.id).barcode == "8901058851298"
