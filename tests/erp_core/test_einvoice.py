"""The e-invoice JSON in the IRP schema 1.1 shape, checked the way the portal checks it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import credit_notes, invoices, product_tax
from erp_core.decimal_json import dumps
from erp_core.einvoice import einvoice
from erp_core.errors import ValidationError
from erp_core.credit_notes import ReturnLineIn
from erp_core.invoices import InvoiceLineIn

D = Decimal


@pytest.fixture
def b2b(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV", address="12 MG Road, Camp, Pune 411001")
    rice = make_product("Basmati Rice", ctx=ctx, stock=100, price="52.00", hsn_code="10063020", gst_rate="5")
    soap = make_product("Soap", ctx=ctx, stock=100, price="38.50", hsn_code="340111", gst_rate="18", unit="pcs")
    product_tax.set_product_tax(ctx, soap.id, price_includes_tax=False)
    buyer = make_customer("Rao Stores", ctx=ctx, gstin="29AABCR1718E1ZL", address="4th Cross, Jayanagar, Bengaluru 560011")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=rice.id, quantity=D(7)),
                                            InvoiceLineIn(product_id=soap.id, quantity=D(3))],
                                      party_id=buyer.id, discount="10.00",
                                      at=datetime(2025, 9, 3, 6, tzinfo=timezone.utc))
    return ctx, invoice, rice, make_customer


def test_b2b_invoice_document(b2b):
    ctx, invoice, _, _ = b2b
    document = json.loads(dumps(einvoice(ctx, invoice.id)), parse_float=D)
    assert document["Version"] == "1.1"
    assert document["TranDtls"] == {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "EcmGstin": None,
                                    "IgstOnIntra": "N"}
    assert document["DocDtls"] == {"Typ": "INV", "No": "INV/25-26/0001", "Dt": "03/09/2025"}
    seller, buyer = document["SellerDtls"], document["BuyerDtls"]
    assert (seller["Gstin"], seller["Stcd"], seller["Pin"], seller["Loc"]) == ("27AAPFU0939F1ZV", "27", 411001, "Pune")
    assert (buyer["Gstin"], buyer["Pos"], buyer["Stcd"], buyer["Pin"]) == ("29AABCR1718E1ZL", "29", "29", 560011)
    rice, soap = document["ItemList"]
    assert (rice["HsnCd"], rice["Unit"], rice["IsServc"], rice["GstRt"]) == ("10063020", "KGS", "N", 5)
    assert (soap["UnitPrice"], soap["TotAmt"], soap["Unit"]) == (D("38.50"), D("115.50"), "PCS")
    for item in document["ItemList"]:
        assert item["AssAmt"] == item["TotAmt"] - item["Discount"]
        assert item["TotItemVal"] == item["AssAmt"] + item["IgstAmt"] + item["CgstAmt"] + item["SgstAmt"] + item["CesAmt"]
        assert item["CgstAmt"] == item["SgstAmt"] == 0 and item["IgstAmt"] > 0
    values = document["ValDtls"]
    assert values["AssVal"] == sum(item["AssAmt"] for item in document["ItemList"])
    assert values["IgstVal"] == sum(item["IgstAmt"] for item in document["ItemList"])
    assert values["TotInvVal"] == values["AssVal"] + values["IgstVal"] + values["RndOffAmt"]
    assert values["TotInvVal"] == invoice.total and values["TotInvVal"] % 1 == 0


def test_credit_note_refers_to_its_invoice(b2b):
    ctx, invoice, rice, _ = b2b
    note = credit_notes.credit_note(ctx, invoice.id, [ReturnLineIn(product_id=rice.id, quantity=D(2))], reason="wet bags",
                                at=datetime(2025, 9, 10, 6, tzinfo=timezone.utc))
    document = einvoice(ctx, note.id)
    assert document["DocDtls"] == {"Typ": "CRN", "No": note.number, "Dt": "10/09/2025"}
    assert document["RefDtls"]["PrecDocDtls"] == [{"InvNo": invoice.number, "InvDt": "03/09/2025"}]


def test_only_b2b_invoices_with_full_addresses(b2b):
    ctx, _, rice, make_customer = b2b
    walk_in = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=rice.id, quantity=D(1))], payment_mode="cash")
    with pytest.raises(ValidationError):
        einvoice(ctx, walk_in.id)
    no_pin = make_customer("No Pin Traders", ctx=ctx, gstin="24AANFA2641L1ZF", address="Ahmedabad")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=rice.id, quantity=D(1))], party_id=no_pin.id)
    with pytest.raises(ValidationError) as raised:
        einvoice(ctx, invoice.id)
    assert "PIN" in raised.value.params["reason"]
