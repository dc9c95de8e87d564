"""Photos of bills become entries: kept as a draft matched to the books, changed, booked once (a purchase with
its stock and payable, or an expense), the original kept with the entry."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erp_core import bill_photos, expenses, inventory, parties, purchase_reports
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.enums import PhotoState
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.models import BillPhoto, Expense, PurchaseBill
from erp_core.photos.reading import BillLine, BillReading, read_bill
from erp_core.tenants import actor_for

D = Decimal
PHOTOS = Path(__file__).resolve().parent.parent / "data" / "photos"
TRUTH = {truth["file"]: truth for truth in json.loads((PHOTOS / "truth.json").read_text(encoding="utf-8"))}


@pytest.fixture
def books(new_shop, make_product, tmp_path):
    ctx = new_shop(name="Sharma Kirana", gstin="27AAPFU0939F1ZV")
    moong = make_product("Moong Dal", ctx=ctx, cost="110", price="130", gst_rate="12")
    toor = make_product("Toor Dal", ctx=ctx, cost="130", price="150", gst_rate="12")
    return ctx, moong, toor, tmp_path / "documents"


def a_reading(**fields) -> BillReading:
    """Two lines, 5 % GST: 10 kg moong at 110 and 4 kg toor at 130 = 1,620.00 + 81.00 = 1,701.00."""
    reading = BillReading(kind="purchase", party="Gupta Wholesale Mart", gstin="06EGGPG7178W1Z9",
                          invoice_no="GT/77", total=D("1701.00"), tax_total=D("81.00"),
                          lines=[BillLine("Moong Dal", D(10), "kg", D(110), D("1100.00")),
                                 BillLine("Toor Dal", D(4), "kg", D(130), D("520.00"))])
    for name, value in fields.items():
        setattr(reading, name, value)
    return reading


def test_a_photographed_gst_bill_is_read_matched_and_booked_once_with_its_stock_and_payable(books):
    ctx, moong, toor, store = books
    photo = PHOTOS / "01-gst_invoice-scan.jpg"
    truth = TRUTH[photo.name]
    known = parties.add_party(ctx, kind="supplier", name="GWM Delhi", gstin=truth["gstin"])
    draft = bill_photos.keep(ctx, message_id="wamid.PHOTO1", photo=photo, reading=read_bill(photo, "IN"),
                             store=store)
    assert (draft.party_id, draft.party, draft.total) == (known.id, "GWM Delhi", D(str(truth["total"])))
    assert [(line.name, line.product_id) for line in draft.lines] == [
        ("Moong Dal", moong.id), ("Toor Dal", toor.id), ("Lux Soap", None)]   # a soap the shop never stocked
    booked = bill_photos.book(ctx, draft.id, idempotency_key="chat:c:tap-1:book")
    again = bill_photos.book(ctx, draft.id, idempotency_key="chat:c:tap-2:book")   # a second tap on Book it
    assert booked.state is PhotoState.BOOKED and (again.ref_type, again.ref_id) == ("purchase", booked.ref_id)
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(PurchaseBill)) == 1
        bill = session.get(PurchaseBill, booked.ref_id)
        assert (bill.bill_number, bill.total, bill.supplier_id) == ("GT/3377", D("8215.00"), known.id)
    assert inventory.stock_of(ctx, moong.id).on_hand == D(50)
    assert inventory.stock_of(ctx, toor.id).on_hand == D("2.5")
    owed = {row.supplier_id: row.owed for row in purchase_reports.payables(ctx)}
    assert owed[known.id] == D("8215.00")
    kept = bill_photos.photo_of(ctx, "purchase", booked.ref_id)
    assert kept.read_bytes() == photo.read_bytes() and kept.is_relative_to(store)
    assert check_tenant(ctx.db, ctx.tenant_id).problems == []


def test_the_same_photo_message_kept_twice_is_one_draft(books):
    ctx, _, _, store = books
    photo = PHOTOS / "25-fuel_receipt-scan.jpg"
    first = bill_photos.keep(ctx, message_id="wamid.X", photo=photo, reading=a_reading(), store=store)
    second = bill_photos.keep(ctx, message_id="wamid.X", photo=photo, reading=a_reading(total=D(1)), store=store)
    assert first == second and bill_photos.by_message(ctx, "wamid.X") == first
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(BillPhoto)) == 1


def test_an_unknown_supplier_and_products_are_created_when_the_draft_is_booked(books):
    ctx, moong, _, store = books
    reading = a_reading(lines=[BillLine("Moong Dal", D(10), "kg", D(110), D("1100.00")),
                               BillLine("Kaju 250g", D(4), "pcs", D(130), D("520.00"))])
    draft = bill_photos.keep(ctx, message_id="m1", photo=PHOTOS / "01-gst_invoice-scan.jpg", reading=reading,
                             store=store)
    assert draft.party_id is None and draft.lines[1].product_id is None
    booked = bill_photos.book(ctx, draft.id)
    supplier = parties.resolve_party(ctx, "Gupta Wholesale Mart")
    assert parties.party_details(ctx, supplier.id).gstin == "06EGGPG7178W1Z9"
    assert booked.party_id == supplier.id
    assert inventory.stock_of(ctx, moong.id).on_hand == D(10)
    assert bill_photos.latest_booked(ctx, supplier_id=supplier.id).id == draft.id
    assert check_tenant(ctx.db, ctx.tenant_id).problems == []


def test_a_bill_whose_total_does_not_agree_with_its_lines_is_refused_and_nothing_is_booked(books):
    ctx, moong, _, store = books
    draft = bill_photos.keep(ctx, message_id="m2", photo=PHOTOS / "01-gst_invoice-scan.jpg",
                             reading=a_reading(total=D("1901.00")), store=store)
    with pytest.raises(ValidationError, match="1901"):
        bill_photos.book(ctx, draft.id)
    assert bill_photos.get(ctx, draft.id).state is PhotoState.DRAFT
    assert inventory.stock_of(ctx, moong.id).on_hand == 0
    fixed = bill_photos.change(ctx, draft.id, "total", "1,701")
    assert fixed.total == D("1701.00")
    assert bill_photos.book(ctx, draft.id).state is PhotoState.BOOKED
    with pytest.raises(ValidationError, match="booked"):
        bill_photos.change(ctx, draft.id, "total", "5")


def test_changes_by_line_recompute_the_amount_and_rematch_the_product(books):
    ctx, moong, toor, store = books
    draft = bill_photos.keep(ctx, message_id="m3", photo=PHOTOS / "01-gst_invoice-scan.jpg", reading=a_reading(),
                             store=store)
    changed = bill_photos.change(ctx, draft.id, "line_quantity", "12", line=1)
    assert (changed.lines[0].quantity, changed.lines[0].amount) == (D(12), D("1320.00"))
    renamed = bill_photos.change(ctx, draft.id, "line_name", "moong", line=2)
    assert (renamed.lines[1].product_id, renamed.lines[1].product_name) == (moong.id, "Moong Dal")
    with pytest.raises(ValidationError):
        bill_photos.change(ctx, draft.id, "line_rate", "10", line=3)
    assert len(bill_photos.change(ctx, draft.id, "remove_line", "", line=2).lines) == 1
    assert bill_photos.cancel(ctx, draft.id).state is PhotoState.CANCELLED
    with pytest.raises(ValidationError, match="cancelled"):
        bill_photos.book(ctx, draft.id)
    assert inventory.stock_of(ctx, toor.id).on_hand == 0


def test_a_fuel_receipt_is_an_expense_in_its_category_and_a_second_photo_of_it_is_recognised(books):
    ctx, _, _, store = books
    photo = PHOTOS / "25-fuel_receipt-scan.jpg"
    draft = bill_photos.keep(ctx, message_id="m4", photo=photo, reading=read_bill(photo, "IN"), store=store)
    assert (draft.kind, draft.category, draft.total) == ("expense", "fuel", D("300.00"))
    booked = bill_photos.book(ctx, draft.id)
    with ctx.read() as session:
        expense = session.get(Expense, booked.ref_id)
        assert (expense.amount, expense.note) == (D("300.00"), "Indian Oil bill 21956 (photo)")
    assert expenses.expense_summary(ctx, expense.spent_on, expense.spent_on).total == D("300.00")
    resent = bill_photos.keep(ctx, message_id="m5", photo=photo, reading=read_bill(photo, "IN"), store=store)
    assert bill_photos.already_booked(ctx, resent.id).id == draft.id


def test_only_people_who_may_book_purchases_keep_a_purchase_photo(books, db):
    ctx, _, _, store = books
    customer = Context(db, ctx.tenant_id, actor_for(db, ctx.tenant_id, "919800000009"))   # a stranger: a customer
    with pytest.raises(PermissionDenied):
        bill_photos.keep(customer, message_id="m6", photo=PHOTOS / "01-gst_invoice-scan.jpg", reading=a_reading(),
                         store=store)
