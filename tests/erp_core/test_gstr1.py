"""GSTR-1 for one month of a Maharashtra shop, worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import credit_notes, invoice_settings, invoices
from erp_core.decimal_json import dumps
from erp_core.errors import ValidationError
from erp_core.gstr1 import gstr1, gstr1_csv
from erp_core.credit_notes import ReturnLineIn
from erp_core.invoices import InvoiceLineIn

D = Decimal
AUG = datetime(2025, 8, 14, 6, tzinfo=timezone.utc)


@pytest.fixture
def august(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    rice = make_product("Basmati Rice", ctx=ctx, stock=100, price="52.00", hsn_code="10063020", gst_rate="5")
    soap = make_product("Soap", ctx=ctx, stock=100, price="38.50", hsn_code="3401", gst_rate="18", unit="pcs")
    fridge = make_product("Fridge", ctx=ctx, stock=5, price="120000.00", hsn_code="8418", gst_rate="18", unit="pcs")
    rao = make_customer("Rao Stores", ctx=ctx, gstin="29AABCR1718E1ZL")
    delhi = make_customer("Delhi Caterers", ctx=ctx, state="Delhi")

    def sell(lines, **kw):
        return invoices.create_invoice(ctx, [InvoiceLineIn(product_id=p.id, quantity=D(q)) for p, q in lines],
                                       at=kw.pop("at", AUG), **kw)

    b2b = sell([(rice, 5), (soap, 3)], party_id=rao.id)                       # 260 @5 + 115.50 @18, IGST
    big = sell([(fridge, 1)], party_id=delhi.id)                              # 1,41,600 inter-state B2C
    counter = sell([(rice, 2)], payment_mode="cash")                          # 104 @5, CGST + SGST
    sell([(soap, 1)], party_id=delhi.id)                                      # 38.50 @18 inter-state, small
    credit_notes.credit_note(ctx, counter.id, [ReturnLineIn(product_id=rice.id, quantity=D(1))], reason="torn",
                         at=AUG)
    credit_notes.credit_note(ctx, b2b.id, [ReturnLineIn(product_id=soap.id, quantity=D(1))], reason="damaged", at=AUG)
    sell([(rice, 1)], party_id=rao.id, at=datetime(2025, 9, 1, 6, tzinfo=timezone.utc))  # September
    return ctx, b2b, big


def test_gstr1_json(august):
    ctx, b2b, big = august
    report = json.loads(dumps(gstr1(ctx, 2025, 8)), parse_float=D)
    assert (report["gstin"], report["fp"]) == ("27AAPFU0939F1ZV", "082025")
    [buyer] = report["b2b"]
    assert buyer["ctin"] == "29AABCR1718E1ZL"
    [inv] = buyer["inv"]
    # 260.00 + 13.00 + 115.50 + 20.79 = 409.29 -> 409
    assert (inv["inum"], inv["idt"], inv["val"], inv["pos"], inv["rchrg"]) == (b2b.number, "14-08-2025", 409, "29", "N")
    assert [i["itm_det"] for i in inv["itms"]] == [
        {"rt": 5, "txval": D("260.00"), "iamt": D("13.00"), "camt": 0, "samt": 0, "csamt": 0},
        {"rt": 18, "txval": D("115.50"), "iamt": D("20.79"), "camt": 0, "samt": 0, "csamt": 0},
    ]
    assert report["b2cl"] == [{"pos": "07", "inv": [{"inum": big.number, "idt": "14-08-2025", "val": 141600, "itms": [
        {"num": 1, "itm_det": {"rt": 18, "txval": 120000, "iamt": 21600, "camt": 0, "samt": 0, "csamt": 0}}]}]}]
    # the counter sale 104.00 less the 52.00 returned; the small Delhi sale 38.50 with IGST 6.93
    assert report["b2cs"] == [
        {"sply_ty": "INTER", "pos": "07", "typ": "OE", "rt": 18, "txval": D("38.50"), "iamt": D("6.93"),
         "camt": 0, "samt": 0, "csamt": 0},
        {"sply_ty": "INTRA", "pos": "27", "typ": "OE", "rt": 5, "txval": D("52.00"), "iamt": 0,
         "camt": D("1.30"), "samt": D("1.30"), "csamt": 0},
    ]
    [notes] = report["cdnr"]
    assert notes["ctin"] == "29AABCR1718E1ZL" and notes["nt"][0]["itms"][0]["itm_det"]["txval"] == D("38.50")
    hsn = {row["hsn_sc"]: (row["uqc"], row["qty"], row["txval"], row["iamt"], row["camt"], row["val"])
           for row in report["hsn"]["data"]}
    assert hsn == {
        "10063020": ("KGS", D("6.000"), D("312.00"), D("13.00"), D("1.30"), D("327.60")),
        "3401": ("PCS", D("3.000"), D("115.50"), D("20.79"), 0, D("136.29")),
        "8418": ("PCS", D("1.000"), D("120000.00"), D("21600.00"), 0, D("141600.00")),
    }


def test_gstr1_csv_files(august):
    ctx, b2b, big = august
    files = gstr1_csv(ctx, 2025, 8)
    assert set(files) == {"b2b.csv", "b2cl.csv", "b2cs.csv", "hsn.csv"}
    b2b_rows = list(csv.DictReader(io.StringIO(files["b2b.csv"])))
    assert [(r["Invoice Number"], r["Invoice date"], r["Place Of Supply"], r["Rate"], r["Taxable Value"])
            for r in b2b_rows] == [(b2b.number, "14-Aug-2025", "29-Karnataka", "5", "260.00"),
                                   (b2b.number, "14-Aug-2025", "29-Karnataka", "18", "115.50")]
    assert b2b_rows[0]["Receiver Name"] == "Rao Stores" and b2b_rows[0]["Invoice Value"] == "409.00"
    [b2cl] = list(csv.DictReader(io.StringIO(files["b2cl.csv"])))
    assert (b2cl["Invoice Number"], b2cl["Place Of Supply"], b2cl["Invoice Value"]) == (big.number, "07-Delhi",
                                                                                        "141600.00")
    b2cs = list(csv.DictReader(io.StringIO(files["b2cs.csv"])))
    assert [(r["Place Of Supply"], r["Rate"], r["Taxable Value"]) for r in b2cs] == [
        ("07-Delhi", "18", "38.50"), ("27-Maharashtra", "5", "52.00")]
    hsn = list(csv.DictReader(io.StringIO(files["hsn.csv"])))
    assert hsn[0]["UQC"] == "KGS-KILOGRAMS" and hsn[0]["Total Quantity"] == "6.000"


def test_gstr1_is_indian(new_shop):
    with pytest.raises(ValidationError):
        gstr1(new_shop(name="Pasal", country="NP"), 2025, 8)
    with pytest.raises(ValidationError):
        gstr1(new_shop(name="Kirana", gstin="27AAPFU0939F1ZV"), 2025, 13)
