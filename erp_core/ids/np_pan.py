"""Nepal PAN / VAT number: the Inland Revenue Department's nine-digit
Permanent Account Number. A VAT-registered business prints it as its VAT number.

>>> validate("600 012 345")
'600012345'
>>> validate("60001234")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='Nepal PAN/VAT number', value='60001234', reason='a PAN/VAT number has 9 digits'
>>> validate("000012345")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='Nepal PAN/VAT number', value='000012345', reason='a PAN/VAT number does not start with 0'
>>> is_valid("301234567"), is_valid("30123456A")
(True, False)
>>> format("301234567")
'301 234 567'
"""

from __future__ import annotations

from erp_core.errors import InvalidComponent, InvalidFormat, InvalidIdentifier
from erp_core.ids import clean

KIND = "Nepal PAN/VAT number"


def compact(number: str) -> str:
    """The number without spaces or separators."""
    return clean(number)


def validate(number: str) -> str:
    """The compact number, or `InvalidFormat` / `InvalidComponent`."""
    number = compact(number)
    if len(number) != 9 or not number.isdigit() or not number.isascii():
        raise InvalidFormat(kind=KIND, value=number, reason="a PAN/VAT number has 9 digits")
    if number[0] == "0":
        raise InvalidComponent(kind=KIND, value=number, reason="a PAN/VAT number does not start with 0")
    return number


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def format(number: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The number in groups of three, as printed on bills: `301 234 567`."""
    number = compact(number)
    return " ".join(number[i:i + 3] for i in range(0, 9, 3))
