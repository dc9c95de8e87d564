"""A bill read from a photo, its arithmetic cross-checked, every field with a confidence.

    reading = read_bill("bill.jpg", country="IN")
    reading.total, reading.lines, reading.confidence["total"], reading.problems

A field is trusted only as far as the bill agrees with itself: the lines must add up to the taxable value (or the
total when there is no tax), each tax row must be its printed rate of that value, and taxable value + tax +
round-off must be the grand total. What does not add up is named in `problems` and its confidence drops; when the
rest of the bill agrees and only the printed total does not, the total is the one the bill's own figures give.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import nepali_datetime

from erp_core.photos import fields, image, line_items, ocr

CENT = Decimal("0.01")
RUPEE = Decimal(1)
JSON_FIELDS = ("kind", "party", "gstin", "pan", "invoice_no", "date", "date_bs", "total", "tax_total", "lines")
"""The fields `bot read-photo --json` prints, besides `confidence`."""


@dataclass(frozen=True)
class BillLine:
    name: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "quantity": float(self.quantity), "unit": self.unit, "rate": float(self.rate),
                "amount": float(self.amount)}


@dataclass
class BillReading:
    """What a photo of a bill says, as far as it could be read and checked."""

    kind: str = "purchase"
    """"purchase" (goods bought to sell, from a supplier) or "expense" (a receipt for something the shop used)."""
    category: str | None = None
    """The expense category a receipt belongs to (fuel, food, ...); None for a purchase."""
    party: str | None = None
    gstin: str | None = None
    pan: str | None = None
    invoice_no: str | None = None
    date: dt.date | None = None
    date_bs: str | None = None
    total: Decimal | None = None
    tax_total: Decimal | None = None
    taxable: Decimal | None = None
    round_off: Decimal | None = None
    lines: list[BillLine] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """What did not add up or could not be read, in plain English (the chat says it in the person's words)."""
    text: str = ""
    steps: list[str] = field(default_factory=list)
    language: str = ""
    seconds: float = 0.0

    @property
    def readable(self) -> bool:
        """Whether there is enough to book: a total, or lines to make one from."""
        return self.total is not None and self.total > 0

    def as_json(self) -> dict[str, Any]:
        """`bot read-photo --json`'s object: exactly `JSON_FIELDS` and `confidence`; numbers as JSON numbers."""
        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {"kind": self.kind, "party": self.party, "gstin": self.gstin, "pan": self.pan,
                "invoice_no": self.invoice_no, "date": self.date.isoformat() if self.date else None,
                "date_bs": self.date_bs, "total": number(self.total), "tax_total": number(self.tax_total),
                "lines": [line.as_json() for line in self.lines],
                "confidence": {name: round(self.confidence.get(name, 0.0), 2) for name in JSON_FIELDS}}


def _close(a: Decimal, b: Decimal, tolerance: Decimal = CENT * 5) -> bool:
    return abs(a - b) <= tolerance


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


TAX_RATES = (Decimal(5), Decimal(12), Decimal(18), Decimal(28), Decimal(13), Decimal(3))
"""GST slabs and Nepal's VAT: a total this much above the lines carries tax the OCR did not read."""


def _hidden_tax(printed: Decimal, base: Decimal) -> bool:
    return base > 0 and any(_close(printed, base * (1 + rate / 100), max(RUPEE, base / 500)) for rate in TAX_RATES)


def _check(reading: BillReading, totals: fields.Totals) -> None:
    """Cross-check the figures, fill what the others imply, and set the money fields' confidences."""
    lines_sum = sum((line.amount for line in reading.lines), Decimal(0))
    taxes = totals.taxes or []
    tax = sum((amount for amount, _, _ in taxes), Decimal(0))
    subtotal = None if totals.subtotal is None else _money(totals.subtotal.value)
    round_off = _money(totals.round_off.value) if totals.round_off else Decimal(0)
    if subtotal is not None and reading.lines and not _close(subtotal, lines_sum) and not taxes \
            and _close(subtotal, lines_sum + round_off, RUPEE):
        subtotal = None                         # a "total" row read as a subtotal on a bill without tax
    base = subtotal if subtotal is not None else (lines_sum if reading.lines else None)
    lines_ok = bool(reading.lines) and (
        (subtotal is not None and _close(lines_sum, subtotal)) or
        (subtotal is None and not taxes and totals.grand is not None and
         _close(lines_sum + round_off, _money(totals.grand.value), RUPEE)))
    rated = [(amount, rate) for amount, rate, _ in taxes if rate is not None]
    tax_ok = base is not None and bool(rated) and all(
        _close(amount, base * rate / 100, Decimal("0.06")) for amount, rate in rated)
    expected = None if base is None else base + tax + round_off
    printed = None if totals.grand is None else _money(totals.grand.value)
    ocr_total = totals.grand.confidence if totals.grand else 0.0
    if printed is not None and expected is not None and _close(printed, expected, RUPEE if not totals.round_off
                                                                 else CENT * 5):
        reading.total = printed
        reading.confidence["total"] = 0.97 if (lines_ok or tax_ok) else max(0.8, ocr_total)
    elif printed is not None and base is not None and _hidden_tax(printed, base) and not tax_ok:
        reading.total = printed
        reading.confidence["total"] = 0.6 * ocr_total
        reading.problems.append(f"the total {printed} is more than the lines ({base}) by about a tax rate; "
                                "the tax rows could not all be read")
        taxes = [(printed - base - round_off, None, 0.3)]
        tax = printed - base - round_off
    elif printed is not None and expected is not None and (lines_ok or tax_ok):
        reading.total = expected.quantize(CENT) if totals.round_off else expected.quantize(RUPEE, ROUND_HALF_UP) \
            if not tax else expected.quantize(CENT)
        reading.confidence["total"] = 0.5
        reading.problems.append(f"the printed total {printed} does not match the bill's own figures "
                                f"({expected}); the figures were taken")
    elif printed is not None:
        reading.total = printed
        reading.confidence["total"] = 0.6 * ocr_total if expected is None else 0.3
        if expected is not None:
            reading.problems.append(f"the total {printed} does not match the lines and taxes ({expected})")
    elif expected is not None:
        reading.total = expected
        reading.confidence["total"] = 0.5 if (lines_ok or tax_ok) else 0.3
        reading.problems.append("no total was found; it was added up from the lines")
    else:
        reading.problems.append("no total was found")
    if reading.lines and not lines_ok:
        reading.problems.append(f"the lines add up to {lines_sum}, which is not the bill's "
                                f"{'taxable value' if subtotal is not None else 'total'}")
    if taxes and base is not None and rated and not tax_ok:
        reading.problems.append("a tax row is not its rate of the taxable value")
    reading.taxable = base
    reading.round_off = round_off if totals.round_off else None
    reading.tax_total = tax if taxes else (Decimal("0.00") if reading.total is not None else None)
    tax_read = min((confidence for *_, confidence in taxes), default=0.0)
    reading.confidence["tax_total"] = (0.95 if tax_ok and reading.confidence.get("total", 0) >= 0.9 else
                                       0.7 * tax_read) if taxes else (0.8 if lines_ok else 0.4)
    line_read = min((line_conf for line_conf in reading.confidence.get("_lines", [])), default=0.0)
    reading.confidence["lines"] = 0.95 if lines_ok else (0.5 * line_read if reading.lines else 0.0)
    reading.confidence.pop("_lines", None)


def read_lines(lines: list[ocr.Line], country: str = "IN") -> BillReading:
    """A bill from its OCR lines (what `read_bill` does after the image work; tests feed text here)."""
    reading = BillReading()
    reading.text = "\n".join(line.text for line in lines)
    reading.kind, reading.category = fields.find_kind(lines)
    reading.confidence["kind"] = 0.9 if reading.kind == "expense" else 0.7
    for name, finder in (("party", fields.find_party), ("gstin", fields.find_gstin), ("pan", fields.find_pan),
                         ("invoice_no", fields.find_invoice_number)):
        found = finder(lines)
        if found is not None:
            setattr(reading, name, found.value)
            reading.confidence[name] = found.confidence
    if reading.gstin and reading.confidence["gstin"] < 0.2:
        reading.problems.append(f"the GSTIN {reading.gstin} is not valid as read")
        reading.gstin = None
    found_date = fields.find_date(lines)
    if found_date is not None:
        bill_date: fields.BillDate = found_date.value  # type: ignore[assignment]
        reading.date, reading.date_bs = bill_date.ad, bill_date.bs
        if reading.date_bs is None and country.upper() == "NP":
            reading.date_bs = nepali_datetime.date.from_datetime_date(bill_date.ad).strftime("%Y-%m-%d")
        reading.confidence["date"] = reading.confidence["date_bs"] = found_date.confidence
    totals = fields.find_totals(lines)
    items = line_items.find_items(lines, totals.summary_top,
                              None if totals.grand is None else Decimal(str(totals.grand.value)))
    reading.lines = [BillLine(item.name, item.quantity, item.unit, item.rate, _money(item.amount)) for item in items]
    reading.confidence["_lines"] = [item.confidence for item in items]  # type: ignore[assignment]
    _check(reading, totals)
    return reading


def read_bill(path: Path | str, country: str = "IN") -> BillReading:
    """Read the bill or receipt in the photo at `path` for a shop in `country` ("IN" or "NP")."""
    started = time.perf_counter()
    page = image.prepare(path)
    language = ocr.languages(country)
    lines = ocr.read_lines(page.gray, language)
    if ocr.page_confidence(lines) < 0.7:          # orientation detection missed a page upside down
        flipped = ocr.read_lines(image.turned_over(page.gray), language)
        if ocr.page_confidence(flipped) > ocr.page_confidence(lines) + 0.1:
            lines = flipped
            page.steps.append("turned 180°")
    switched = ocr.better_language(language, "\n".join(line.text for line in lines))
    if switched:
        language, lines = switched, ocr.read_lines(page.gray, switched)
    reading = read_lines(lines, country)
    reading.steps, reading.language = page.steps, language
    reading.seconds = time.perf_counter() - started
    return reading
