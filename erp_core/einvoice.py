"""The e-invoice of a B2B tax invoice or credit note, in the NIC IRP schema 1.1 shape:
the JSON a GSP submits to the Invoice Registration Portal to get an IRN.

Line values follow the portal's checks: AssAmt = TotAmt - Discount, and
TotItemVal = AssAmt + the taxes. For tax-inclusive lines the unit price is
shown before tax (the taxable value per unit, to three decimals) and the
discount is already inside the taxable value.

Every document is checked against the schema's rules (`erp_core.irp_schema`)
before it is returned: one the IRP would refuse (a 4-digit HSN code, a name of
two letters, a description with a double quote) is a `ValidationError` that
says what to fix. A credit note's reason goes into the remark (RefDtls.InvRm)
with its spaces as dashes; a reason in another script is left out of the
remark (the credit note itself keeps it).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from erp_core.context import Context
from erp_core.enums import Country, InvoiceKind
from erp_core.errors import ValidationError
from erp_core.gst import paise
from erp_core import irp_schema
from erp_core.ids import hsn
from erp_core.ids.states import STATES
from erp_core.invoice_views import InvoiceLineView, InvoiceView, get_invoice
from erp_core.units import uqc

SCHEMA_VERSION = "1.1"
_PIN = re.compile(r"\b([1-9][0-9]{5})\b")
_ZERO = Decimal("0.00")
_NOT_IN_REMARK = re.compile(r"[^0-9A-Za-z/-]+")


def _date(invoice: InvoiceView) -> str:
    return invoice.invoice_date.strftime("%d/%m/%Y")


def _address(name: str, address: str, state: str | None) -> dict[str, Any]:
    """Addr1, Loc and Pin from a free-text address that contains a 6-digit PIN code."""
    pin = _PIN.search(address or "")
    if pin is None:
        raise ValidationError(field="address", reason=f"the e-invoice needs a 6-digit PIN code in {name}'s address")
    parts = [p.strip() for p in _PIN.sub("", address).replace("\n", ",").split(",") if p.strip()]
    location = parts[-1] if parts else STATES.get(state or "", "")
    return {"Addr1": (", ".join(parts) or location)[:100], "Loc": location[:50], "Pin": int(pin.group(1))}


def _remark(reason: str) -> str | None:
    """The reason as the IRP's remark allows it (letters, digits, / and -), or None when too little is left."""
    remark = _NOT_IN_REMARK.sub("-", reason).strip("-")[:100]
    return remark if len(remark) >= 3 else None


def _item(number: int, line: InvoiceLineView) -> dict[str, Any]:
    if not line.hsn_code:
        raise ValidationError(field="hsn_code", reason=f"{line.description} has no HSN code")
    if line.price_includes_tax:
        unit_price = (line.taxable_value / line.quantity).quantize(Decimal("0.001"), ROUND_HALF_UP)
        total, discount = line.taxable_value, _ZERO
    else:
        unit_price, total, discount = line.unit_price, paise(line.quantity * line.unit_price), line.discount
    return {
        "SlNo": str(number), "PrdDesc": line.description[:300], "IsServc": "Y" if hsn.is_sac(line.hsn_code) else "N",
        "HsnCd": line.hsn_code, "Qty": line.quantity, "FreeQty": 0, "Unit": uqc(line.unit),
        "UnitPrice": unit_price, "TotAmt": total, "Discount": discount, "PreTaxVal": _ZERO,
        "AssAmt": line.taxable_value, "GstRt": line.rate, "IgstAmt": line.igst, "CgstAmt": line.cgst,
        "SgstAmt": line.sgst, "CesRt": line.cess_rate, "CesAmt": line.cess, "CesNonAdvlAmt": _ZERO,
        "StateCesRt": _ZERO, "StateCesAmt": _ZERO, "StateCesNonAdvlAmt": _ZERO, "OthChrg": _ZERO,
        "TotItemVal": line.total,
    }


def einvoice(ctx: Context, invoice_id: int) -> dict[str, Any]:
    """The IRP schema 1.1 document of a B2B tax invoice or credit note (Decimals for amounts;
    write it with `erp_core.decimal_json.dumps`)."""
    invoice = get_invoice(ctx, invoice_id)
    if invoice.country is not Country.IN or invoice.kind is InvoiceKind.BILL_OF_SUPPLY:
        raise ValidationError(field="invoice_id", reason="e-invoices are for GST tax invoices and credit notes")
    if not invoice.is_b2b:
        raise ValidationError(field="invoice_id", reason="e-invoices are for buyers with a GSTIN (B2B)")
    buyer_state = invoice.buyer_gstin[:2]
    document: dict[str, Any] = {
        "Version": SCHEMA_VERSION,
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "EcmGstin": None, "IgstOnIntra": "N"},
        "DocDtls": {"Typ": "CRN" if invoice.kind is InvoiceKind.CREDIT_NOTE else "INV", "No": invoice.number,
                    "Dt": _date(invoice)},
        "SellerDtls": {"Gstin": invoice.seller_tax_id, "LglNm": invoice.seller_name[:100],
                       **_address(invoice.seller_name, invoice.seller_address, invoice.seller_state),
                       "Stcd": invoice.seller_state},
        "BuyerDtls": {"Gstin": invoice.buyer_gstin, "LglNm": invoice.buyer_name[:100], "Pos": invoice.place_of_supply,
                      **_address(invoice.buyer_name, invoice.buyer_address, buyer_state), "Stcd": buyer_state},
        "ItemList": [_item(n, line) for n, line in enumerate(invoice.lines, start=1)],
        "ValDtls": {"AssVal": invoice.taxable_value, "CgstVal": invoice.cgst, "SgstVal": invoice.sgst,
                    "IgstVal": invoice.igst, "CesVal": invoice.cess, "StCesVal": _ZERO, "Discount": _ZERO,
                    "OthChrg": _ZERO, "RndOffAmt": invoice.round_off, "TotInvVal": invoice.total},
    }
    if invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.original_id is not None:
        original = get_invoice(ctx, invoice.original_id)
        document["RefDtls"] = {"InvRm": _remark(invoice.reason),
                               "PrecDocDtls": [{"InvNo": original.number, "InvDt": _date(original)}]}
    if found := irp_schema.problems(document):
        raise ValidationError(field="einvoice", reason="the IRP would refuse this e-invoice: " + "; ".join(found))
    return document
