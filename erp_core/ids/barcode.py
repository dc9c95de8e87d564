"""Product barcodes: GS1 codes (EAN-8, UPC-A, EAN-13, GTIN-14) with their check digit, or a shop's own code.

A code of 8, 12, 13 or 14 digits is a GS1 code and must carry the right check digit (the digits weighted 3
and 1 from the right, the check digit bringing the sum to a multiple of 10); anything else is a shop's own
code of 4 to 32 letters and digits.

>>> validate("8901058 851 298")
'8901058851298'
>>> validate("036000291452"), validate("shelf-a12")
('036000291452', 'SHELFA12')
>>> validate("8901058851299")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidChecksum: invalid_checksum: kind='barcode', value='8901058851299', reason='the check digit should be 8'
>>> validate("ab")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='barcode', value='AB', reason='a barcode has 4 to 32 letters and digits'
"""

from __future__ import annotations

from erp_core.errors import InvalidChecksum, InvalidFormat, InvalidIdentifier
from erp_core.ids import clean

KIND = "barcode"
GS1_LENGTHS = (8, 12, 13, 14)


def compact(code: str) -> str:
    """The code without spaces or separators, upper-cased."""
    return clean(code)


def check_digit(digits: str) -> str:
    """The GS1 check digit of a code's other digits."""
    total = sum(int(d) * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(digits)))
    return str(-total % 10)


def validate(code: str) -> str:
    """The compact code, or `InvalidFormat` / `InvalidChecksum` (a GS1 code with a wrong check digit)."""
    code = compact(code)
    if not (code.isascii() and code.isalnum() and 4 <= len(code) <= 32):
        raise InvalidFormat(kind=KIND, value=code, reason="a barcode has 4 to 32 letters and digits")
    if code.isdigit() and len(code) in GS1_LENGTHS:
        expected = check_digit(code[:-1])
        if code[-1] != expected:
            raise InvalidChecksum(kind=KIND, value=code, reason=f"the check digit should be {expected}")
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidIdentifier:
        return False
    return True


def format(code: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The code as printed (compact)."""
    return compact(code)
