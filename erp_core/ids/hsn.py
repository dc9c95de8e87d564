"""HSN (Harmonized System of Nomenclature) codes for goods and SAC (Services
Accounting Codes) for services, as printed on GST invoices.

Goods have 4, 6 or 8 digits whose first two are the chapter (01 to 98);
services have 6-digit SAC codes in chapter 99.

>>> validate("1006 30")
'100630'
>>> validate("9963"), is_sac("996331"), is_sac("10063010")
('9963', True, False)
>>> validate("10063")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='HSN/SAC code', value='10063', reason='HSN and SAC codes have 4, 6 or 8 digits'
>>> validate("0063")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='HSN/SAC code', value='0063', reason='00 is not an HSN chapter'
>>> is_valid("1006.30.10"), is_valid("10A6")
(True, False)
>>> format("10063010"), chapter("10063010")
('1006 30 10', '10')
"""

from __future__ import annotations

from erp_core.errors import InvalidComponent, InvalidFormat, InvalidIdentifier
from erp_core.ids import clean

KIND = "HSN/SAC code"
SERVICES_CHAPTER = "99"


def compact(number: str) -> str:
    """The code without spaces, dots or dashes."""
    return clean(number)


def validate(number: str) -> str:
    """The compact code, or `InvalidFormat` / `InvalidComponent` (chapter 00)."""
    number = compact(number)
    if not number.isdigit() or not number.isascii() or len(number) not in (4, 6, 8):
        raise InvalidFormat(kind=KIND, value=number, reason="HSN and SAC codes have 4, 6 or 8 digits")
    if number[:2] == "00":
        raise InvalidComponent(kind=KIND, value=number, reason="00 is not an HSN chapter")
    return number


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def format(number: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The code grouped as heading, sub-heading and tariff item: `1006 30 10`."""
    number = validate(number)
    return " ".join(number[i:i + 2] if i else number[:4] for i in range(0, len(number), 2) if i != 2)


def chapter(number: str) -> str:
    """The two-digit chapter (99 for services)."""
    return validate(number)[:2]


def is_sac(number: str) -> bool:
    """Whether the code is a services code (chapter 99)."""
    return chapter(number) == SERVICES_CHAPTER
