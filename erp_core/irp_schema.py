"""The IRP's checks of an e-invoice (NIC schema INV-01 1.1), written from the published schema's facts:
required fields, patterns, lengths, ranges, and the portal's value checks on lines and totals.

`problems(document)` lists every rule a document breaks, as "<path>: <what is wrong>"; `erp_core.einvoice`
refuses to produce a document with any, and the tests check every document they make against it.
Where the schema and the portal's practice differ, the stricter rule is kept: document numbers in capitals
(DocDtls.No), 6- or 8-digit HSN codes (e-invoicing applies above ₹5 crore turnover, which must report at
least 6 digits), remarks (RefDtls.InvRm) of letters, digits, `/` and `-` only.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_DOC_NUMBER = re.compile(r"^[A-Z1-9][A-Z0-9/-]{0,15}$")
_PRECEDING_NUMBER = re.compile(r"^[1-9A-Za-z][0-9A-Za-z/-]{1,15}$")
_DATE = re.compile(r"^[0-3][0-9]/[0-1][0-9]/20[1-2][0-9]$")
_GSTIN = re.compile(r"^[0-9]{2}[0-9A-Z]{13}$")
_STATE = re.compile(r"^(?!0+$)[0-9]{1,2}$")
_HSN = re.compile(r"^(?!0+$)([0-9]{6}|[0-9]{8})$")
_UNIT = re.compile(r"^[A-Za-z]{3,8}$")
_SERIAL = re.compile(r"^[0-9]{1,6}$")
_REMARK = re.compile(r"^[0-9A-Za-z/-]{3,100}$")
_FREE_TEXT = re.compile(r'^[^"\\]*$')
_YES_NO = frozenset({"Y", "N"})
SUPPLY_TYPES = frozenset({"B2B", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"})
DOCUMENT_TYPES = frozenset({"INV", "CRN", "DBN"})
_AMOUNT_LIMIT = Decimal("999999999999.99")
_TOTAL_LIMIT = Decimal("99999999999999.99")
_ROUND_OFF_LIMIT = Decimal("99.99")
_TOLERANCE = Decimal("1.00")
"""The portal allows a difference of up to ₹1 between a line's or the invoice's figures and their sum."""
ITEM_AMOUNTS = ("TotAmt", "Discount", "PreTaxVal", "AssAmt", "IgstAmt", "CgstAmt", "SgstAmt", "CesAmt",
                "CesNonAdvlAmt", "StateCesAmt", "StateCesNonAdvlAmt", "OthChrg", "TotItemVal")
TEXT_FIELDS = frozenset({"LglNm", "TrdNm", "Addr1", "Addr2", "Loc", "PrdDesc", "InvRm", "Nm", "Barcde"})


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Checker:
    def __init__(self) -> None:
        self.found: list[str] = []

    def fail(self, path: str, what: str) -> None:
        self.found.append(f"{path}: {what}")

    def required(self, block: dict[str, Any], path: str, keys: tuple[str, ...]) -> None:
        for key in keys:
            if block.get(key) in (None, ""):
                self.fail(_join(path, key), "is required")

    def pattern(self, value: Any, path: str, regex: re.Pattern[str], what: str) -> None:
        if value is not None and not (isinstance(value, str) and regex.match(value)):
            self.fail(path, f"{value!r} {what}")

    def length(self, value: Any, path: str, low: int, high: int) -> None:
        if value is not None and not low <= len(str(value)) <= high:
            self.fail(path, f"{value!r} must have {low} to {high} characters")

    def amount(self, value: Any, path: str, limit: Decimal, low: Decimal = Decimal(0), places: int = 2) -> None:
        if value is None:
            return
        if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
            self.fail(path, f"{value!r} is not a number")
        elif not low <= value <= limit:
            self.fail(path, f"{value} is outside {low} to {limit}")
        elif Decimal(value).as_tuple().exponent < -places:  # type: ignore[operator]
            self.fail(path, f"{value} has more than {places} decimals")

    def free_text(self, node: Any, path: str) -> None:
        """No free-text field may hold a double quote or a backslash."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TEXT_FIELDS and isinstance(value, str) and not _FREE_TEXT.match(value):
                    self.fail(_join(path, key), 'may not contain " or \\')
                self.free_text(value, _join(path, key))
        elif isinstance(node, list):
            for n, value in enumerate(node):
                self.free_text(value, f"{path}[{n}]")


def _party(check: _Checker, block: dict[str, Any], path: str, *, buyer: bool) -> None:
    check.required(block, path, ("Gstin", "LglNm", "Addr1", "Loc", "Stcd") + (("Pos",) if buyer else ("Pin",)))
    gstin = block.get("Gstin")
    if not (buyer and gstin == "URP"):
        check.pattern(gstin, f"{path}.Gstin", _GSTIN, "is not a GSTIN")
    check.length(block.get("LglNm"), f"{path}.LglNm", 3, 100)
    check.length(block.get("TrdNm"), f"{path}.TrdNm", 3, 100)
    check.length(block.get("Addr1"), f"{path}.Addr1", 1, 100)
    check.length(block.get("Addr2"), f"{path}.Addr2", 3, 100)
    check.length(block.get("Loc"), f"{path}.Loc", 3, 100 if buyer else 50)
    pin = block.get("Pin")
    if pin is not None and not (isinstance(pin, int) and 100000 <= pin <= 999999):
        check.fail(f"{path}.Pin", f"{pin!r} is not a 6-digit PIN code")
    check.pattern(block.get("Stcd"), f"{path}.Stcd", _STATE, "is not a state code")
    if buyer:
        check.pattern(block.get("Pos"), f"{path}.Pos", _STATE, "is not a state code")


def _item(check: _Checker, item: dict[str, Any], path: str) -> None:
    check.required(item, path, ("SlNo", "IsServc", "HsnCd", "UnitPrice", "TotAmt", "AssAmt", "GstRt", "TotItemVal"))
    check.pattern(item.get("SlNo"), f"{path}.SlNo", _SERIAL, "is not a serial number")
    check.length(item.get("PrdDesc"), f"{path}.PrdDesc", 3, 300)
    if item.get("IsServc") not in _YES_NO:
        check.fail(f"{path}.IsServc", "must be Y or N")
    check.pattern(item.get("HsnCd"), f"{path}.HsnCd", _HSN, "must have 6 or 8 digits for an e-invoice")
    check.pattern(item.get("Unit"), f"{path}.Unit", _UNIT, "is not a unit code (3 to 8 letters)")
    before = len(check.found)
    for key in ITEM_AMOUNTS:
        check.amount(item.get(key), f"{path}.{key}", _AMOUNT_LIMIT)
    check.amount(item.get("UnitPrice"), f"{path}.UnitPrice", Decimal("999999999999.999"), places=3)
    check.amount(item.get("Qty"), f"{path}.Qty", Decimal("9999999999.999"), places=3)
    for key in ("GstRt", "CesRt", "StateCesRt"):
        value = item.get(key)
        if value is not None and not Decimal(0) <= Decimal(value) <= Decimal("999.999"):
            check.fail(f"{path}.{key}", f"{value} is not a rate")
    if len(check.found) > before:  # the sums below need numbers
        return
    get = lambda key: Decimal(item.get(key) or 0)  # noqa: E731 - a local shorthand
    if abs(get("AssAmt") - (get("TotAmt") - get("Discount"))) > _TOLERANCE:
        check.fail(f"{path}.AssAmt", "is not TotAmt - Discount")
    taxes = sum(get(key) for key in ("IgstAmt", "CgstAmt", "SgstAmt", "CesAmt", "CesNonAdvlAmt", "StateCesAmt",
                                     "StateCesNonAdvlAmt", "OthChrg"))
    if abs(get("TotItemVal") - (get("AssAmt") + taxes)) > _TOLERANCE:
        check.fail(f"{path}.TotItemVal", "is not AssAmt plus the taxes and other charges")
    if get("CgstAmt") != get("SgstAmt"):
        check.fail(f"{path}.CgstAmt", "CGST and SGST must be equal")


def _values(check: _Checker, values: dict[str, Any], items: list[dict[str, Any]]) -> None:
    before = len(check.found)
    check.required(values, "ValDtls", ("AssVal", "TotInvVal"))
    for key in ("AssVal", "CgstVal", "SgstVal", "IgstVal", "CesVal", "StCesVal", "Discount", "OthChrg", "TotInvVal"):
        check.amount(values.get(key), f"ValDtls.{key}", _TOTAL_LIMIT)
    check.amount(values.get("RndOffAmt"), "ValDtls.RndOffAmt", _ROUND_OFF_LIMIT, -_ROUND_OFF_LIMIT)
    if len(check.found) > before:
        return
    total = lambda key: sum((Decimal(item.get(key) or 0) for item in items), Decimal(0))  # noqa: E731
    get = lambda key: Decimal(values.get(key) or 0)  # noqa: E731
    for key, item_key in (("AssVal", "AssAmt"), ("IgstVal", "IgstAmt"), ("CgstVal", "CgstAmt"),
                          ("SgstVal", "SgstAmt"), ("CesVal", "CesAmt")):
        if abs(get(key) - total(item_key)) > _TOLERANCE:
            check.fail(f"ValDtls.{key}", f"is not the sum of the items' {item_key}")
    expected = (total("TotItemVal") + get("OthChrg") + get("RndOffAmt") - get("Discount"))
    if abs(get("TotInvVal") - expected) > _TOLERANCE:
        check.fail("ValDtls.TotInvVal", "is not the items' TotItemVal plus other charges and round-off, less discount")


def problems(document: dict[str, Any]) -> list[str]:
    """Every rule of the IRP schema 1.1 (and of the portal's value checks) that `document` breaks."""
    check = _Checker()
    check.required(document, "", ("Version", "TranDtls", "DocDtls", "SellerDtls", "BuyerDtls", "ItemList",
                                  "ValDtls"))
    if check.found:
        return check.found
    tran, doc = document["TranDtls"], document["DocDtls"]
    if tran.get("TaxSch") != "GST":
        check.fail("TranDtls.TaxSch", "must be GST")
    if tran.get("SupTyp") not in SUPPLY_TYPES:
        check.fail("TranDtls.SupTyp", f"{tran.get('SupTyp')!r} is not a supply type")
    for key in ("RegRev", "IgstOnIntra"):
        if tran.get(key) not in _YES_NO | {None}:
            check.fail(f"TranDtls.{key}", "must be Y or N")
    check.pattern(tran.get("EcmGstin"), "TranDtls.EcmGstin", _GSTIN, "is not a GSTIN")
    if doc.get("Typ") not in DOCUMENT_TYPES:
        check.fail("DocDtls.Typ", f"{doc.get('Typ')!r} is not INV, CRN or DBN")
    check.required(doc, "DocDtls", ("No", "Dt"))
    check.pattern(doc.get("No"), "DocDtls.No", _DOC_NUMBER,
                  "must be capital letters, digits, / and - (16 at most), not starting with 0, / or -")
    check.pattern(doc.get("Dt"), "DocDtls.Dt", _DATE, "is not a dd/mm/yyyy date")
    _party(check, document["SellerDtls"], "SellerDtls", buyer=False)
    _party(check, document["BuyerDtls"], "BuyerDtls", buyer=True)
    items = document["ItemList"]
    if not 1 <= len(items) <= 1000:
        check.fail("ItemList", "must have 1 to 1000 items")
    for n, item in enumerate(items):
        _item(check, item, f"ItemList[{n}]")
    _values(check, document["ValDtls"], items)
    reference = document.get("RefDtls") or {}
    check.pattern(reference.get("InvRm"), "RefDtls.InvRm", _REMARK,
                  "must be 3 to 100 letters, digits, / or - (no spaces, no other scripts)")
    for n, preceding in enumerate(reference.get("PrecDocDtls") or []):
        check.pattern(preceding.get("InvNo"), f"RefDtls.PrecDocDtls[{n}].InvNo", _PRECEDING_NUMBER,
                      "is not a document number")
        check.pattern(preceding.get("InvDt"), f"RefDtls.PrecDocDtls[{n}].InvDt", _DATE, "is not a dd/mm/yyyy date")
    check.free_text(document, "")
    return check.found
