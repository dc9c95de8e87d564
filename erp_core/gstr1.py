"""GSTR-1, the monthly return of outward supplies: B2B, B2CL, B2CS, credit notes to registered
buyers (CDNR) and the HSN summary, as the portal's JSON and as the offline tool's CSV files.

- B2B: invoices to buyers with a GSTIN, by buyer, each with its taxable value by rate.
- B2CL: inter-state invoices to unregistered buyers above ₹1,00,000, by place of supply.
- B2CS: all other sales to unregistered buyers, added up by (intra/inter, place of supply,
  rate), net of the credit notes issued to them.
- CDNR: credit notes to buyers with a GSTIN.
- HSN: quantity, value and taxes by HSN code, unit and rate (credit notes subtract).

Bills of Supply are not reported here (composition dealers file CMP-08 and GSTR-4).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from erp_core.context import Context
from erp_core.enums import Country, InvoiceKind
from erp_core.errors import ValidationError
from erp_core.gst import Supply, TaxAmounts
from erp_core.ids.states import STATES
from erp_core.invoice_views import InvoiceView, get_invoice
from erp_core.models import Invoice
from erp_core.permissions import Permission
from erp_core.units import UQC_NAMES, uqc

B2CL_LIMIT = Decimal("100000")
"""Inter-state B2C invoices above this are reported one by one (₹1 lakh since August 2024)."""


def _month(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValidationError(field="month", reason="a month is 1 to 12")
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


def _documents(ctx: Context, year: int, month: int) -> list[InvoiceView]:
    ctx.actor.require(Permission.VIEW_SALES)
    start, end = _month(year, month)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        if tenant.country is not Country.IN:
            raise ValidationError(field="country", reason="GSTR-1 is an Indian return")
        ids = session.scalars(select(Invoice.id).where(
            Invoice.invoice_date >= start, Invoice.invoice_date < end,
            Invoice.kind.in_([InvoiceKind.TAX_INVOICE, InvoiceKind.CREDIT_NOTE])).order_by(Invoice.id)).all()
    return [get_invoice(ctx, invoice_id) for invoice_id in ids]


def _taxes(amounts: TaxAmounts) -> dict[str, Decimal]:
    """The portal's names for the taxable value and the taxes."""
    return {"txval": amounts.taxable_value, "iamt": amounts.igst, "camt": amounts.cgst, "samt": amounts.sgst,
            "csamt": amounts.cess}


def _signed(amounts: TaxAmounts, sign: int) -> TaxAmounts:
    return -amounts if sign < 0 else amounts


def _by_rate(invoice: InvoiceView) -> list[dict[str, Any]]:
    return [{"num": n, "itm_det": {"rt": row.rate.normalize(), **_taxes(row)}}
            for n, row in enumerate(invoice.tax_summary(), start=1)]


def _is_b2cl(invoice: InvoiceView) -> bool:
    return invoice.supply is Supply.INTER_STATE and invoice.total > B2CL_LIMIT


def gstr1(ctx: Context, year: int, month: int) -> dict[str, Any]:
    """GSTR-1 for a month in the portal's JSON shape (amounts as Decimals: write with `decimal_json.dumps`)."""
    documents = _documents(ctx, year, month)
    with ctx.read() as session:
        seller_gstin = ctx.tenant(session).gstin
    b2b: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cl: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cs: dict[tuple[str, str, Decimal], TaxAmounts] = {}
    cdnr: dict[str, list[dict[str, Any]]] = defaultdict(list)
    hsn: dict[tuple[str, str, Decimal], dict[str, Any]] = {}
    for doc in documents:
        sign = -1 if doc.kind is InvoiceKind.CREDIT_NOTE else 1
        idt = doc.invoice_date.strftime("%d-%m-%Y")
        if doc.kind is InvoiceKind.CREDIT_NOTE and doc.is_b2b:
            cdnr[doc.buyer_gstin].append({"ntty": "C", "nt_num": doc.number, "nt_dt": idt, "val": doc.total,
                                          "pos": doc.place_of_supply, "rchrg": "N", "inv_typ": "R",
                                          "itms": _by_rate(doc)})
        elif doc.is_b2b:
            b2b[doc.buyer_gstin].append({"inum": doc.number, "idt": idt, "val": doc.total, "pos": doc.place_of_supply,
                                         "rchrg": "N", "inv_typ": "R", "itms": _by_rate(doc)})
        elif doc.kind is InvoiceKind.TAX_INVOICE and _is_b2cl(doc):
            b2cl[doc.place_of_supply].append({"inum": doc.number, "idt": doc.invoice_date.strftime("%d-%m-%Y"),
                                              "val": doc.total, "itms": _by_rate(doc)})
        else:
            for row in doc.tax_summary():
                key = ("INTRA" if doc.supply is Supply.INTRA_STATE else "INTER", doc.place_of_supply, row.rate)
                b2cs[key] = b2cs.get(key, TaxAmounts()) + _signed(row, sign)
        for line in doc.lines:
            row = hsn.setdefault((line.hsn_code or "", uqc(line.unit), line.rate), {
                "desc": line.description[:30], "qty": Decimal(0), "amounts": TaxAmounts()})
            row["qty"] += sign * line.quantity
            row["amounts"] += _signed(line.amounts, sign)
    return {
        "gstin": seller_gstin,
        "fp": f"{month:02d}{year}",
        "b2b": [{"ctin": ctin, "inv": inv} for ctin, inv in sorted(b2b.items())],
        "b2cl": [{"pos": pos, "inv": inv} for pos, inv in sorted(b2cl.items())],
        "b2cs": [{"sply_ty": sply, "pos": pos, "typ": "OE", "rt": rate.normalize(), **_taxes(s)}
                 for (sply, pos, rate), s in sorted(b2cs.items())],
        "cdnr": [{"ctin": ctin, "nt": notes} for ctin, notes in sorted(cdnr.items())],
        "hsn": {"data": [{"num": n, "hsn_sc": code, "desc": row["desc"], "uqc": unit_code, "qty": row["qty"],
                          "rt": rate.normalize(), "val": row["amounts"].total, **_taxes(row["amounts"])}
                         for n, ((code, unit_code, rate), row) in enumerate(sorted(hsn.items()), start=1)]},
    }


def _pos(code: str | None) -> str:
    return f"{code}-{STATES[code]}" if code in STATES else ""


def _date(text: str) -> str:
    """`14-08-2025` (portal JSON) → `14-Aug-2025` (offline tool CSV)."""
    day, month, year = text.split("-")
    return f"{day}-{date(int(year), int(month), 1).strftime('%b')}-{year}"


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[f"{v:f}" if isinstance(v, Decimal) else v for v in row] for row in rows])
    return buffer.getvalue()


def gstr1_csv(ctx: Context, year: int, month: int) -> dict[str, str]:
    """GSTR-1 for a month as the offline tool's CSV files: `b2b.csv`, `b2cl.csv`, `b2cs.csv`, `hsn.csv`."""
    report = gstr1(ctx, year, month)
    names = {}
    with ctx.read() as session:
        for gstin, name in session.execute(select(Invoice.buyer_gstin, Invoice.buyer_name)
                                           .where(Invoice.buyer_gstin.is_not(None))):
            names[gstin] = name
    b2b = [[entry["ctin"], names.get(entry["ctin"], ""), inv["inum"], _date(inv["idt"]), inv["val"],
            _pos(inv["pos"]), "N", "", "Regular B2B", "", item["itm_det"]["rt"], item["itm_det"]["txval"],
            item["itm_det"]["csamt"]]
           for entry in report["b2b"] for inv in entry["inv"] for item in inv["itms"]]
    b2cl = [[inv["inum"], _date(inv["idt"]), inv["val"], _pos(entry["pos"]), "", item["itm_det"]["rt"],
             item["itm_det"]["txval"], item["itm_det"]["csamt"], ""]
            for entry in report["b2cl"] for inv in entry["inv"] for item in inv["itms"]]
    b2cs = [["OE", _pos(row["pos"]), "", row["rt"], row["txval"], row["csamt"], ""] for row in report["b2cs"]]
    hsn = [[row["hsn_sc"], row["desc"], f"{row['uqc']}-{UQC_NAMES[row['uqc']]}", row["qty"], row["val"],
            row["txval"], row["iamt"], row["camt"], row["samt"], row["csamt"], row["rt"]]
           for row in report["hsn"]["data"]]
    return {
        "b2b.csv": _csv(["GSTIN/UIN of Recipient", "Receiver Name", "Invoice Number", "Invoice date",
                         "Invoice Value", "Place Of Supply", "Reverse Charge", "Applicable % of Tax Rate",
                         "Invoice Type", "E-Commerce GSTIN", "Rate", "Taxable Value", "Cess Amount"], b2b),
        "b2cl.csv": _csv(["Invoice Number", "Invoice date", "Invoice Value", "Place Of Supply",
                          "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount", "E-Commerce GSTIN"],
                         b2cl),
        "b2cs.csv": _csv(["Type", "Place Of Supply", "Applicable % of Tax Rate", "Rate", "Taxable Value",
                          "Cess Amount", "E-Commerce GSTIN"], b2cs),
        "hsn.csv": _csv(["HSN", "Description", "UQC", "Total Quantity", "Total Value", "Taxable Value",
                         "Integrated Tax Amount", "Central Tax Amount", "State/UT Tax Amount", "Cess Amount", "Rate"],
                        hsn),
    }
