"""Amounts in words, in the Indian numbering system (thousand, lakh, crore), as invoices print them.

>>> rupees_in_words(Decimal("120500"))
'Rupees One Lakh Twenty Thousand Five Hundred Only'
>>> rupees_in_words(Decimal("12345678.50"))
'Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight and Fifty Paise Only'
>>> rupees_in_words(Decimal("0.05")), rupees_in_words(Decimal("1"))
('Rupees Zero and Five Paise Only', 'Rupees One Only')
>>> in_words(10_000_000_001)
'One Thousand Crore One'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_ONES = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
         "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
_TENS = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]] if n else []
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


def _below_thousand(n: int) -> list[str]:
    words = [_ONES[n // 100], "Hundred"] if n >= 100 else []
    return words + _below_hundred(n % 100)


def in_words(n: int) -> str:
    """A whole number in words: crore, lakh, thousand, hundred."""
    if n < 0:
        return "Minus " + in_words(-n)
    if n == 0:
        return "Zero"
    crore, rest = divmod(n, 10_000_000)
    lakh, rest = divmod(rest, 100_000)
    thousand, rest = divmod(rest, 1000)
    words = [in_words(crore), "Crore"] if crore else []
    words += (_below_hundred(lakh) + ["Lakh"]) if lakh else []
    words += (_below_hundred(thousand) + ["Thousand"]) if thousand else []
    words += _below_thousand(rest)
    return " ".join(words)


def rupees_in_words(amount: Decimal, currency: str = "Rupees") -> str:
    """`Rupees One Lakh Twenty Thousand Five Hundred Only`; paise are added when there are any."""
    paise_total = int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))
    rupees, paise = divmod(abs(paise_total), 100)
    text = f"{currency} {in_words(rupees)}"
    if paise:
        text += f" and {in_words(paise)} Paise"
    return ("Minus " if paise_total < 0 else "") + text + " Only"
