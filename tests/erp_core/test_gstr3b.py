"""GSTR-3B for one month of a Maharashtra shop that sells and buys, worked out by hand; and the set-off of
input credit against output tax in the order the law sets."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import credit_notes, invoice_settings, invoices, parties, purchases
from erp_core.context import Context
from erp_core.credit_notes import ReturnLineIn
from erp_core.decimal_json import dumps
from erp_core.errors import PermissionDenied
from erp_core.gstr3b import gst_summary, gstr3b, gstr3b_csv, set_off
from erp_core.invoices import InvoiceLineIn
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.tenants import actor_for, add_user

D = Decimal
AUG = datetime(2025, 8, 14, 6, tzinfo=timezone.utc)
HEADS = {"iamt": 0, "camt": 0, "samt": 0, "csamt": 0}


@pytest.fixture
def august(new_shop, make_product, make_customer):
    ctx = new_shop(name="Sharma Traders", gstin="27AAPFU0939F1ZV")
    invoice_settings.configure_invoicing(ctx, prices_include_tax=False)
    rice = make_product("Basmati Rice", ctx=ctx, stock=100, price="52.00", hsn_code="10063020", gst_rate="5")
    soap = make_product("Soap", ctx=ctx, stock=100, price="38.50", hsn_code="3401", gst_rate="18", unit="pcs")
    tomato = make_product("Tomato", ctx=ctx, stock=50, price="30.00", hsn_code="0702", gst_rate="0")
    rao = make_customer("Rao Stores", ctx=ctx, gstin="29AABCR1718E1ZL")
    delhi = make_customer("Delhi Caterers", ctx=ctx, state="Delhi")
    embassy = make_customer("Embassy of Nowhere", ctx=ctx, gstin="0717UNO00157UNO")

    def sell(lines, **kw):
        return invoices.create_invoice(ctx, [InvoiceLineIn(product_id=p.id, quantity=D(q)) for p, q in lines],
                                       at=AUG, **kw)

    sell([(rice, 5), (soap, 3)], party_id=rao.id)        # 260 + IGST 13; 115.50 + IGST 20.79
    sell([(soap, 1)], party_id=delhi.id)                  # 38.50 + IGST 6.93, unregistered, Delhi
    counter = sell([(rice, 2)], payment_mode="cash")      # 104 + CGST 2.60 + SGST 2.60
    sell([(tomato, 2)], payment_mode="cash")              # 60 nil-rated
    sell([(rice, 1)], party_id=embassy.id)                # 52 + IGST 2.60 to a UIN holder in Delhi
    credit_notes.credit_note(ctx, counter.id, [ReturnLineIn(product_id=rice.id, quantity=D(1))], reason="torn",
                             at=AUG)                      # -52, CGST -1.30, SGST -1.30
    balaji = parties.add_party(ctx, kind="supplier", name="Balaji Traders", gstin="27AABCS9876M1ZG")
    wholesale = parties.add_party(ctx, kind="supplier", name="Rao Wholesale", gstin="29AABCR1718E1ZL")
    bought = purchases.record_purchase(ctx, balaji.id, [
        PurchaseLineIn(product_id=rice.id, quantity=D(50), unit_price=D("44.00")),    # CGST 55, SGST 55
        PurchaseLineIn(product_id=soap.id, quantity=D(24), unit_price=D("30.00"))],   # CGST 64.80, SGST 64.80
        bill_number="BT/1043", at=AUG)
    purchases.record_purchase(ctx, wholesale.id, [PurchaseLineIn(product_id=soap.id, quantity=D(10),
                                                                 unit_price=D("30.00"))],
                              bill_number="RW-9", at=AUG)                              # IGST 54
    purchases.record_purchase(ctx, balaji.id, [PurchaseLineIn(product_id=tomato.id, quantity=D(20),
                                                              unit_price=D("25.00"))],
                              bill_number="BT/1044", at=AUG)                           # 500 nil-rated, intra
    purchases.purchase_return(ctx, bought.id, [ReturnedLineIn(product_id=rice.id, quantity=D(10))],
                              at=AUG)                                                  # CGST -11, SGST -11
    return ctx


def test_gstr3b_json(august):
    report = json.loads(dumps(gstr3b(august, 2025, 8)), parse_float=D)
    assert (report["gstin"], report["ret_period"]) == ("27AAPFU0939F1ZV", "082025")
    assert report["sup_details"] == {
        # 260 + 115.50 + 38.50 + 104 + 52 - 52; IGST 13 + 20.79 + 6.93 + 2.60; CGST = SGST 2.60 - 1.30
        "osup_det": {"txval": D("518.00"), "iamt": D("43.32"), "camt": D("1.30"), "samt": D("1.30"), "csamt": 0},
        "osup_zero": {"txval": 0, "iamt": 0, "csamt": 0},
        "osup_nil_exmp": {"txval": D("60.00")},
        "isup_rev": {"txval": 0, **HEADS},
        "osup_nongst": {"txval": 0},
    }
    assert report["inter_sup"] == {"unreg_details": [{"pos": "07", "txval": D("38.50"), "iamt": D("6.93")}],
                                   "comp_details": [],
                                   "uin_details": [{"pos": "07", "txval": D("52.00"), "iamt": D("2.60")}]}
    # CGST 55 + 64.80 - 11 = 108.80, the same SGST; IGST 54 from Karnataka
    credit = {"iamt": D("54.00"), "camt": D("108.80"), "samt": D("108.80"), "csamt": 0}
    assert report["itc_elg"]["itc_avl"] == [{"ty": "IMPG", **HEADS}, {"ty": "IMPS", **HEADS},
                                            {"ty": "ISRC", **HEADS}, {"ty": "ISD", **HEADS}, {"ty": "OTH", **credit}]
    assert report["itc_elg"]["itc_net"] == credit
    assert report["inward_sup"] == {"isup_details": [{"ty": "GST", "inter": 0, "intra": D("500.00")},
                                                     {"ty": "NONGST", "inter": 0, "intra": 0}]}


def test_the_summary_sets_input_credit_off_in_the_laws_order(august):
    summary = gst_summary(august, 2025, 8)
    # IGST credit 54 pays IGST 43.32, then CGST 1.30 and SGST 1.30: nothing in cash, 8.08 + 108.80 + 108.80 left
    assert (summary.output_tax, summary.input_credit, summary.cash_payable, summary.credit_left) == (
        D("45.92"), D("271.60"), 0, D("225.68"))
    assert summary.by_head["cgst"].credit_used == D("1.30") and summary.by_head["igst"].cash == 0


def test_cgst_credit_never_pays_sgst():
    zero = D("0.00")
    used, left = set_off({"igst": D(100), "cgst": D(50), "sgst": D(50), "cess": zero},
                         {"igst": zero, "cgst": D(120), "sgst": D(10), "cess": zero})
    assert used == {"igst": D(70), "cgst": D(50), "sgst": D(10), "cess": zero}   # 30 IGST and 40 SGST in cash
    assert left == {"igst": zero, "cgst": zero, "sgst": zero, "cess": zero}


def test_gstr3b_csv_and_who_may_see_it(august, db):
    rows = list(csv.DictReader(io.StringIO(gstr3b_csv(august, 2025, 8))))
    by_table = {(r["Table"], r["Nature of supplies"][:20]): r for r in rows}
    outward = by_table["3.1(a)", "Outward taxable supp"]
    assert (outward["Total taxable value"], outward["Integrated Tax"], outward["Central Tax"]) == (
        "518.00", "43.32", "1.30")
    assert by_table["4(C)", "Net ITC available"]["Central Tax"] == "108.80"
    add_user(august, wa_id="919800000001", role="staff")
    staff = Context(db, august.tenant_id, actor_for(db, august.tenant_id, "919800000001"))
    with pytest.raises(PermissionDenied):
        gst_summary(staff, 2025, 8)
