"""A change to a bill read from a photo, said in chat: "total 1250 hai", "3rd item 10 kilo", "doosra item Maggi
hai", "line 2 rate 45", "4th item hatao", "party Balaji Traders", "bill no GT/889", "date 5/12/2026",
"ye kharcha hai". In Roman Hinglish or Nepali, Hindi, Nepali and English; digits in either script.

`parse(text)` gives the `erp_core.bill_photos.change` arguments, or None when the text is no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erp_core.photos.fields import parse_date, plain

_ORDINALS = {"pehla": 1, "pahla": 1, "pehle": 1, "first": 1, "पहला": 1, "पहले": 1, "पहिलो": 1, "pahilo": 1,
             "doosra": 2, "dusra": 2, "second": 2, "दूसरा": 2, "दोस्रो": 2, "dosro": 2,
             "teesra": 3, "tisra": 3, "third": 3, "तीसरा": 3, "तेस्रो": 3, "tesro": 3,
             "chautha": 4, "chotha": 4, "fourth": 4, "चौथा": 4, "चौथो": 4, "fifth": 5, "paanchva": 5, "पाँचवाँ": 5,
             "last": -1, "aakhri": -1, "akhri": -1, "आखिरी": -1, "अन्तिम": -1, "antim": -1}
_LINE_WORD = r"(?:item|line|row|saman|samaan|saaman|cheez|chij|aaitam|आइटम|लाइन|सामान|चीज़|चीज|सामान)"
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_LINE = re.compile(
    rf"(?:{_LINE_WORD}\s*(?:no\.?|नं\.?|number)?\s*(\d{{1,2}})\b|(\d{{1,2}})\s*(?:st|nd|rd|th|वां|वाँ|वा|ौं|औं|ओं)?\s*"
    rf"{_LINE_WORD}|({'|'.join(_ORDINALS)})\s*{_LINE_WORD})\s*(?:ka|ki|ko|ke|का|की|को|के|को)?\s*(.*)$", re.IGNORECASE)
_TOTAL = re.compile(rf"(?:grand\s*)?(?:total|kul|jamma|टोटल|कुल|जम्मा|योग)\s*(?:amount|rakam|रकम|राशि)?\s*"
                    rf"(?:is|hai|he|है|हो|cha|छ)?\s*[:=]?\s*(?:rs\.?|₹|रु\.?)?\s*{_NUMBER}", re.IGNORECASE)
_RATE = re.compile(rf"(?:rate|dar|bhav|bhaav|price|दर|भाव|रेट|मूल्य)\s*[:=]?\s*(?:rs\.?|₹|रु\.?)?\s*{_NUMBER}",
                   re.IGNORECASE)
_AMOUNT = re.compile(rf"(?:amount|rakam|राशि|रकम)\s*[:=]?\s*(?:rs\.?|₹|रु\.?)?\s*{_NUMBER}", re.IGNORECASE)
_REMOVE = re.compile(r"\b(?:hatao|hata\s*do|remove|delete|nikalo|nikal\s*do|galat)\b|हटाओ|हटा\s*दो|निकालो|हटाउ|हटाइदेउ",
                     re.IGNORECASE)
_QUANTITY = re.compile(rf"^{_NUMBER}\s*([^\d\s]+)?\s*(?:hai|he|है|हो|cha|छ)?$", re.IGNORECASE)
_PARTY = re.compile(r"^(?:party|supplier|seller|vyapari|dukan|dukaan|पार्टी|सप्लायर|व्यापारी|दुकान|पसल)\s*"
                    r"(?:ka\s*naam|ko\s*naam|का\s*नाम|को\s*नाम|name|naam)?\s*[:=]?\s*(.+?)\s*(?:hai|he|है|हो|cha|छ)?$",
                    re.IGNORECASE)
_INVOICE = re.compile(r"(?:bill|invoice|inv|बिल|बील)\s*(?:no|number|num|नं|नंबर|नम्बर)\.?\s*[:=]?\s*"
                      r"([A-Z0-9][A-Z0-9/\-]*)", re.IGNORECASE)
_DATE = re.compile(r"(?:date|tarikh|tareekh|miti|तारीख|तारिख|मिति|दिनांक)\s*[:=]?\s*(.+)$", re.IGNORECASE)
_EXPENSE = re.compile(r"\b(?:kharcha|kharch|expense|kharcha\s*hai)\b|खर्च|खर्चा", re.IGNORECASE)
_PURCHASE = re.compile(r"\b(?:purchase|maal\s*aaya|maal\s*hai|kharidi|stock\s*ka\s*bill)\b|खरीद|माल\s*आया",
                       re.IGNORECASE)
_FILLER = re.compile(r"\s*(?:hai|he|है|हो|cha|छ|hona\s*chahiye|होना\s*चाहिए|karo|kar\s*do|करो|कर\s*दो)\s*$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    """`erp_core.bill_photos.change`'s field, value and 1-based line (-1: the last line)."""

    field: str
    value: str
    line: int | None = None


def _number(text: str) -> str:
    return text.replace(",", "")


def _line_change(line: int, rest: str) -> Change | None:
    rest = _FILLER.sub("", rest.strip(" :-=,."))
    if _REMOVE.search(rest) or not rest:
        return Change("remove_line", "", line) if _REMOVE.search(rest) else None
    if found := _RATE.search(rest):
        return Change("line_rate", _number(found.group(1)), line)
    if found := _AMOUNT.search(rest):
        return Change("line_amount", _number(found.group(1)), line)
    if found := _QUANTITY.match(rest):
        return Change("line_quantity", _number(found.group(1)), line)
    return Change("line_name", rest, line)


def parse(text: str) -> Change | None:
    """The change `text` asks for, or None."""
    text = plain(text).strip(" .!?")
    if not text or text.startswith("/"):
        return None
    if found := _LINE.search(text):
        number, before, ordinal, rest = found.groups()
        line = int(number or before) if (number or before) else _ORDINALS[ordinal.lower()]
        return _line_change(line, rest)
    if found := _TOTAL.search(text):
        return Change("total", _number(found.group(1)))
    if found := _INVOICE.search(text):
        return Change("invoice_no", found.group(1).upper())
    if (found := _DATE.search(text)) and (day := parse_date(found.group(1))):
        return Change("date", day.ad.isoformat())
    if found := _PARTY.match(text):
        return Change("party", found.group(1))
    if _EXPENSE.search(text):
        return Change("kind", "expense")
    if _PURCHASE.search(text):
        return Change("kind", "purchase")
    return None
