"""E-invoices against golden files worked out by hand (tests/erp_core/golden/einvoice_*.json), every document
checked against the IRP schema's rules, and the documents the IRP would refuse refused with a clear message."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from erp_core import credit_notes, invoice_settings, invoices, irp_schema, product_tax
from erp_core.credit_notes import ReturnLineIn
from erp_core.decimal_json import dumps
from erp_core.einvoice import einvoice
from erp_core.errors import ValidationError
from erp_core.invoices import InvoiceLineIn

D = Decimal
GOLDEN = Path(__file__).parent / "golden"
SEPT_3 = datetime(2025, 9, 3, 6, tzinfo=timezone.utc)


def golden(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"), parse_float=D)


def as_filed(document: dict) -> dict:
    """The document as the JSON a GSP would send."""
    return json.loads(dumps(document), parse_float=D)


@pytest.fixture
def shop(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV", address="12 MG Road, Camp, Pune 411001")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False, e_invoicing=True)
    products = {
        "rice": make_product("Basmati Rice", ctx=ctx, stock=100, price="52.00", hsn_code="10063020", gst_rate="5"),
        "soap": make_product("Soap", ctx=ctx, stock=100, price="38.50", hsn_code="340111", gst_rate="18", unit="pcs"),
        "pepsi": make_product("Pepsi 2L", ctx=ctx, stock=50, price="80.00", hsn_code="22021010", gst_rate="28",
                              unit="pcs"),
        "repair": make_product("Fridge repair", ctx=ctx, price="500.00", hsn_code="998713", gst_rate="18", unit="pcs"),
    }
    product_tax.set_product_tax(ctx, products["pepsi"].id, cess_rate="12")
    buyers = {
        "patil": make_customer("Patil Kirana", ctx=ctx, gstin="27AAGCP4321K1ZC",
                               address="Shop 4, Market Yard, Pune 411037"),
        "rao": make_customer("Rao Stores", ctx=ctx, gstin="29AABCR1718E1ZL",
                             address="4th Cross, Jayanagar, Bengaluru 560011"),
    }

    def invoice(buyer: str, lines: list[tuple[str, str]]):
        return invoices.create_invoice(ctx, [InvoiceLineIn(product_id=products[p].id, quantity=D(q)) for p, q in lines],
                                       party_id=buyers[buyer].id, at=SEPT_3)

    return ctx, products, buyers, invoice


def test_five_e_invoices_match_their_golden_files_and_the_schema(shop):
    ctx, products, _, invoice = shop
    intra = invoice("patil", [("rice", "10"), ("soap", "4")])
    inter = invoice("rao", [("rice", "10"), ("soap", "4")])
    cess = invoice("patil", [("pepsi", "6"), ("rice", "2")])
    service = invoice("patil", [("repair", "1")])
    note = credit_notes.credit_note(ctx, inter.id, [ReturnLineIn(product_id=products["rice"].id, quantity=D(2))],
                                    reason="wet bags", at=datetime(2025, 9, 10, 6, tzinfo=timezone.utc))
    for document_id, name in ((intra.id, "einvoice_intra_state_b2b"), (inter.id, "einvoice_inter_state_b2b"),
                              (cess.id, "einvoice_mixed_rates_cess"), (service.id, "einvoice_service_line"),
                              (note.id, "einvoice_credit_note")):
        document = as_filed(einvoice(ctx, document_id))
        assert document == golden(name), name
        assert irp_schema.problems(document) == [], name


def test_the_validator_finds_what_the_irp_refuses():
    document = golden("einvoice_credit_note")
    assert irp_schema.problems(document) == []
    document["DocDtls"]["No"] = "cn/25-26/1"
    document["BuyerDtls"]["LglNm"] = "Om"
    document["ItemList"][0]["HsnCd"] = "1006"
    document["ItemList"][0]["PrdDesc"] = 'Rice "Basmati"'
    document["ItemList"][0]["TotItemVal"] = D("120.00")
    document["RefDtls"]["InvRm"] = "wet bags"
    del document["SellerDtls"]["Pin"]
    found = "\n".join(irp_schema.problems(document))
    for path in ("DocDtls.No", "BuyerDtls.LglNm", "ItemList[0].HsnCd", "ItemList[0].PrdDesc",
                 "ItemList[0].TotItemVal", "RefDtls.InvRm", "SellerDtls.Pin: is required"):
        assert path in found, path


@pytest.mark.parametrize("reason, remark", [("wet bags", "wet-bags"), ("गीले बोरे", None),
                                            ("damaged / torn, 2 bags", "damaged-/-torn-2-bags")])
def test_a_credit_note_reason_becomes_a_remark_the_irp_takes(shop, reason, remark):
    ctx, products, _, invoice = shop
    sold = invoice("rao", [("rice", "3")])
    note = credit_notes.credit_note(ctx, sold.id, [ReturnLineIn(product_id=products["rice"].id, quantity=D(1))],
                                    reason=reason, at=SEPT_3)
    document = einvoice(ctx, note.id)
    assert document["RefDtls"]["InvRm"] == remark
    assert irp_schema.problems(as_filed(document)) == []


def test_documents_the_irp_would_refuse_are_refused_with_what_to_fix(shop, make_product, make_customer):
    ctx, products, buyers, invoice = shop
    atta = make_product("Atta", ctx=ctx, stock=10, price="40.00", hsn_code="1101", gst_rate="5")
    quoted = make_product('Oil 1L "Gold"', ctx=ctx, stock=10, price="150.00", hsn_code="15079010", gst_rate="5")
    om = make_customer("Om", ctx=ctx, gstin="27AABCS9876M1ZG", address="Station Road, Pune 411001")
    for product, party, expected in ((atta, buyers["patil"], "HsnCd: '1101' must have 6 or 8 digits"),
                                     (quoted, buyers["patil"], 'PrdDesc: may not contain "'),
                                     (products["rice"], om, "BuyerDtls.LglNm: 'Om' must have 3 to 100 characters")):
        sold = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=product.id, quantity=D(1))],
                                       party_id=party.id, at=SEPT_3)
        with pytest.raises(ValidationError, match="the IRP would refuse this e-invoice") as raised:
            einvoice(ctx, sold.id)
        assert expected in raised.value.params["reason"]
