"""PAN (Permanent Account Number), India's income-tax number.

Ten characters: five letters, four digits, a letter. The fourth letter says who
holds it (P person, C company, H Hindu undivided family, F firm, A association
of persons, T trust, B body of individuals, L local authority, J artificial
juridical person, G government).

>>> validate("aapfu 0939f")
'AAPFU0939F'
>>> validate("AAPFU0939")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='PAN', value='AAPFU0939', reason='a PAN has 10 characters'
>>> validate("AAPXU0939F")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='PAN', value='AAPXU0939F', reason='X is not a PAN holder type'
>>> is_valid("ABCDE1234F"), is_valid("12345ABCDE")
(False, False)
>>> holder_type("AAPFU0939F")
'firm'
"""

from __future__ import annotations

import re

from erp_core.errors import InvalidComponent, InvalidFormat, InvalidIdentifier
from erp_core.ids import clean

KIND = "PAN"
HOLDER_TYPES = {
    "P": "person", "C": "company", "H": "hindu undivided family", "F": "firm",
    "A": "association of persons", "T": "trust", "B": "body of individuals",
    "L": "local authority", "J": "artificial juridical person", "G": "government",
}
_SHAPE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")


def compact(number: str) -> str:
    """The PAN without spaces or separators, upper-cased."""
    return clean(number)


def validate(number: str) -> str:
    """The compact PAN, or `InvalidFormat` / `InvalidComponent`."""
    number = compact(number)
    if len(number) != 10:
        raise InvalidFormat(kind=KIND, value=number, reason="a PAN has 10 characters")
    if not _SHAPE.match(number):
        raise InvalidFormat(kind=KIND, value=number, reason="a PAN is five letters, four digits and a letter")
    if number[3] not in HOLDER_TYPES:
        raise InvalidComponent(kind=KIND, value=number, reason=f"{number[3]} is not a PAN holder type")
    return number


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidIdentifier:
        return False
    return True


def format(number: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The PAN as printed on the card (compact, upper-case)."""
    return compact(number)


def holder_type(number: str) -> str:
    """Who holds the PAN (person, company, firm ...)."""
    return HOLDER_TYPES[validate(number)[3]]
