"""Credit notes: goods come back into stock, the khata is credited, the invoice counts them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import credit_notes, invoice_views, invoices, ledger
from erp_core.credit_notes import ReturnLineIn
from erp_core.enums import EntryKind, InvoiceKind, InvoiceStatus, MovementKind
from erp_core.errors import ValidationError
from erp_core.inventory import movements, stock_of
from erp_core.invoices import InvoiceLineIn
from tests.erp_core.conftest import khata

D = Decimal


def test_credit_notes_return_stock_and_credit_the_khata(gst_shop, make_product, make_customer):
    soap = make_product("Soap", ctx=gst_shop, stock=10, price="38.50", gst_rate="18", unit="pcs")
    rice = make_product("Rice", ctx=gst_shop, stock=10, price="52.00", gst_rate="5")
    buyer = make_customer("Iyer", ctx=gst_shop)
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=soap.id, quantity=D(4)),
                                                 InvoiceLineIn(product_id=rice.id, quantity=D(2))],
                                      party_id=buyer.id)
    assert invoice.total == D("258.00")  # 154.00 + 104.00, tax included
    note = credit_notes.credit_note(gst_shop, invoice.id, [ReturnLineIn(product_id=soap.id, quantity=D(1))],
                                reason="damaged")
    assert (note.kind, note.original_number, note.status) == (InvoiceKind.CREDIT_NOTE, invoice.number,
                                                              InvoiceStatus.ISSUED)
    assert note.number.startswith("CN/")
    # 38.50 incl. 18%: CGST = SGST = 2.94, taxable 32.62; 38.50 -> 39, round-off +0.50
    assert (note.taxable_value, note.cgst, note.total) == (D("32.62"), D("2.94"), D("39.00"))
    assert stock_of(gst_shop, soap.id).on_hand == D(7)
    assert movements(gst_shop, soap.id)[0].kind == MovementKind.RETURN
    assert khata(gst_shop, buyer.id)[-1] == (EntryKind.CREDIT_NOTE, D("0.00"), D("39.00"))
    after = invoice_views.get_invoice(gst_shop, invoice.id)
    assert (after.credited, after.due, after.status) == (D("39.00"), D("219.00"), InvoiceStatus.PARTIALLY_PAID)
    with pytest.raises(ValidationError):
        credit_notes.credit_note(gst_shop, invoice.id, [ReturnLineIn(product_id=soap.id, quantity=D(4))],
                             reason="too many")
    rest = credit_notes.credit_note(gst_shop, invoice.id, reason="order cancelled")
    assert [(x.description, x.quantity) for x in rest.lines] == [("Soap", D("3.000")), ("Rice", D("2.000"))]
    assert stock_of(gst_shop, soap.id).on_hand == D(10) and stock_of(gst_shop, rice.id).on_hand == D(10)
    assert invoice_views.get_invoice(gst_shop, invoice.id).status == InvoiceStatus.PAID
    assert ledger.balance(gst_shop, buyer.id).balance == D("258.00") - D("39.00") - rest.total
