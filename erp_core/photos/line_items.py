"""A bill's line items in its OCR text: table rows whose quantity × rate is their amount (a receipt's item name
may be on the line above; a dropped decimal point is recovered), or a receipt's one labelled item (a fuel pump's
Product / Rate / Volume / Amount)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from erp_core.photos.fields import GRAND_TOTAL, NOISE, ROUND_OFF, TAX, numbers, plain
from erp_core.photos.ocr import Line

UNITS = {"kg": "kg", "kgs": "kg", "kilo": "kg", "g": "g", "gm": "g", "gms": "g", "l": "L", "ltr": "L", "ltrs": "L",
         "litre": "L", "liter": "L", "ml": "ml", "pcs": "pcs", "pc": "pcs", "nos": "pcs", "no": "pcs", "pkt": "pkt",
         "packet": "pkt", "box": "box", "bag": "bag", "bags": "bag", "dozen": "dozen", "doz": "dozen",
         "strip": "strip", "bottle": "bottle", "tin": "tin", "case": "case", "bora": "bag",
         "किलो": "किलो", "किग्रा": "किलो", "केजी": "केजी", "लीटर": "लीटर", "लिटर": "लिटर", "पैकेट": "पैकेट",
         "प्याकेट": "प्याकेट", "बोरी": "बोरी", "बोरा": "बोरा", "पीस": "पीस", "नग": "नग", "दर्जन": "दर्जन", "डिब्बा": "डिब्बा",
         "ओटा": "ओटा", "वटा": "वटा", "थान": "थान"}
_SERIAL = re.compile(r"^\s*(?:\d{1,2}|[|!lI])[.)]?\s+")
_HSN = re.compile(r"\s+\d{4,8}\s*$")
_KEY_VALUE = {
    "name": re.compile(r"(?:product|item|fuel)\s*[:\-]\s*(.+)", re.IGNORECASE),
    "rate": re.compile(r"rate[^:\d]*[:\-]?\s*", re.IGNORECASE),
    "quantity": re.compile(r"(?:volume|vol|qty|quantity|litres|liters)[^:\d]*[:\-]?\s*", re.IGNORECASE),
    "amount": re.compile(r"(?:amount|amt|sale)[^:\d]*[:\-]?\s*", re.IGNORECASE),
}


@dataclass(frozen=True)
class Item:
    name: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    confidence: float


def _agrees(quantity: Decimal, rate: Decimal, amount: Decimal) -> bool:
    return quantity > 0 and rate > 0 and abs(quantity * rate - amount) <= max(Decimal("1.0"), amount / 200)


def _lost_point(quantity: Decimal, rate: Decimal, amount: Decimal) -> Decimal | None:
    """The quantity when OCR dropped its decimal point ("125 किलो" for 12.5): amount / rate has the same digits."""
    if rate <= 0 or quantity != quantity.to_integral_value() or quantity < 10:
        return None
    real = (amount / rate).quantize(Decimal("0.001")).normalize()
    digits = format(real, "f").replace(".", "")
    return real if "." in format(real, "f") and digits == str(int(quantity)) and _agrees(real, rate, amount) else None


def _unit_after(text: str, end: int) -> str:
    word = re.match(r"\s*([^\s\d.,:|]+)", text[end:])
    return UNITS.get(word.group(1).lower().strip("."), "") if word else ""


def _has_letters(text: str) -> bool:
    """Two letters or more (Devanagari's vowel signs are not letters to `\\w`, so they are not counted)."""
    return len(re.findall(r"[^\W\d_]", text)) >= 2


def _name_before(text: str, start: int) -> str:
    name = NOISE.sub(" ", text[:start])
    name = _SERIAL.sub("", name)
    for _ in range(2):
        name = _HSN.sub("", name)
    return " ".join(name.split()).strip(" :-.,")


def _row_item(line: Line, previous: Line | None) -> Item | None:
    """A table row: a name, then numbers of which some quantity × rate is the last (the amount)."""
    text = plain(line.text)
    found = numbers(text)
    if len(found) < 3 and not (len(found) == 2 and previous is not None):
        return None
    amount, amount_start, _ = found[-1]
    for q_index in range(len(found) - 2, -1, -1):
        for r_index in range(q_index + 1, len(found) - 1):
            (quantity, q_start, q_end), (rate, _, _) = found[q_index], found[r_index]
            for q, r in ((quantity, rate), (rate, quantity), (_lost_point(quantity, rate, amount), rate)):
                if q is not None and _agrees(q, r, amount) and amount_start > q_start:
                    name = _name_before(text, q_start)
                    if not _has_letters(name) and previous is not None \
                            and not numbers(previous.text):      # a receipt's name on the line above
                        name = _name_before(plain(previous.text), len(plain(previous.text)))
                    if not _has_letters(name):
                        name = ""                                 # the amounts agree; the name was not read
                    return Item(name, q, _unit_after(text, q_end) if r == rate else "", r, amount,
                                line.confidence)
    return None


def _key_value_item(lines: list[Line], total: Decimal | None) -> Item | None:
    """A receipt that prints its one item as labelled lines (a fuel pump's Product / Rate / Volume / Amount)."""
    values: dict[str, object] = {}
    confidences = []
    for line in lines:
        text = plain(line.text)
        for key, label in _KEY_VALUE.items():
            match = label.search(text)
            if not match or key in values:
                continue
            if key == "name":
                values[key] = match.group(1).strip(" :.")
            else:
                found = numbers(text[match.end():])
                if not found:
                    continue
                values[key] = found[0][0]
            confidences.append(line.confidence)
            break
    if "amount" not in values and total is not None:
        values["amount"] = total          # the amount row unreadable: a one-item receipt's total is its amount
    if not {"name", "rate", "quantity", "amount"} <= values.keys():
        return None
    quantity, rate, amount = (Decimal(str(values[key])) for key in ("quantity", "rate", "amount"))
    if not _agrees(quantity, rate, amount):
        return None
    unit = "L" if re.search(r"petrol|diesel|fuel|\bhsd\b|\bms\b", str(values["name"]), re.IGNORECASE) else ""
    return Item(str(values["name"]), quantity, unit, rate, amount, min(confidences))


def find_items(lines: list[Line], summary_top: int | None, total: Decimal | None = None) -> list[Item]:
    """The bill's line items: table rows whose quantity × rate gives their amount (a receipt's item may have its
    name on the line above), above the summary rows; or a receipt's labelled single item."""
    items = []
    previous = None
    for line in lines:
        if summary_top is not None and line.top >= summary_top:
            break
        text = plain(line.text)
        if GRAND_TOTAL.search(text) or TAX.search(text) or ROUND_OFF.search(text):
            previous = line
            continue
        item = _row_item(line, previous)
        if item:
            items.append(item)
        previous = line
    if not items:
        single = _key_value_item(lines, total)
        if single:
            items.append(single)
    return items


