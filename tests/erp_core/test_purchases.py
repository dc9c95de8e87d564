"""The buying side: supplier bills (stock in at landed cost, the supplier's khata, input tax credit), debit notes
that reverse all of it, payments to suppliers and what the shop owes, worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, invoice_settings, ledger, parties, purchase_reports, purchases, sales
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.enums import EntryKind, PurchaseKind
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.gst import Supply, TaxAmounts
from erp_core.models import PurchaseBill, StockMovement
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal
AUG = datetime(2025, 8, 14, 6, tzinfo=timezone.utc)
BALAJI_GSTIN = "27AABCS9876M1ZG"   # Maharashtra, like the shop
RAO_GSTIN = "29AABCR1718E1ZL"      # Karnataka
EXPIRY = date.today() + timedelta(days=365)


def supplier(ctx, name, **fields):
    return parties.add_party(ctx, kind="supplier", name=name, **fields)


@pytest.fixture
def books(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    rice = make_product("Basmati Rice", ctx=ctx, cost="40", price="52.00", hsn_code="10063020", gst_rate="5")
    soap = make_product("Soap", ctx=ctx, cost="30", price="38.50", hsn_code="3401", gst_rate="18", unit="pcs")
    balaji = supplier(ctx, "Balaji Traders", gstin=BALAJI_GSTIN)
    return ctx, rice, soap, balaji


def bill(ctx, supplier, rice, soap, number="BT/1043", **kw):
    """50 kg rice at 44.00 (5 %) and 24 soaps at 30.00 (18 %), before tax."""
    return purchases.record_purchase(ctx, supplier.id, [
        PurchaseLineIn(product_id=rice.id, quantity=D(50), unit_price=D("44.00"), batch_no="R-25",
                       expiry_date=EXPIRY),
        PurchaseLineIn(product_id=soap.id, quantity=D(24), unit_price=D("30.00"))],
        bill_number=number, bill_date=date(2025, 8, 12), at=AUG, **kw)


def test_a_bill_from_a_registered_supplier_brings_stock_in_at_cost_and_credits_the_supplier(books):
    ctx, rice, soap, balaji = books
    booked = bill(ctx, balaji, rice, soap, bill_total="3160")
    # rice 2,200.00 + CGST 55.00 + SGST 55.00; soap 720.00 + CGST 64.80 + SGST 64.80 = 3,159.60 -> 3,160
    assert (booked.supply, booked.itc_eligible) == (Supply.INTRA_STATE, True)
    assert (booked.taxable_value, booked.cgst, booked.sgst, booked.igst) == (D("2920.00"), D("119.80"),
                                                                           D("119.80"), 0)
    assert (booked.total, booked.round_off, booked.owed, booked.paid) == (D("3160.00"), D("0.40"), D("3160.00"), 0)
    assert [(line.unit_cost, line.batch_no, line.expiry_date) for line in booked.lines] == [
        (D("44.0000"), "R-25", EXPIRY), (D("30.0000"), None, None)]
    assert inventory.stock_of(ctx, rice.id).on_hand == 50 and inventory.stock_of(ctx, soap.id).on_hand == 24
    assert [(e.kind, e.credit) for e in ledger.statement(ctx, balaji.id)] == [(EntryKind.PURCHASE, D("3160.00"))]
    assert purchase_reports.input_tax_credit(ctx, date(2025, 8, 1), date(2025, 8, 31)).cgst == D("119.80")


def test_a_bill_that_does_not_add_up_or_is_booked_twice_is_refused_and_writes_nothing(books):
    ctx, rice, soap, balaji = books
    with pytest.raises(ValidationError, match="the bill says ₹3500.00, its lines add up to ₹3160.00"):
        bill(ctx, balaji, rice, soap, bill_total="3500")
    bill(ctx, balaji, rice, soap)
    with pytest.raises(ValidationError, match="bill BT/1043 of Balaji Traders is already booked"):
        bill(ctx, balaji, rice, soap, number="bt/1043")
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(PurchaseBill)) == 1
    assert inventory.stock_of(ctx, rice.id).on_hand == 50


def test_paid_in_part_now_and_the_rest_later(books):
    ctx, rice, soap, balaji = books
    booked = bill(ctx, balaji, rice, soap, payment_mode="cash", paid="1000")
    assert (booked.paid, booked.owed) == (D("1000.00"), D("2160.00"))
    result = purchases.pay_supplier(ctx, balaji.id, "2160", "upi", reference="UTR 5521")
    assert result.owed == 0
    assert [e.kind for e in ledger.statement(ctx, balaji.id)] == [
        EntryKind.PURCHASE, EntryKind.SUPPLIER_PAYMENT, EntryKind.SUPPLIER_PAYMENT]
    with pytest.raises(ValidationError):
        purchases.pay_supplier(ctx, balaji.id, "500", "credit")


def test_tax_is_cost_for_an_unregistered_supplier_or_a_composition_shop(books, make_customer):
    ctx, rice, soap, balaji = books
    local = supplier(ctx, "Mandi Wala")
    booked = purchases.record_purchase(ctx, local.id, [PurchaseLineIn(product_id=rice.id, quantity=D(10),
                                                                       unit_price=D("42.00"))], bill_number="M1")
    assert (booked.supply, booked.itc_eligible, booked.total, booked.lines[0].unit_cost) == (
        Supply.NO_TAX, False, D("420.00"), D("42.0000"))
    invoice_settings.configure_invoicing(ctx, gst_composition=True)
    taxed = bill(ctx, balaji, rice, soap, number="BT/1050")
    assert taxed.itc_eligible is False
    assert [line.unit_cost for line in taxed.lines] == [D("46.2000"), D("35.4000")]  # 44 + 5 %, 30 + 18 %
    assert purchase_reports.input_tax_credit(ctx, date(2025, 8, 1), date(2025, 8, 31)) == TaxAmounts()


def test_an_inter_state_bill_is_igst_and_a_customer_is_not_a_supplier(books, make_customer):
    ctx, rice, soap, balaji = books
    rao = supplier(ctx, "Rao Wholesale", gstin=RAO_GSTIN)
    booked = purchases.record_purchase(ctx, rao.id, [PurchaseLineIn(product_id=soap.id, quantity=D(10),
                                                                     unit_price=D("30.00"))], bill_number="RW-9")
    assert (booked.supply, booked.igst, booked.cgst, booked.total) == (Supply.INTER_STATE, D("54.00"), 0, D("354.00"))
    customer = make_customer("Sharma ji", ctx=ctx)
    with pytest.raises(ValidationError, match="Sharma ji is a customer, not a supplier"):
        purchases.record_purchase(ctx, customer.id, [PurchaseLineIn(product_id=soap.id, quantity=D(1))],
                                  bill_number="X1")


def test_a_debit_note_reverses_stock_khata_and_input_credit(books):
    ctx, rice, soap, balaji = books
    booked = bill(ctx, balaji, rice, soap)
    note = purchases.purchase_return(ctx, booked.id, [ReturnedLineIn(product_id=rice.id, quantity=D(10))],
                                     reason="wet bags", at=AUG)
    # 10 kg at 44.00 = 440.00 + CGST 11.00 + SGST 11.00 = 462.00
    assert (note.kind, note.bill_number, note.original_id) == (PurchaseKind.DEBIT_NOTE, "DN-1", booked.id)
    assert (note.taxable_value, note.cgst, note.total, note.owed) == (D("440.00"), D("11.00"), D("462.00"),
                                                                     D("2698.00"))
    assert inventory.stock_of(ctx, rice.id).on_hand == 40
    itc = purchase_reports.input_tax_credit(ctx, date(2025, 8, 1), date(2025, 8, 31))
    assert (itc.cgst, itc.sgst) == (D("108.80"), D("108.80"))
    with pytest.raises(ValidationError, match="more goes back than bill BT/1043 brought in"):
        purchases.purchase_return(ctx, booked.id, [ReturnedLineIn(product_id=rice.id, quantity=D(41))])
    assert inventory.stock_of(ctx, rice.id).on_hand == 40


def test_payables_are_aged_by_the_oldest_unpaid_bill(books, make_customer):
    ctx, rice, soap, balaji = books
    purchases.record_purchase(ctx, balaji.id, [PurchaseLineIn(product_id=rice.id, quantity=D(10),
                                                              unit_price=D("40.00"))],
                              bill_number="OLD-1", at=datetime(2025, 6, 1, 6, tzinfo=timezone.utc))   # 420.00
    purchases.record_purchase(ctx, balaji.id, [PurchaseLineIn(product_id=rice.id, quantity=D(20),
                                                              unit_price=D("40.00"))],
                              bill_number="NEW-1", at=datetime(2025, 8, 10, 6, tzinfo=timezone.utc))  # 840.00
    purchases.pay_supplier(ctx, balaji.id, "300", at=datetime(2025, 8, 12, 6, tzinfo=timezone.utc))
    [row] = purchase_reports.payables(ctx, as_of=date(2025, 8, 20))
    assert (row.name, row.owed, row.days_0_30, row.days_61_90, row.days_over_90) == (
        "Balaji Traders", D("960.00"), D("840.00"), D("120.00"), 0)  # June's 420 less the 300 paid: 80 days old


def test_staff_book_bills_but_cannot_pay_suppliers_or_see_payables_and_gst(db, books):
    ctx, rice, soap, balaji = books
    add_user(ctx, wa_id="919800000001", role="staff")
    staff = Context(db, ctx.tenant_id, actor_for(db, ctx.tenant_id, "919800000001"))
    bill(staff, balaji, rice, soap)
    for call in (lambda: purchases.pay_supplier(staff, balaji.id, "100"), lambda: purchase_reports.payables(staff),
                 lambda: purchase_reports.input_tax_credit(staff, date(2025, 8, 1), date(2025, 8, 31))):
        with pytest.raises(PermissionDenied):
            call()


def test_purchase_sale_return_and_payment_leave_the_books_clean(db, books, make_customer):
    ctx, rice, soap, balaji = books
    booked = bill(ctx, balaji, rice, soap)
    buyer = make_customer("Gupta ji", ctx=ctx)
    sales.post_sale(ctx, [LineIn(product_id=rice.id, quantity=D(5))], party_id=buyer.id, payment_mode="credit")
    purchases.purchase_return(ctx, booked.id, [ReturnedLineIn(product_id=soap.id, quantity=D(4))])
    purchases.pay_supplier(ctx, balaji.id, "1000", "bank")
    report = check_tenant(db, ctx.tenant_id)
    assert report.problems == []
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(StockMovement).where(
            StockMovement.ref_type.in_(["purchase", "debit_note"]))) == 3
