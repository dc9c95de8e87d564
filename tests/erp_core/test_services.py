"""Services (SAC codes, chapter 99) are sold and billed but never touch the stock ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import credit_notes, inventory, invoice_settings, invoices, sales, stock_corrections
from erp_core.credit_notes import ReturnLineIn
from erp_core.errors import ValidationError
from erp_core.invoices import InvoiceLineIn
from erp_core.models import StockMovement
from erp_core.sales import LineIn

D = Decimal


def movement_count(ctx) -> int:
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(StockMovement))


@pytest.fixture
def gst_shop(new_shop, make_product):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    repair = make_product("Fridge repair", ctx=ctx, price="500.00", hsn_code="998713", gst_rate="18", unit="pcs")
    rice = make_product("Basmati Rice", ctx=ctx, stock=10, price="52.00", hsn_code="10063020", gst_rate="5")
    return ctx, repair, rice


def test_a_service_is_invoiced_with_no_stock_and_moves_nothing(gst_shop):
    ctx, repair, rice = gst_shop
    before = movement_count(ctx)
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=repair.id, quantity=D(1)),
                                            InvoiceLineIn(product_id=rice.id, quantity=D(2))], payment_mode="cash")
    assert invoice.taxable_value == D("604.00")
    assert movement_count(ctx) == before + 1  # the rice only
    assert inventory.stock_of(ctx, repair.id).on_hand == 0
    assert inventory.stock_of(ctx, rice.id).on_hand == 8


def test_a_counter_bill_and_a_credit_note_for_a_service_move_nothing(gst_shop):
    ctx, repair, _ = gst_shop
    before = movement_count(ctx)
    sales.post_sale(ctx, [LineIn(product_id=repair.id, quantity=D(2))], payment_mode="cash")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=repair.id, quantity=D(1))], payment_mode="cash")
    credit_notes.credit_note(ctx, invoice.id, [ReturnLineIn(product_id=repair.id, quantity=D(1))], reason="not done")
    assert movement_count(ctx) == before
    assert inventory.stock_of(ctx, repair.id).on_hand == 0


def test_receiving_counting_or_writing_off_a_service_is_refused(gst_shop):
    ctx, repair, _ = gst_shop
    with pytest.raises(ValidationError, match="Fridge repair is a service"):
        inventory.receive_stock(ctx, repair.id, 5, "100")
    with pytest.raises(ValidationError, match="is a service"):
        stock_corrections.count_stock(ctx, repair.id, 3)
    with pytest.raises(ValidationError, match="is a service"):
        stock_corrections.write_off(ctx, repair.id, 1, "damaged")
    assert movement_count(ctx) == 1  # the rice's opening stock


def test_a_service_is_never_low_on_stock(gst_shop, make_product):
    ctx, repair, _ = gst_shop
    make_product("Atta", ctx=ctx, reorder_point=5)
    assert [level.name for level in inventory.low_stock(ctx)] == ["Atta"]
