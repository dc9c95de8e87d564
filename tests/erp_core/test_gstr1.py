"""GSTR-1 for one month of a Maharashtra shop, every section worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import credit_notes, invoice_settings, invoices
from erp_core.credit_notes import ReturnLineIn
from erp_core.decimal_json import dumps
from erp_core.errors import ValidationError
from erp_core.gstr1 import gstr1, gstr1_csv
from erp_core.invoices import InvoiceLineIn

D = Decimal
AUG = datetime(2025, 8, 14, 6, tzinfo=timezone.utc)
ZERO = {"iamt": 0, "camt": 0, "samt": 0, "csamt": 0}


@pytest.fixture
def august(new_shop, make_product, make_customer):
    """Six invoices and three credit notes in August 2025 (prices before tax), one invoice in September."""
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    rice = make_product("Basmati Rice", ctx=ctx, stock=100, price="52.00", hsn_code="10063020", gst_rate="5")
    soap = make_product("Soap", ctx=ctx, stock=100, price="38.50", hsn_code="3401", gst_rate="18", unit="pcs")
    fridge = make_product("Fridge", ctx=ctx, stock=5, price="120000.00", hsn_code="8418", gst_rate="18", unit="pcs")
    tomato = make_product("Tomato", ctx=ctx, stock=50, price="30.00", hsn_code="0702", gst_rate="0")
    repair = make_product("Fridge repair", ctx=ctx, price="500.00", hsn_code="998713", gst_rate="18", unit="pcs")
    rao = make_customer("Rao Stores", ctx=ctx, gstin="29AABCR1718E1ZL")
    patil = make_customer("Patil Kirana", ctx=ctx, gstin="27AAGCP4321K1ZC")
    delhi = make_customer("Delhi Caterers", ctx=ctx, state="Delhi")

    def sell(lines, **kw):
        return invoices.create_invoice(ctx, [InvoiceLineIn(product_id=p.id, quantity=D(q)) for p, q in lines],
                                       at=kw.pop("at", AUG), **kw)

    def credit(invoice, product, quantity):
        return credit_notes.credit_note(ctx, invoice.id, [ReturnLineIn(product_id=product.id, quantity=D(quantity))],
                                        reason="returned", at=AUG)

    docs = {
        "b2b": sell([(rice, 5), (soap, 3)], party_id=rao.id),            # 260 @5 + 115.50 @18, IGST: 409.29 -> 409
        "big": sell([(fridge, 1)], party_id=delhi.id),                   # 1,20,000 @18 inter-state B2C: 1,41,600
        "counter": sell([(rice, 2)], payment_mode="cash"),              # 104 @5, CGST + SGST
        "small": sell([(soap, 1)], party_id=delhi.id),                   # 38.50 @18 inter-state, under the limit
        "patil": sell([(tomato, 10), (repair, 1)], party_id=patil.id),   # 300 nil-rated + 500 @18 service: 890
        "veg": sell([(tomato, 2)], payment_mode="cash"),                # 60 nil-rated to a walk-in
    }
    docs["cn_counter"] = credit(docs["counter"], rice, 1)               # 52 @5 off B2CS
    docs["cn_b2b"] = credit(docs["b2b"], soap, 1)                       # 38.50 @18 to Rao: CDNR
    docs["cn_big"] = credit(docs["big"], fridge, 1)                     # the fridge back: CDNUR (B2CL)
    sell([(rice, 1)], party_id=rao.id, at=datetime(2025, 9, 1, 6, tzinfo=timezone.utc))
    return ctx, {name: doc.number for name, doc in docs.items()}


def test_gstr1_json(august):
    ctx, n = august
    report = json.loads(dumps(gstr1(ctx, 2025, 8)), parse_float=D)
    assert (report["gstin"], report["fp"]) == ("27AAPFU0939F1ZV", "082025")
    assert report["b2b"] == [
        {"ctin": "27AAGCP4321K1ZC", "inv": [
            {"inum": n["patil"], "idt": "14-08-2025", "val": 890, "pos": "27", "rchrg": "N", "inv_typ": "R",
             "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": D("500.00"), "iamt": 0, "camt": D("45.00"),
                                             "samt": D("45.00"), "csamt": 0}}]}]},
        {"ctin": "29AABCR1718E1ZL", "inv": [
            {"inum": n["b2b"], "idt": "14-08-2025", "val": 409, "pos": "29", "rchrg": "N", "inv_typ": "R",
             "itms": [{"num": 1, "itm_det": {"rt": 5, "txval": D("260.00"), **ZERO, "iamt": D("13.00")}},
                      {"num": 2, "itm_det": {"rt": 18, "txval": D("115.50"), **ZERO, "iamt": D("20.79")}}]}]},
    ]
    assert report["b2cl"] == [{"pos": "07", "inv": [{"inum": n["big"], "idt": "14-08-2025", "val": 141600, "itms": [
        {"num": 1, "itm_det": {"rt": 18, "txval": 120000, "iamt": 21600, "csamt": 0}}]}]}]
    # the counter sale 104.00 less the 52.00 returned (CGST 2.60 - 1.30); the small Delhi sale with IGST 6.93
    assert report["b2cs"] == [
        {"sply_ty": "INTER", "pos": "07", "typ": "OE", "rt": 18, "txval": D("38.50"), "iamt": D("6.93"), "csamt": 0},
        {"sply_ty": "INTRA", "pos": "27", "typ": "OE", "rt": 5, "txval": D("52.00"), "camt": D("1.30"),
         "samt": D("1.30"), "csamt": 0},
    ]
    assert report["cdnr"] == [{"ctin": "29AABCR1718E1ZL", "nt": [
        {"ntty": "C", "nt_num": n["cn_b2b"], "nt_dt": "14-08-2025", "val": 45, "pos": "29", "rchrg": "N",
         "inv_typ": "R", "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": D("38.50"), **ZERO, "iamt": D("6.93")}}]}]}]
    assert report["cdnur"] == [
        {"typ": "B2CL", "ntty": "C", "nt_num": n["cn_big"], "nt_dt": "14-08-2025", "val": 141600, "pos": "07",
         "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 120000, "iamt": 21600, "csamt": 0}}]}]
    assert report["nil"] == {"inv": [
        {"sply_ty": "INTRAB2B", "expt_amt": 0, "nil_amt": D("300.00"), "ngsup_amt": 0},
        {"sply_ty": "INTRAB2C", "expt_amt": 0, "nil_amt": D("60.00"), "ngsup_amt": 0}]}
    row = {"iamt": 0, "camt": 0, "samt": 0, "csamt": 0}
    assert report["hsn"] == {
        "hsn_b2b": [
            {"num": 1, "hsn_sc": "0702", "desc": "Tomato", "uqc": "KGS", "qty": 10, "rt": 0, "txval": 300, **row},
            {"num": 2, "hsn_sc": "10063020", "desc": "Basmati Rice", "uqc": "KGS", "qty": 5, "rt": 5,
             "txval": 260, **row, "iamt": 13},
            {"num": 3, "hsn_sc": "3401", "desc": "Soap", "uqc": "PCS", "qty": 2, "rt": 18, "txval": 77,
             **row, "iamt": D("13.86")},
            {"num": 4, "hsn_sc": "998713", "desc": "Fridge repair", "uqc": "NA", "qty": 0, "rt": 18, "txval": 500,
             **row, "camt": 45, "samt": 45},
        ],
        "hsn_b2c": [  # the fridge came back: its row nets to nothing and is left out
            {"num": 1, "hsn_sc": "0702", "desc": "Tomato", "uqc": "KGS", "qty": 2, "rt": 0, "txval": 60, **row},
            {"num": 2, "hsn_sc": "10063020", "desc": "Basmati Rice", "uqc": "KGS", "qty": 1, "rt": 5, "txval": 52,
             **row, "camt": D("1.30"), "samt": D("1.30")},
            {"num": 3, "hsn_sc": "3401", "desc": "Soap", "uqc": "PCS", "qty": 1, "rt": 18, "txval": D("38.50"),
             **row, "iamt": D("6.93")},
        ],
    }
    assert report["doc_issue"] == {"doc_det": [
        {"doc_num": 1, "docs": [{"num": 1, "from": "INV/25-26/0001", "to": "INV/25-26/0006", "totnum": 6,
                                 "cancel": 0, "net_issue": 6}]},
        {"doc_num": 5, "docs": [{"num": 1, "from": "CN/25-26/0001", "to": "CN/25-26/0003", "totnum": 3,
                                 "cancel": 0, "net_issue": 3}]},
    ]}


def rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


def test_gstr1_csv_files_one_per_table(august):
    ctx, n = august
    files = gstr1_csv(ctx, 2025, 8)
    assert set(files) == {"b2b.csv", "b2cl.csv", "b2cs.csv", "cdnr.csv", "cdnur.csv", "exemp.csv", "hsn(b2b).csv",
                          "hsn(b2c).csv", "docs.csv"}
    b2b = rows(files, "b2b.csv")
    assert [(r["Invoice Number"], r["Invoice date"], r["Place Of Supply"], r["Rate"], r["Taxable Value"])
            for r in b2b] == [(n["patil"], "14-Aug-2025", "27-Maharashtra", "18", "500.00"),
                              (n["b2b"], "14-Aug-2025", "29-Karnataka", "5", "260.00"),
                              (n["b2b"], "14-Aug-2025", "29-Karnataka", "18", "115.50")]
    assert b2b[1]["Receiver Name"] == "Rao Stores" and b2b[1]["Invoice Value"] == "409.00"
    [b2cl] = rows(files, "b2cl.csv")
    assert (b2cl["Invoice Number"], b2cl["Place Of Supply"], b2cl["Invoice Value"]) == (n["big"], "07-Delhi",
                                                                                        "141600.00")
    assert [(r["Place Of Supply"], r["Rate"], r["Taxable Value"]) for r in rows(files, "b2cs.csv")] == [
        ("07-Delhi", "18", "38.50"), ("27-Maharashtra", "5", "52.00")]
    [cdnr] = rows(files, "cdnr.csv")
    assert cdnr == {"GSTIN/UIN of Recipient": "29AABCR1718E1ZL", "Receiver Name": "Rao Stores",
                    "Note Number": n["cn_b2b"], "Note Date": "14-Aug-2025", "Note Type": "C",
                    "Place Of Supply": "29-Karnataka", "Reverse Charge": "N", "Note Supply Type": "Regular B2B",
                    "Note Value": "45.00", "Applicable % of Tax Rate": "", "Rate": "18", "Taxable Value": "38.50",
                    "Cess Amount": "0.00"}
    [cdnur] = rows(files, "cdnur.csv")
    assert cdnur == {"UR Type": "B2CL", "Note Number": n["cn_big"], "Note Date": "14-Aug-2025", "Note Type": "C",
                     "Place Of Supply": "07-Delhi", "Note Value": "141600.00", "Applicable % of Tax Rate": "",
                     "Rate": "18", "Taxable Value": "120000.00", "Cess Amount": "0.00"}
    assert [(r["Description"], r["Nil Rated Supplies"]) for r in rows(files, "exemp.csv")] == [
        ("Inter-State supplies to registered persons", "0"),
        ("Inter-State supplies to unregistered persons", "0"),
        ("Intra-State supplies to registered persons", "300.00"),
        ("Intra-State supplies to unregistered persons", "60.00")]
    assert [list(r.values()) for r in rows(files, "docs.csv")] == [
        ["Invoices for outward supply", "INV/25-26/0001", "INV/25-26/0006", "6", "0"],
        ["Credit Note", "CN/25-26/0001", "CN/25-26/0003", "3", "0"]]
    lines = files["hsn(b2b).csv"].splitlines()
    assert lines[0] == ("HSN,Description,UQC,Total Quantity,Total Value,Rate,Taxable Value,Integrated Tax Amount,"
                        "Central Tax Amount,State/UT Tax Amount,Cess Amount")
    hsn = rows(files, "hsn(b2b).csv")
    assert (hsn[0]["UQC"], hsn[0]["Total Quantity"]) == ("KGS-KILOGRAMS", "10.000")
    assert (hsn[3]["HSN"], hsn[3]["UQC"], hsn[3]["Total Quantity"], hsn[3]["Total Value"]) == (
        "998713", "NA", "0", "590.00")


def test_before_august_2024_the_b2c_limit_was_2_5_lakh_and_before_may_2025_one_hsn_table(new_shop, make_product,
                                                                                        make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    fridge = make_product("Fridge", ctx=ctx, stock=5, price="120000.00", hsn_code="8418", gst_rate="18", unit="pcs")
    delhi = make_customer("Delhi Caterers", ctx=ctx, state="Delhi")
    invoices.create_invoice(ctx, [InvoiceLineIn(product_id=fridge.id, quantity=D(1))], party_id=delhi.id,
                            at=datetime(2024, 7, 15, 6, tzinfo=timezone.utc))
    report = json.loads(dumps(gstr1(ctx, 2024, 7)), parse_float=D)
    assert report["b2cl"] == []
    assert report["b2cs"] == [{"sply_ty": "INTER", "pos": "07", "typ": "OE", "rt": 18, "txval": 120000,
                               "iamt": 21600, "csamt": 0}]
    assert report["hsn"] == {"data": [{"num": 1, "hsn_sc": "8418", "desc": "Fridge", "uqc": "PCS", "qty": 1, "rt": 18,
                                       "txval": 120000, "iamt": 21600, "camt": 0, "samt": 0, "csamt": 0}]}
    assert "hsn.csv" in gstr1_csv(ctx, 2024, 7)


def test_gstr1_is_indian(new_shop):
    with pytest.raises(ValidationError):
        gstr1(new_shop(name="Pasal", country="NP"), 2025, 8)
    with pytest.raises(ValidationError):
        gstr1(new_shop(name="Kirana", gstin="27AAPFU0939F1ZV"), 2025, 13)
