"""An invoice's settlement (paid, credited, status) is derived from its payments, credit notes and bill."""

from __future__ import annotations

from decimal import Decimal

from erp_core import credit_notes, invoice_payments, invoice_views, invoices, sales
from erp_core.check import check_tenant
from erp_core.credit_notes import ReturnLineIn
from erp_core.enums import InvoiceKind, InvoiceStatus
from erp_core.invoice_settlement import Settlement, rebuild_settlements, status_of
from erp_core.invoices import InvoiceLineIn
from erp_core.sales import LineIn

D = Decimal


def test_status_follows_from_total_paid_and_credited():
    assert status_of(InvoiceKind.TAX_INVOICE, D(100), D(0), D(0)) is InvoiceStatus.UNPAID
    assert status_of(InvoiceKind.TAX_INVOICE, D(100), D(40), D(0)) is InvoiceStatus.PARTIALLY_PAID
    assert status_of(InvoiceKind.TAX_INVOICE, D(100), D(60), D(40)) is InvoiceStatus.PAID
    assert status_of(InvoiceKind.CREDIT_NOTE, D(100), D(0), D(0)) is InvoiceStatus.ISSUED


def test_every_way_of_settling_is_rebuilt_from_the_facts(db, shop, make_product, make_customer):
    rice = make_product(stock=50)
    sharma = make_customer()
    line = [InvoiceLineIn(product_id=rice.id, quantity=D(2))]
    on_credit = invoices.create_invoice(shop, line, party_id=sharma.id)
    invoice_payments.record_invoice_payment(shop, on_credit.id, "30", "upi", reference="UPI 1")
    credit_notes.credit_note(shop, on_credit.id, [ReturnLineIn(product_id=rice.id, quantity=D(1))], reason="wet")
    cash = invoices.create_invoice(shop, line, payment_mode="cash")
    lump = invoices.invoice_for_amount(shop, "75", party_id=sharma.id)
    cash_bill = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))])
    part_bill = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], party_id=sharma.id, paid="100")
    for_cash_bill = invoices.invoice_for_sale(shop, cash_bill.sale_id)
    for_part_bill = invoices.invoice_for_sale(shop, part_bill.sale_id)
    with db.session(shop.tenant_id) as session:
        derived = rebuild_settlements(session)
    for invoice in (on_credit, cash, lump, for_cash_bill, for_part_bill):
        view = invoice_views.get_invoice(shop, invoice.id)
        assert derived[invoice.id] == Settlement(view.paid, view.credited, view.status), view.number
    assert derived[on_credit.id] == Settlement(D("30.00"), D("50.00"), InvoiceStatus.PARTIALLY_PAID)
    assert derived[cash.id] == Settlement(D("100.00"), D("0.00"), InvoiceStatus.PAID)
    assert derived[lump.id] == Settlement(D("0.00"), D("0.00"), InvoiceStatus.UNPAID)
    assert derived[for_cash_bill.id] == Settlement(D("50.00"), D("0.00"), InvoiceStatus.PAID)
    assert derived[for_part_bill.id] == Settlement(D("100.00"), D("0.00"), InvoiceStatus.PARTIALLY_PAID)
    assert check_tenant(db, shop.tenant_id).problems == []
