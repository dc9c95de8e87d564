"""GSTR-3B, the monthly summary return: tax on outward supplies (3.1), inter-state supplies to unregistered
persons and UIN holders (3.2), input tax credit (4), nil-rated inward supplies (5), and what is left to pay in
cash once the credit is set off (sections 49, 49A and 49B of the CGST Act).

Outward figures come from the month's tax invoices less its credit notes (as GSTR-1), input credit from the
supplier bills dated in the month less the shop's debit notes (`erp_core.purchases`). Not supported yet:
exports and zero-rated supplies (3.1 b), reverse charge (3.1 d, 4 A 3), imports (4 A 1-2), ISD, ITC reversals
under rules 38/42/43, supplies through e-commerce operators (3.1.1), interest and late fee; these are zero.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from erp_core import purchase_reports
from erp_core.context import Context
from erp_core.gst import Supply, TaxAmounts
from erp_core.gstr1 import is_nil, month_range, outward_documents
from erp_core.ids import gstin as gstin_id
from erp_core.enums import InvoiceKind, PurchaseKind
from erp_core.permissions import Permission

_ZERO = Decimal("0.00")
HEADS = ("igst", "cgst", "sgst", "cess")


class Payable(BaseModel):
    """One tax head: the tax on outward supplies, the input credit used against it, and the cash to pay."""

    model_config = ConfigDict(frozen=True)
    output_tax: Decimal
    credit_used: Decimal
    cash: Decimal


class GstSummary(BaseModel):
    """The month's GSTR-3B figures in brief: what the owner asks ("GST kitna bharna hai")."""

    model_config = ConfigDict(frozen=True)
    year: int
    month: int
    taxable_value: Decimal
    output_tax: Decimal
    input_credit: Decimal
    cash_payable: Decimal
    credit_left: Decimal
    """Input credit carried forward to the next month."""
    by_head: dict[str, Payable]


def set_off(output: dict[str, Decimal], credit: dict[str, Decimal]) -> tuple[dict[str, Decimal],
                                                                            dict[str, Decimal]]:
    """Use input credit against output tax in the order the law sets (IGST credit against IGST, then CGST and
    SGST; CGST credit against CGST, then IGST; SGST credit against SGST, then IGST; never CGST against SGST;
    cess only against cess). Returns the credit used per output head and the credit left per credit head."""
    due = dict(output)
    left = dict(credit)
    used = {head: _ZERO for head in HEADS}
    order = {"igst": ("igst", "cgst", "sgst"), "cgst": ("cgst", "igst"), "sgst": ("sgst", "igst"), "cess": ("cess",)}
    for source, targets in order.items():
        for target in targets:
            take = min(left[source], due[target])
            left[source] -= take
            due[target] -= take
            used[target] += take
    return used, left


def _figures(ctx: Context, year: int, month: int) -> dict[str, Any]:
    ctx.actor.require(Permission.VIEW_GST)
    seller_gstin, documents = outward_documents(ctx, year, month)
    outward, nil = TaxAmounts(), _ZERO
    inter_unregistered: dict[str, TaxAmounts] = defaultdict(TaxAmounts)
    inter_uin: dict[str, TaxAmounts] = defaultdict(TaxAmounts)
    for document in documents:
        doc = document.view
        sign = -1 if doc.kind is InvoiceKind.CREDIT_NOTE else 1
        for line in doc.lines:
            amounts = line.amounts if sign > 0 else -line.amounts
            if is_nil(line):
                nil += amounts.taxable_value
                continue
            outward += amounts
            if doc.supply is Supply.INTER_STATE:
                if not doc.is_b2b:
                    inter_unregistered[doc.place_of_supply] += amounts
                elif gstin_id.registration(doc.buyer_gstin) == "uin":
                    inter_uin[doc.place_of_supply] += amounts
    first, end = month_range(year, month)
    last = end - timedelta(days=1)
    credit = purchase_reports.input_tax_credit(ctx, first, last)
    nil_inward = {"inter": _ZERO, "intra": _ZERO}
    for row in purchase_reports.purchase_register(ctx, first, last):
        untaxed = not (row.igst or row.cgst or row.sgst or row.cess)
        if row.supplier_gstin and untaxed:  # a registered supplier's nil-rated goods
            where = "intra" if row.supplier_gstin[:2] == (seller_gstin or "")[:2] else "inter"
            nil_inward[where] += -row.taxable_value if row.kind is PurchaseKind.DEBIT_NOTE else row.taxable_value
    return {"gstin": seller_gstin, "outward": outward, "nil": nil, "unregistered": inter_unregistered,
            "uin": inter_uin, "credit": credit, "nil_inward": nil_inward}


def _five(amounts: TaxAmounts) -> dict[str, Decimal]:
    return {"txval": amounts.taxable_value, "iamt": amounts.igst, "camt": amounts.cgst, "samt": amounts.sgst,
            "csamt": amounts.cess}


def _heads(amounts: TaxAmounts) -> dict[str, Decimal]:
    return {"iamt": amounts.igst, "camt": amounts.cgst, "samt": amounts.sgst, "csamt": amounts.cess}


def gstr3b(ctx: Context, year: int, month: int) -> dict[str, Any]:
    """GSTR-3B for a month in the portal's JSON shape (amounts as Decimals: write with `decimal_json.dumps`)."""
    f = _figures(ctx, year, month)
    none = TaxAmounts()
    zero_heads = _heads(none)
    return {
        "gstin": f["gstin"],
        "ret_period": f"{month:02d}{year}",
        "sup_details": {
            "osup_det": _five(f["outward"]),
            "osup_zero": {"txval": _ZERO, "iamt": _ZERO, "csamt": _ZERO},
            "osup_nil_exmp": {"txval": f["nil"]},
            "isup_rev": _five(none),
            "osup_nongst": {"txval": _ZERO},
        },
        "inter_sup": {
            "unreg_details": [{"pos": pos, "txval": a.taxable_value, "iamt": a.igst}
                              for pos, a in sorted(f["unregistered"].items())],
            "comp_details": [],
            "uin_details": [{"pos": pos, "txval": a.taxable_value, "iamt": a.igst} for pos, a in sorted(f["uin"].items())],
        },
        "itc_elg": {
            "itc_avl": [{"ty": ty, **(zero_heads if ty != "OTH" else _heads(f["credit"]))}
                        for ty in ("IMPG", "IMPS", "ISRC", "ISD", "OTH")],
            "itc_rev": [{"ty": ty, **zero_heads} for ty in ("RUL", "OTH")],
            "itc_net": _heads(f["credit"]),
            "itc_inelg": [{"ty": ty, **zero_heads} for ty in ("RUL", "OTH")],
        },
        "inward_sup": {"isup_details": [
            {"ty": "GST", "inter": f["nil_inward"]["inter"], "intra": f["nil_inward"]["intra"]},
            {"ty": "NONGST", "inter": _ZERO, "intra": _ZERO}]},
    }


def gst_summary(ctx: Context, year: int, month: int) -> GstSummary:
    """Output tax, input credit and the cash to pay for a month: the GSTR-3B figures in brief."""
    f = _figures(ctx, year, month)
    output = {head: getattr(f["outward"], head) for head in HEADS}
    credit = {head: getattr(f["credit"], head) for head in HEADS}
    used, left = set_off(output, credit)
    by_head = {head: Payable(output_tax=output[head], credit_used=used[head], cash=output[head] - used[head])
               for head in HEADS}
    return GstSummary(year=year, month=month, taxable_value=f["outward"].taxable_value,
                      output_tax=sum(output.values(), _ZERO), input_credit=sum(credit.values(), _ZERO),
                      cash_payable=sum((p.cash for p in by_head.values()), _ZERO),
                      credit_left=sum(left.values(), _ZERO), by_head=by_head)


def gstr3b_csv(ctx: Context, year: int, month: int) -> str:
    """GSTR-3B's tables as one CSV: a row per line of 3.1, 3.2, 4 and 5, with the figures in the return's columns."""
    report = gstr3b(ctx, year, month)
    sup, itc = report["sup_details"], report["itc_elg"]
    rows: list[list[Any]] = [
        ["3.1(a)", "Outward taxable supplies (other than zero rated, nil rated and exempted)", *_row(sup["osup_det"])],
        ["3.1(b)", "Outward taxable supplies (zero rated)", *_row(sup["osup_zero"])],
        ["3.1(c)", "Other outward supplies (nil rated, exempted)", *_row(sup["osup_nil_exmp"])],
        ["3.1(d)", "Inward supplies (liable to reverse charge)", *_row(sup["isup_rev"])],
        ["3.1(e)", "Non-GST outward supplies", *_row(sup["osup_nongst"])],
    ]
    for key, label in (("unreg_details", "Supplies made to unregistered persons"),
                       ("uin_details", "Supplies made to UIN holders")):
        rows += [["3.2", f"{label}, place of supply {entry['pos']}", *_row(entry)] for entry in report["inter_sup"][key]]
    names = {"IMPG": "Import of goods", "IMPS": "Import of services", "ISRC": "Inward supplies liable to reverse charge",
             "ISD": "Inward supplies from ISD", "OTH": "All other ITC"}
    rows += [[f"4(A)({n})", names[entry["ty"]], *_row(entry)] for n, entry in enumerate(itc["itc_avl"], start=1)]
    rows += [["4(C)", "Net ITC available", *_row(itc["itc_net"])]]
    for entry in report["inward_sup"]["isup_details"]:
        label = "From a supplier under composition, exempt and nil rated" if entry["ty"] == "GST" else "Non-GST supply"
        rows += [["5", f"{label} (inter-state)", entry["inter"], "", "", "", ""],
                 ["5", f"{label} (intra-state)", entry["intra"], "", "", "", ""]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Table", "Nature of supplies", "Total taxable value", "Integrated Tax", "Central Tax",
                     "State/UT Tax", "Cess"])
    writer.writerows([[f"{v:f}" if isinstance(v, Decimal) else v for v in row] for row in rows])
    return buffer.getvalue()


def _row(entry: dict[str, Any]) -> list[Any]:
    return [entry.get(key, "") for key in ("txval", "iamt", "camt", "samt", "csamt")]
