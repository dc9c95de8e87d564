"""GSTIN (Goods and Services Tax Identification Number).

Fifteen characters: the two-digit state code, the holder's PAN, an entity code
(`1`-`9`, then `A`-`Z`: the holder's n-th registration in that state), `Z`,
and a check character. The check is "Luhn mod 36" over the first fourteen
characters: each character's base-36 value is multiplied by 1, 2, 1, 2 ...,
the quotient and the remainder of each product by 36 are added up, and the
check character is (36 - sum mod 36) mod 36.

Other registrations have GSTIN-shaped numbers with the same state code and
check character, and may be billed as business buyers: tax deductors (TDS, a
`D` in 14th place, on a PAN or TAN), tax collectors (TCS: e-commerce
operators, a `C`), government departments without a PAN, UN bodies and
embassies (UIN, `UN`/`ON` in 13th and 14th place) and non-resident taxable
persons (NRTP, `NR`). `registration` says which (`REGULAR` for the ordinary one).

>>> [registration(n) for n in ("27AAPFU0939F1ZV", "07DELA12345B1DE", "27AAPFU0939F1C6", "07DELH12005A1Z4",
...                            "0717UNO00157UNO", "0717USA00012NR7")]
['regular', 'tds', 'tcs', 'government', 'uin', 'nrtp']
>>> validate("27AAPFU0939F1ZV")
'27AAPFU0939F1ZV'
>>> validate(" 29aabcr1718e1zl ")
'29AABCR1718E1ZL'
>>> is_valid("24AANFA2641L1ZF")
True
>>> validate("27AAPFU0939F1ZO")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidChecksum: invalid_checksum: kind='GSTIN', value='27AAPFU0939F1ZO', reason='the check character should be V'
>>> validate("24AANFA2641L1ZK")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidChecksum: invalid_checksum: kind='GSTIN', value='24AANFA2641L1ZK', reason='the check character should be F'
>>> validate("00AABCE2207R1Z5")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='GSTIN', value='00AABCE2207R1Z5', reason='00 is not a state code'
>>> validate("27AAPFU0939F1Z")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='GSTIN', value='27AAPFU0939F1Z', reason='a GSTIN has 15 characters'
>>> validate("27AAPFU0939F0ZV")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='GSTIN', value='27AAPFU0939F0ZV', reason='the 13th character is the entity code, 1-9 or A-Z'
>>> calc_check_character("27AAPFU0939F1Z")
'V'
>>> state_code("27AAPFU0939F1ZV"), pan("27AAPFU0939F1ZV")
('27', 'AAPFU0939F')
>>> format("27 aapfu 0939 f1zv")
'27AAPFU0939F1ZV'
"""

from __future__ import annotations

import re

from erp_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidIdentifier
from erp_core.ids import clean
from erp_core.ids.states import STATES

KIND = "GSTIN"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAN = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_ENTITY = re.compile(r"^[1-9A-Z]$")
REGULAR = "regular"
REGISTRATIONS = {  # GSTN's patterns for the other kinds of registration (developer.gst.gov.in)
    "tds": re.compile(r"^[0-9]{2}[A-Z]{4}[A-Z0-9][0-9]{4}[A-Z][1-9A-Z]D[0-9A-Z]$"),
    "tcs": re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]C[0-9A-Z]$"),
    "government": re.compile(r"^[0-9]{2}[A-Z]{4}[0-9]{5}[A-Z][0-9]Z[0-9]$"),
    "uin": re.compile(r"^[0-9]{4}[A-Z]{3}[0-9]{5}[UO]N[0-9A-Z]$"),
    "nrtp": re.compile(r"^[0-9]{4}[A-Z]{3}[0-9]{5}NR[0-9A-Z]$"),
}


def compact(number: str) -> str:
    """The GSTIN without spaces or separators, upper-cased."""
    return clean(number)


def calc_check_character(number: str) -> str:
    """The check character for the first 14 characters of a GSTIN."""
    total = 0
    for position, char in enumerate(number[:14]):
        product = _ALPHABET.index(char) * (1 if position % 2 == 0 else 2)
        total += product // 36 + product % 36
    return _ALPHABET[(36 - total % 36) % 36]


def validate(number: str) -> str:
    """The compact GSTIN, or `InvalidFormat`, `InvalidComponent` (state code) or `InvalidChecksum`."""
    number = compact(number)
    if len(number) != 15:
        raise InvalidFormat(kind=KIND, value=number, reason="a GSTIN has 15 characters")
    if not number.isalnum() or not number.isascii():
        raise InvalidFormat(kind=KIND, value=number, reason="a GSTIN has only letters and digits")
    if not number[:2].isdigit():
        raise InvalidFormat(kind=KIND, value=number, reason="a GSTIN starts with the two-digit state code")
    if _other_registration(number) is None:
        _check_regular_shape(number)
    if number[:2] not in STATES:
        raise InvalidComponent(kind=KIND, value=number, reason=f"{number[:2]} is not a state code")
    expected = calc_check_character(number)
    if number[14] != expected:
        raise InvalidChecksum(kind=KIND, value=number, reason=f"the check character should be {expected}")
    return number


def _other_registration(number: str) -> str | None:
    return next((name for name, pattern in REGISTRATIONS.items() if pattern.match(number)), None)


def _check_regular_shape(number: str) -> None:
    if not _PAN.match(number[2:12]):
        raise InvalidFormat(kind=KIND, value=number, reason="characters 3 to 12 are the holder's PAN")
    if not _ENTITY.match(number[12]):
        raise InvalidFormat(kind=KIND, value=number, reason="the 13th character is the entity code, 1-9 or A-Z")
    if number[13] != "Z":
        raise InvalidFormat(kind=KIND, value=number, reason="the 14th character is Z")


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def format(number: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The GSTIN as printed on invoices (compact, upper-case)."""
    return compact(number)


def registration(number: str) -> str:
    """The kind of registration of a valid GSTIN: `regular`, `tds`, `tcs`, `government`, `uin` or `nrtp`."""
    return _other_registration(validate(number)) or REGULAR


def state_code(number: str) -> str:
    """The two-digit state code of a valid GSTIN."""
    return validate(number)[:2]


def pan(number: str) -> str:
    """The PAN inside a valid GSTIN."""
    return validate(number)[2:12]
