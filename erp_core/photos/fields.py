"""The fields of a bill found in its OCR text: identifiers, date, totals and taxes, the party, the kind (its line
items: `line_items`).

Labels are matched in English, Hindi and Nepali; digits may be Devanagari; amounts may use Indian grouping
(1,23,456.00). Each finder returns what it read with the confidence tesseract gave the words it came from;
`reading.py` weighs those against the arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import nepali_datetime

from erp_core.ids import gstin as gstin_ids
from erp_core.ids import np_pan
from erp_core.photos.ocr import Line

DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{2,3})+(?:\.\d{1,3})?(?![\d%])|(?<![\w.])-?\d+(?:\.\d{1,3})?(?![\d%,])")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")


@dataclass(frozen=True)
class Found:
    """A value read off the bill and how sure the OCR was of the words it came from (0-1)."""

    value: object
    confidence: float


def plain(text: str) -> str:
    """ASCII digits, one space between words."""
    return " ".join(text.translate(DEVANAGARI_DIGITS).split())


def numbers(text: str) -> list[tuple[Decimal, int, int]]:
    """The numbers in `text` (not percentages) as (value, start, end), Indian or Western grouping."""
    text = _PERCENT.sub(lambda match: "#" * len(match.group()), plain(text))
    found = []
    for match in _NUMBER.finditer(text):
        try:
            found.append((Decimal(match.group().replace(",", "")), match.start(), match.end()))
        except InvalidOperation:
            continue
    return found


def _labelled(lines: list[Line], label: re.Pattern[str]) -> list[tuple[Line, str]]:
    """Lines carrying `label`, with the text after it."""
    hits = []
    for line in lines:
        text = plain(line.text)
        match = label.search(text)
        if match:
            hits.append((line, text[match.end():]))
    return hits


# ---------------------------------------------------------------------------------------------- identifiers

_DIGIT_FOR = {"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1", "T": "7", "Z": "2", "S": "5", "B": "8",
              "G": "6", "A": "4", "J": "1"}
_LETTER_FOR = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
_CONFUSED = {"0": "OD", "O": "0DQ", "D": "0O", "Q": "0O", "1": "IL7", "I": "1LT", "L": "1I", "7": "1T", "T": "7I",
             "2": "Z", "Z": "2", "5": "S", "S": "5", "8": "B", "B": "8", "6": "G", "G": "6", "4": "A", "A": "4",
             "U": "V0", "V": "U", "M": "N", "N": "M", "E": "F", "F": "E", "P": "R", "R": "P", "C": "G"}
_DIGIT_PLACES, _LETTER_PLACES = (0, 1, 7, 8, 9, 10), (2, 3, 4, 5, 6, 11)
_GSTIN_TOKEN = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{15,16}(?![0-9A-Z])")
_OCR_SYMBOLS = str.maketrans({"]": "J", "}": "J", "|": "I", "!": "I", "$": "S", "€": "E", "(": "C", "@": "0"})


def _gstin_shape(token: str) -> str:
    """`token` with each place forced to what a regular GSTIN has there (a letter where a digit must be is the
    digit it looks like, and the other way round; the 14th place is always Z)."""
    chars = list(token)
    for place in _DIGIT_PLACES:
        chars[place] = _DIGIT_FOR.get(chars[place], chars[place])
    for place in _LETTER_PLACES:
        chars[place] = _LETTER_FOR.get(chars[place], chars[place])
    chars[13] = "Z" if chars[13] in "Z27" else chars[13]
    return "".join(chars)


def fix_gstin(token: str) -> tuple[str, float] | None:
    """A GSTIN read as `token` (15 characters, or 16 with one too many): (the GSTIN, how sure) when it is valid
    as read (after the shape's forced letters and digits), or when exactly one single-character fix (one of the
    characters OCR confuses swapped, or one extra character dropped) makes it valid; None otherwise."""
    if len(token) == 15:
        shaped = _gstin_shape(token)
        if gstin_ids.is_valid(shaped):
            return shaped, 1.0
        candidates = {shaped[:place] + other + shaped[place + 1:]
                      for place, char in enumerate(shaped) for other in _CONFUSED.get(char, "")}
    else:
        candidates = {_gstin_shape(token[:place] + token[place + 1:]) for place in range(len(token))}
    fixes = {candidate for candidate in candidates if gstin_ids.is_valid(candidate)}
    return (fixes.pop(), 0.6) if len(fixes) == 1 else None


def find_gstin(lines: list[Line]) -> Found | None:
    """The first GSTIN on the bill (the seller's, printed under the name), checksum-valid or fixed by one
    character; a 15-character token by a GSTIN label that cannot be made valid is returned with confidence 0.1."""
    near_miss = None
    for line in lines:
        text = plain(line.text).upper()
        if "GST" in text:
            text = text.split("GST", 1)[0] + "GST" + text.split("GST", 1)[1].translate(_OCR_SYMBOLS)
        squeezed = re.sub(r"(?<=[0-9A-Z]) (?=[0-9A-Z])", "", text.split(":", 1)[-1]) if "GST" in text else ""
        for candidate in [*_GSTIN_TOKEN.findall(text), *_GSTIN_TOKEN.findall(squeezed)]:
            fixed = fix_gstin(candidate)
            if fixed:
                return Found(fixed[0], fixed[1] * line.confidence)
            if "GST" in text and near_miss is None:
                near_miss = Found(_gstin_shape(candidate), 0.1)
    return near_miss


_PAN_LABEL = re.compile(r"(?:\bPAN\b|\bVAT\b|पान|प्यान|भ्याट|भ्याट|मु\.?\s*अ\.?\s*क\.?)\s*(?:No\.?|नं\.?|नम्बर)?\s*[:.\-]?\s*",
                        re.IGNORECASE)


def find_pan(lines: list[Line]) -> Found | None:
    """Nepal's nine-digit PAN/VAT number after its label ("पान नं:", "PAN No.", "VAT No")."""
    for line, after in _labelled(lines, _PAN_LABEL):
        digits = re.sub(r"[\s\-]", "", after)[:12]
        match = re.match(r"\d{9}", digits)
        if match and np_pan.is_valid(match.group()):
            return Found(match.group(), line.confidence)
    return None


_INVOICE_LABEL = re.compile(
    r"(?:invoice|inv|bill|receipt|rcpt|memo|challan|voucher|बिल|बील|बीजक|चालान|चलान|रसीद|बिजक)\s*"
    r"(?:no|num|number|नं|नंबर|नम्बर|संख्या|#)\s*[.:\-#]*\s*|(?:^|\s)no\s*[.:]\s*", re.IGNORECASE)
_INVOICE_VALUE = re.compile(r"[A-Z0-9][A-Z0-9/\-]{0,24}", re.IGNORECASE)


def find_invoice_number(lines: list[Line]) -> Found | None:
    """The bill's number after its label ("Invoice No:", "Bill No", "बिल नं.", "No.")."""
    for line, after in _labelled(lines, _INVOICE_LABEL):
        if _PAN_LABEL.search(plain(line.text)) and not re.search(r"bill|invoice|बिल", line.text, re.IGNORECASE):
            continue
        match = _INVOICE_VALUE.match(after.strip())
        if match and any(char.isdigit() for char in match.group()):
            return Found(match.group().upper().rstrip("/-"), line.confidence)
    return None


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DATE_LABEL = re.compile(r"\b(?:date|dated|dt)\b|दिनांक|तारीख|तारिख|मिति|मिती", re.IGNORECASE)
_DMY = re.compile(r"\b(\d{1,2})\s?[/\-.]\s?(\d{1,2})\s?[/\-.]\s?(\d{4}|\d{2})\b")
_YMD = re.compile(r"\b(20\d{2})\s?[/\-.]\s?(\d{1,2})\s?[/\-.]\s?(\d{1,2})\b")
_D_MON_Y = re.compile(r"\b(\d{1,2})[\s\-.]*([A-Za-z]{3,9})[\s\-.,]*(\d{4}|\d{2})\b")


@dataclass(frozen=True)
class BillDate:
    ad: date
    bs: str | None
    """The Bikram Sambat date as printed (YYYY-MM-DD) when the bill gave one."""


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _bs(year: int, month: int, day: int) -> BillDate | None:
    try:
        bs = nepali_datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None
    return BillDate(bs.to_datetime_date(), f"{year:04d}-{month:02d}-{day:02d}")


def _ad(year: int, month: int, day: int) -> BillDate | None:
    if year >= 2060:   # Bikram Sambat runs 56-57 years ahead: 2083 is 2026-27
        return _bs(year, month, day)
    try:
        return BillDate(date(year, month, day), None) if 2000 <= year <= 2059 else None
    except ValueError:
        return None


def parse_date(text: str) -> BillDate | None:
    """The first date in `text`: day-month-year (Indian order) with / - or ., a month's name, or year first
    (a Bikram Sambat date such as 2083/08/20 when the year is 2060 or later)."""
    text = plain(text)
    for match in _YMD.finditer(text):
        found = _ad(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    for match in _DMY.finditer(text):
        found = _ad(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
        if found:
            return found
    for match in _D_MON_Y.finditer(text):
        month = _MONTHS.get(match.group(2)[:3].lower())
        if month:
            found = _ad(_year(match.group(3)), month, int(match.group(1)))
            if found:
                return found
    return None


def find_date(lines: list[Line]) -> Found | None:
    """The bill's date: after a date label if there is one, else the first date anywhere."""
    for line, after in _labelled(lines, _DATE_LABEL):
        found = parse_date(after)
        if found:
            return Found(found, line.confidence)
    for line in lines:
        found = parse_date(line.text)
        if found:
            return Found(found, line.confidence * 0.8)
    return None


# ---------------------------------------------------------------------------------------------- totals

GRAND_TOTAL = re.compile(r"grand\s*total|net\s*(?:amount|payable|total)|amount\s*payable|total\s*amount|"
                         r"bill\s*amount|invoice\s*total|कुल\s*(?:योग|जम्मा|रकम|राशि|भुगतान)|जम्मा\s*रकम|"
                         r"कुल\s*जोड|सर्व\s*योग", re.IGNORECASE)
PLAIN_TOTAL = re.compile(r"\btotal\b|\btotai\b|\btota1\b|कुल|योग", re.IGNORECASE)
SUBTOTAL = re.compile(r"taxable\s*(?:value|amount|amt)?|sub\s*-?\s*total|कर\s*योग्य|जम्मा|total\s*before\s*tax",
                      re.IGNORECASE)
TAX = re.compile(r"\b(?:[CSIU]\s?GST|UTGST|VAT|CESS)\b|भ्याट|वैट|भैट", re.IGNORECASE)
ROUND_OFF = re.compile(r"round(?:ing)?\s*(?:off|of|-?off)?|\bR/?O\b|राउंड|राउन्ड|राउण्ड", re.IGNORECASE)
DISCOUNT = re.compile(r"discount|\bdisc\b|less|छूट|छुट", re.IGNORECASE)
TAX_RATE = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)\s*%")


def _money_value(found: Found) -> Decimal:
    return Decimal(str(found.value))


def _amount_of(line: Line) -> Decimal | None:
    """The last number on the line (a summary row's amount)."""
    found = numbers(line.text)
    return found[-1][0] if found else None


@dataclass
class Totals:
    grand: Found | None = None
    subtotal: Found | None = None
    taxes: list[tuple[Decimal, Decimal | None, float]] | None = None
    """Each tax row: (amount, its rate in % when printed, confidence)."""
    round_off: Found | None = None
    summary_top: int | None = None
    """Where the summary rows begin (the line items end above it)."""


def find_totals(lines: list[Line]) -> Totals:
    """The summary rows: grand total, taxable value or subtotal, each tax row and the round-off."""
    totals = Totals(taxes=[])
    plain_totals: list[Found] = []
    for line in lines:
        text = plain(line.text)
        if "GSTIN" in text.upper() or "PAN" in text.upper() or _PAN_LABEL.search(text) and not TAX.search(text):
            continue
        amount = _amount_of(line)
        if amount is None:
            continue
        found = Found(amount, line.confidence)
        if ROUND_OFF.search(text):
            totals.round_off = found
        elif TAX.search(text) and not GRAND_TOTAL.search(text):
            rate = TAX_RATE.search(text)
            totals.taxes.append((amount, Decimal(rate.group(1)) if rate else None, line.confidence))
        elif GRAND_TOTAL.search(text):
            totals.grand = found
        elif SUBTOTAL.search(text) and not (PLAIN_TOTAL.search(text) and re.search(r"कुल", text)):
            totals.subtotal = totals.subtotal or found
        elif PLAIN_TOTAL.search(text):
            plain_totals.append(found)
        elif totals.subtotal is not None and totals.grand is None and not DISCOUNT.search(text) \
                and Decimal(0) < amount < _money_value(totals.subtotal) * Decimal("0.3"):
            rate = TAX_RATE.search(text)      # a tax row whose name OCR garbled ("(65 2.55 6.40")
            totals.taxes.append((amount, Decimal(rate.group(1)) if rate else None, line.confidence * 0.5))
        else:
            continue
        totals.summary_top = line.top if totals.summary_top is None else min(totals.summary_top, line.top)
    if totals.grand is None and plain_totals:
        totals.grand = plain_totals[-1]
    return totals


# ---------------------------------------------------------------------------------------------- the party

NOISE = re.compile(r"[|_=~*]+")
"""Table rules and specks OCR reads as characters."""

_HEADINGS = re.compile(r"tax\s*invoice|invoice|cash\s*memo|estimate|receipt|bill\s*of\s*supply|original|duplicate|"
                       r"quotation|कर\s*बीजक|बीजक|बिजक|रसीद|बिल|चालान|^\W*$|welcome|thank", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"gstin|\bpan\b|\bvat\b|phone|mob|ph\.|tel|email|@|www\.|road|\brd\b|market|nagar|bazar|"
                         r"\b\d{6}\b|पान|फोन|मो\.|बिल\s*नं|ग्राहक|खरीदार|bill\s*to|buyer|customer|sold\s*to|"
                         r"date|मिति|दिनांक", re.IGNORECASE)


def find_party(lines: list[Line]) -> Found | None:
    """The seller: the first line at the top that reads as a name (not a heading, an address or an identifier)."""
    for line in lines[:6]:
        text = NOISE.sub(" ", plain(line.text)).strip(" :-.,")
        letters = re.findall(r"[^\W\d_]", text)
        if line.confidence < 0.5 or len(letters) < 3 or _HEADINGS.search(text) or _NOT_A_NAME.search(text):
            continue
        if sum(char.isdigit() for char in text) > 3:
            continue
        name = " ".join(text.split())
        return Found(name.title() if name.isupper() and name.isascii() else name, line.confidence)
    return None


# ---------------------------------------------------------------------------------------------- the kind

EXPENSE_WORDS = {
    "fuel": re.compile(r"petrol|diesel|\bfuel\b|\bhsd\b|rs\s*/\s*l\b|volume\s*\(?l|indian\s*oil|bharat\s*petroleum|"
                       r"\bhp\b.*pump|पेट्रोल|डीजल|डिजेल", re.IGNORECASE),
    "food": re.compile(r"restaurant|\bcafe\b|\bhotel\b|dhaba|\bchai\b|\btea\s*stall|samosa|coffee|\bthali\b|"
                       r"भोजनालय|होटल|चाय", re.IGNORECASE),
    "electricity": re.compile(r"electricity|\bkwh\b|units\s*consumed|बिजली|विद्युत", re.IGNORECASE),
    "phone": re.compile(r"recharge|prepaid|postpaid|broadband|mobile\s*bill", re.IGNORECASE),
    "travel": re.compile(r"\btaxi\b|\bcab\b|auto\s*fare|\bfare\b|toll\s*plaza|parking|courier", re.IGNORECASE),
    "repair": re.compile(r"repair|service\s*charge|labour\s*charge|मरम्मत", re.IGNORECASE),
}


def find_kind(lines: list[Line]) -> tuple[str, str | None]:
    """("expense", its category) for a receipt of something the shop used (fuel, food, power, phone, travel,
    repair), else ("purchase", None): goods bought to sell."""
    text = " ".join(plain(line.text) for line in lines)
    for category, words in EXPENSE_WORDS.items():
        if words.search(text):
            return "expense", category
    return "purchase", None
