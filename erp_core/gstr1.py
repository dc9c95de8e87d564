"""GSTR-1, the monthly return of outward supplies, as the portal's JSON and as the offline tool's CSV files.

- B2B (4A): invoices to buyers with a GSTIN, by buyer, each with its taxable value by rate.
- B2CL (5): inter-state invoices to unregistered buyers above the B2C limit, by place of supply.
- B2CS (7): all other sales to unregistered buyers, added up by (intra/inter, place of supply, rate), net of
  the credit notes issued to them that are not in CDNUR.
- CDNR (9B): credit notes to buyers with a GSTIN.
- CDNUR (9B): credit notes to unregistered buyers for inter-state supplies above the B2C limit (the larger of
  the note and its invoice is compared), as type `B2CL`.
- NIL (8): nil-rated supplies (lines at 0 %), by inter/intra-state and registered/unregistered buyer. They are
  left out of the tables above and stay in the HSN summary.
- HSN (12): quantity and taxes by HSN code, unit and rate, credit notes subtracted; from May 2025 split into
  `hsn_b2b` (registered buyers) and `hsn_b2c` (the rest). Services (SAC codes) are reported with UQC `NA`
  and no quantity.
- DOC_ISSUE (13): the serial numbers issued, per series: invoices (nature 1) and credit notes (nature 5).

Amounts in CDNR and CDNUR are positive, as filed; `ntty` says a note is a credit note. Not supported yet:
exports and SEZ (EXP, `SEWP`/`SEWOP`), advances (AT/ATADJ), e-commerce (`etin`, ECO), amendments, exempt and
non-GST supplies (every 0 % line counts as nil-rated), debit notes. Bills of Supply are not reported here
(composition dealers file CMP-08 and GSTR-4).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select

from erp_core.context import Context
from erp_core.enums import Country, InvoiceKind
from erp_core.errors import ValidationError
from erp_core.gst import Supply, TaxAmounts
from erp_core.ids import hsn as hsn_id
from erp_core.ids.states import STATES
from erp_core.invoice_views import InvoiceLineView, InvoiceView, get_invoice
from erp_core.models import Invoice
from erp_core.permissions import Permission
from erp_core.units import UQC_NAMES, uqc

B2C_LIMITS = ((date(2024, 7, 31), Decimal("250000")), (date.max, Decimal("100000")))
"""Inter-state B2C invoices above this are reported one by one: ₹2.5 lakh up to 31 July 2024, ₹1 lakh since."""
HSN_SPLIT_FROM = date(2025, 5, 1)
"""From the May 2025 return the HSN summary has a B2B and a B2C table."""
NIL_TYPES = {("INTER", True): "INTRB2B", ("INTER", False): "INTRB2C", ("INTRA", True): "INTRAB2B",
             ("INTRA", False): "INTRAB2C"}
NIL_DESCRIPTIONS = {"INTRB2B": "Inter-State supplies to registered persons",
                    "INTRB2C": "Inter-State supplies to unregistered persons",
                    "INTRAB2B": "Intra-State supplies to registered persons",
                    "INTRAB2C": "Intra-State supplies to unregistered persons"}
DOCUMENT_NATURES = {InvoiceKind.TAX_INVOICE: (1, "Invoices for outward supply"),
                    InvoiceKind.CREDIT_NOTE: (5, "Credit Note")}
"""Table 13's natures of document (`doc_num`) for what the shop issues."""
HSN_DESCRIPTION_LENGTH = 30


class OutwardDocument(NamedTuple):
    view: InvoiceView
    series_id: int
    original_total: Decimal | None
    """For a credit note, the total of the invoice it credits."""


def b2c_limit(on: date) -> Decimal:
    """The B2C limit for an invoice dated `on`."""
    return next(limit for until, limit in B2C_LIMITS if on <= until)


def month_range(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValidationError(field="month", reason="a month is 1 to 12")
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


def outward_documents(ctx: Context, year: int, month: int) -> tuple[str | None, list[OutwardDocument]]:
    """The shop's GSTIN and its tax invoices and credit notes dated in the month, in the order they were made."""
    ctx.actor.require(Permission.VIEW_SALES)
    start, end = month_range(year, month)
    with ctx.read() as session:
        tenant = ctx.tenant(session)
        if tenant.country is not Country.IN:
            raise ValidationError(field="country", reason="GSTR-1 is an Indian return")
        rows = session.execute(select(Invoice.id, Invoice.series_id, Invoice.original_id).where(
            Invoice.invoice_date >= start, Invoice.invoice_date < end,
            Invoice.kind.in_([InvoiceKind.TAX_INVOICE, InvoiceKind.CREDIT_NOTE])).order_by(Invoice.id)).all()
        originals = dict(session.execute(select(Invoice.id, Invoice.total).where(
            Invoice.id.in_({row.original_id for row in rows if row.original_id}))).tuples().all())
        seller_gstin = tenant.gstin
    return seller_gstin, [OutwardDocument(get_invoice(ctx, row.id), row.series_id, originals.get(row.original_id))
                          for row in rows]


def is_nil(line: InvoiceLineView) -> bool:
    return line.rate == 0 and line.cess_rate == 0


def _rates(lines: list[InvoiceLineView], *, inter_state_only: bool = False) -> list[dict[str, Any]]:
    """The taxed lines' amounts by rate, as the portal's numbered items (B2CL and CDNUR carry IGST only)."""
    by_rate: dict[Decimal, TaxAmounts] = {}
    for line in lines:
        if not is_nil(line):
            by_rate[line.rate] = by_rate.get(line.rate, TaxAmounts()) + line.amounts
    items = []
    for n, (rate, amounts) in enumerate(sorted(by_rate.items()), start=1):
        detail = {"rt": rate.normalize(), "txval": amounts.taxable_value, "iamt": amounts.igst}
        if not inter_state_only:
            detail |= {"camt": amounts.cgst, "samt": amounts.sgst}
        items.append({"num": n, "itm_det": detail | {"csamt": amounts.cess}})
    return items


def _hsn_row(code: str, unit_code: str, rate: Decimal, row: dict[str, Any]) -> dict[str, Any]:
    amounts = row["amounts"]
    return {"hsn_sc": code, "desc": row["desc"], "uqc": unit_code, "qty": row["qty"], "rt": rate.normalize(),
            "txval": amounts.taxable_value, "iamt": amounts.igst, "camt": amounts.cgst, "samt": amounts.sgst,
            "csamt": amounts.cess}


def _numbered(rows: dict[tuple[str, str, Decimal], dict[str, Any]]) -> list[dict[str, Any]]:
    """The HSN rows in code order, numbered; a row that nets to nothing (sold and returned) is left out."""
    kept = [(key, row) for key, row in sorted(rows.items()) if row["qty"] or row["amounts"] != TaxAmounts()]
    return [{"num": n, **_hsn_row(*key, row)} for n, (key, row) in enumerate(kept, start=1)]


def gstr1(ctx: Context, year: int, month: int) -> dict[str, Any]:
    """GSTR-1 for a month in the portal's JSON shape (amounts as Decimals: write with `decimal_json.dumps`)."""
    seller_gstin, documents = outward_documents(ctx, year, month)
    b2b: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cl: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cs: dict[tuple[str, str, Decimal], TaxAmounts] = {}
    cdnr: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cdnur: list[dict[str, Any]] = []
    nil: dict[str, Decimal] = defaultdict(Decimal)
    hsn: dict[bool, dict[tuple[str, str, Decimal], dict[str, Any]]] = {True: {}, False: {}}
    issued: dict[tuple[InvoiceKind, int], list[str]] = defaultdict(list)
    for document in documents:
        doc = document.view
        note = doc.kind is InvoiceKind.CREDIT_NOTE
        sign = -1 if note else 1
        issued[doc.kind, document.series_id].append(doc.number)
        idt = doc.invoice_date.strftime("%d-%m-%Y")
        inter = "INTER" if doc.supply is Supply.INTER_STATE else "INTRA"
        for line in doc.lines:
            if is_nil(line):
                nil[NIL_TYPES[inter, doc.is_b2b]] += sign * line.taxable_value
        if any(not is_nil(line) for line in doc.lines):
            above_limit = doc.supply is Supply.INTER_STATE and max(doc.total, document.original_total or 0) > \
                b2c_limit(doc.invoice_date)
            if note and doc.is_b2b:
                cdnr[doc.buyer_gstin].append({"ntty": "C", "nt_num": doc.number, "nt_dt": idt, "val": doc.total,
                                              "pos": doc.place_of_supply, "rchrg": "N", "inv_typ": "R",
                                              "itms": _rates(doc.lines)})
            elif doc.is_b2b:
                b2b[doc.buyer_gstin].append({"inum": doc.number, "idt": idt, "val": doc.total,
                                             "pos": doc.place_of_supply, "rchrg": "N", "inv_typ": "R",
                                             "itms": _rates(doc.lines)})
            elif note and above_limit:
                cdnur.append({"typ": "B2CL", "ntty": "C", "nt_num": doc.number, "nt_dt": idt, "val": doc.total,
                              "pos": doc.place_of_supply, "itms": _rates(doc.lines, inter_state_only=True)})
            elif above_limit:
                b2cl[doc.place_of_supply].append({"inum": doc.number, "idt": idt, "val": doc.total,
                                                  "itms": _rates(doc.lines, inter_state_only=True)})
            else:
                for line in doc.lines:
                    if not is_nil(line):
                        key = (inter, doc.place_of_supply, line.rate)
                        b2cs[key] = b2cs.get(key, TaxAmounts()) + (-line.amounts if note else line.amounts)
        for line in doc.lines:
            service = bool(line.hsn_code) and hsn_id.is_sac(line.hsn_code)
            row = hsn[doc.is_b2b].setdefault((line.hsn_code or "", "NA" if service else uqc(line.unit), line.rate), {
                "desc": line.description[:HSN_DESCRIPTION_LENGTH], "qty": Decimal(0), "amounts": TaxAmounts()})
            row["qty"] += 0 if service else sign * line.quantity
            row["amounts"] += -line.amounts if note else line.amounts
    start, _ = month_range(year, month)
    return {
        "gstin": seller_gstin,
        "fp": f"{month:02d}{year}",
        "b2b": [{"ctin": ctin, "inv": inv} for ctin, inv in sorted(b2b.items())],
        "b2cl": [{"pos": pos, "inv": inv} for pos, inv in sorted(b2cl.items())],
        "b2cs": [_b2cs_row(sply, pos, rate, amounts) for (sply, pos, rate), amounts in sorted(b2cs.items())],
        "cdnr": [{"ctin": ctin, "nt": notes} for ctin, notes in sorted(cdnr.items())],
        "cdnur": cdnur,
        "nil": {"inv": [{"sply_ty": sply, "expt_amt": Decimal(0), "nil_amt": amount, "ngsup_amt": Decimal(0)}
                        for sply, amount in sorted(nil.items())]},
        "hsn": ({"hsn_b2b": _numbered(hsn[True]), "hsn_b2c": _numbered(hsn[False])} if start >= HSN_SPLIT_FROM
                else {"data": _numbered(_merged(hsn[True], hsn[False]))}),
        "doc_issue": {"doc_det": _doc_issue(issued)},
    }


def _b2cs_row(sply: str, pos: str, rate: Decimal, amounts: TaxAmounts) -> dict[str, Any]:
    taxes = {"iamt": amounts.igst} if sply == "INTER" else {"camt": amounts.cgst, "samt": amounts.sgst}
    return {"sply_ty": sply, "pos": pos, "typ": "OE", "rt": rate.normalize(), "txval": amounts.taxable_value,
            **taxes, "csamt": amounts.cess}


def _merged(*tables: dict[tuple[str, str, Decimal], dict[str, Any]]) -> dict[tuple[str, str, Decimal], dict[str, Any]]:
    merged: dict[tuple[str, str, Decimal], dict[str, Any]] = {}
    for table in tables:
        for key, row in table.items():
            into = merged.setdefault(key, {"desc": row["desc"], "qty": Decimal(0), "amounts": TaxAmounts()})
            into["qty"] += row["qty"]
            into["amounts"] += row["amounts"]
    return merged


def _doc_issue(issued: dict[tuple[InvoiceKind, int], list[str]]) -> list[dict[str, Any]]:
    natures: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (kind, _series), numbers in sorted(issued.items(), key=lambda item: (DOCUMENT_NATURES[item[0][0]][0],
                                                                             item[0][1])):
        docs = natures[DOCUMENT_NATURES[kind][0]]
        docs.append({"num": len(docs) + 1, "from": numbers[0], "to": numbers[-1], "totnum": len(numbers),
                     "cancel": 0, "net_issue": len(numbers)})
    return [{"doc_num": nature, "docs": docs} for nature, docs in sorted(natures.items())]


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


HSN_HEADER = ["HSN", "Description", "UQC", "Total Quantity", "Total Value", "Rate", "Taxable Value",
              "Integrated Tax Amount", "Central Tax Amount", "State/UT Tax Amount", "Cess Amount"]


def _hsn_csv(rows: list[dict[str, Any]]) -> str:
    return _csv(HSN_HEADER, [
        [row["hsn_sc"], row["desc"], row["uqc"] if row["uqc"] == "NA" else f"{row['uqc']}-{UQC_NAMES[row['uqc']]}",
         row["qty"], row["txval"] + row["iamt"] + row["camt"] + row["samt"] + row["csamt"], row["rt"], row["txval"],
         row["iamt"], row["camt"], row["samt"], row["csamt"]] for row in rows])


def gstr1_csv(ctx: Context, year: int, month: int) -> dict[str, str]:
    """GSTR-1 for a month as the offline tool's CSV files, one per table: `b2b.csv`, `b2cl.csv`, `b2cs.csv`,
    `cdnr.csv`, `cdnur.csv`, `exemp.csv`, `hsn(b2b).csv` and `hsn(b2c).csv` (`hsn.csv` before May 2025), `docs.csv`."""
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
    cdnr = [[entry["ctin"], names.get(entry["ctin"], ""), note["nt_num"], _date(note["nt_dt"]), note["ntty"],
             _pos(note["pos"]), note["rchrg"], "Regular B2B", note["val"], "", item["itm_det"]["rt"],
             item["itm_det"]["txval"], item["itm_det"]["csamt"]]
            for entry in report["cdnr"] for note in entry["nt"] for item in note["itms"]]
    cdnur = [[note["typ"], note["nt_num"], _date(note["nt_dt"]), note["ntty"], _pos(note["pos"]), note["val"], "",
              item["itm_det"]["rt"], item["itm_det"]["txval"], item["itm_det"]["csamt"]]
             for note in report["cdnur"] for item in note["itms"]]
    nil = {row["sply_ty"]: row for row in report["nil"]["inv"]}
    exempt = [[description, nil[sply]["nil_amt"] if sply in nil else Decimal(0), Decimal(0), Decimal(0)]
              for sply, description in NIL_DESCRIPTIONS.items()]
    natures = {number: name for number, name in DOCUMENT_NATURES.values()}
    docs = [[natures[nature["doc_num"]], doc["from"], doc["to"], doc["totnum"], doc["cancel"]]
            for nature in report["doc_issue"]["doc_det"] for doc in nature["docs"]]
    hsn = report["hsn"]
    files = {
        "b2b.csv": _csv(["GSTIN/UIN of Recipient", "Receiver Name", "Invoice Number", "Invoice date",
                         "Invoice Value", "Place Of Supply", "Reverse Charge", "Applicable % of Tax Rate",
                         "Invoice Type", "E-Commerce GSTIN", "Rate", "Taxable Value", "Cess Amount"], b2b),
        "b2cl.csv": _csv(["Invoice Number", "Invoice date", "Invoice Value", "Place Of Supply",
                          "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount", "E-Commerce GSTIN"],
                         b2cl),
        "b2cs.csv": _csv(["Type", "Place Of Supply", "Applicable % of Tax Rate", "Rate", "Taxable Value",
                          "Cess Amount", "E-Commerce GSTIN"], b2cs),
        "cdnr.csv": _csv(["GSTIN/UIN of Recipient", "Receiver Name", "Note Number", "Note Date", "Note Type",
                          "Place Of Supply", "Reverse Charge", "Note Supply Type", "Note Value",
                          "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount"], cdnr),
        "cdnur.csv": _csv(["UR Type", "Note Number", "Note Date", "Note Type", "Place Of Supply", "Note Value",
                           "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount"], cdnur),
        "exemp.csv": _csv(["Description", "Nil Rated Supplies", "Exempted(other than nil rated/non GST supply)",
                           "Non-GST Supplies"], exempt),
        "docs.csv": _csv(["Nature of Document", "Sr. No. From", "Sr. No. To", "Total Number", "Cancelled"], docs),
    }
    if "data" in hsn:
        files["hsn.csv"] = _hsn_csv(hsn["data"])
    else:
        files["hsn(b2b).csv"] = _hsn_csv(hsn["hsn_b2b"])
        files["hsn(b2c).csv"] = _hsn_csv(hsn["hsn_b2c"])
    return files
