"""Mobile numbers of India and Nepal, in the form WhatsApp uses as `wa_id`.

A mobile number is ten digits after the country code: in India (+91) it starts
with 6, 7, 8 or 9; in Nepal (+977) with 97 or 98. `validate` returns the
country code and the number, digits only (`919876543210`, `9779841234567`).
A number typed without a country code belongs to `country`, the shop's; one
that says its country (`+977 ...`, `00977...`, `91 ...`, or the `0` Indians
dial before a mobile) is read in that country whatever `country` says.

>>> validate("98765 43210")
'919876543210'
>>> validate("+977 984-1234567"), validate("९८४१२३४५६७", country="NP")
('9779841234567', '9779841234567')
>>> validate("91 98765 43210", country="NP"), validate("09876543210", country="NP")
('919876543210', '919876543210')
>>> validate("00977 9841234567"), validate("(+91) 98765-43210")
('9779841234567', '919876543210')

A number starting with 98 is a mobile in both countries: the shop's country decides.

>>> validate("9841234567"), validate("9841234567", country="NP")
('919841234567', '9779841234567')
>>> validate("9612345678", country="NP")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='mobile number', value='9612345678', reason='a Nepali mobile number starts with 97 or 98'
>>> validate("98765 4321")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='mobile number', value='987654321', reason='a mobile number has 10 digits'
>>> validate("022 2612 3456")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='mobile number', value='02226123456', reason='an Indian mobile number starts with 6, 7, 8 or 9'
>>> validate("+44 7700 900123")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='mobile number', value='+447700900123', reason='only Indian (+91) and Nepali (+977) numbers are known'
>>> validate("98765O4321")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='mobile number', value='98765O4321', reason='a mobile number is digits, after an optional +'
>>> is_valid("7012345678"), is_valid("5012345678"), is_valid("9712345678", country="NP")
(True, False, True)
>>> format("919876543210"), format("9841234567", country="NP")
('+91 98765 43210', '+977 984-1234567')

`find` takes a number out of a name typed with it, without judging it:

>>> find("Pooja Singh 98765 43210"), find("Thapa dai, ९८४१२३४५६७"), find("Ramesh")
(('Pooja Singh', '9876543210'), ('Thapa dai', '9841234567'), ('Ramesh', None))
>>> find("+977 984-1234567 Gurung ji"), find("Chawal 10 kilo")
(('Gurung ji', '+9779841234567'), ('Chawal 10 kilo', None))
"""

from __future__ import annotations

import re

from erp_core.errors import InvalidComponent, InvalidFormat, InvalidIdentifier

KIND = "mobile number"
COUNTRY_CODES = {"IN": "91", "NP": "977"}
"""The shop's country → its telephone country code."""
_COUNTRIES = {code: country for country, code in COUNTRY_CODES.items()}
_MOBILE_START = {"IN": ("6", "7", "8", "9"), "NP": ("97", "98")}
_WRONG_START = {"IN": "an Indian mobile number starts with 6, 7, 8 or 9",
                "NP": "a Nepali mobile number starts with 97 or 98"}
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SEPARATORS = re.compile(r"[\s\-.()]")
_IN_TEXT = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s\-.()]{0,2}\d){9,14}(?!\w)")
"""Ten to fifteen digits with single separators (or a bracket and a space), an optional + first."""


def compact(number: str) -> str:
    """The number in ASCII digits without spaces, dashes, dots or brackets; a leading + stays."""
    return _SEPARATORS.sub("", number.translate(_DEVANAGARI_DIGITS).strip())


def _split(number: str, country: str) -> tuple[str, str]:
    """(country, national number) of the compact `number`; its own country code wins over `country`."""
    if number.startswith(("+", "00")):
        digits = number[1:] if number.startswith("+") else number[2:]
        code = next((c for c in _COUNTRIES if digits.startswith(c)), None)
        if code is None:
            raise InvalidComponent(kind=KIND, value=number,
                                   reason="only Indian (+91) and Nepali (+977) numbers are known")
        return _COUNTRIES[code], digits[len(code):]
    if len(number) == 11 and number.startswith("0"):
        return "IN", number[1:]
    for code, length in (("91", 12), ("977", 13)):
        if len(number) == length and number.startswith(code):
            return _COUNTRIES[code], number[len(code):]
    return country, number


def validate(number: str, country: str = "IN") -> str:
    """The number as WhatsApp's `wa_id` (country code and number, digits only).

    `country` ("IN" or "NP", the shop's) is where a number without a country
    code belongs. Raises `InvalidFormat` (not ten digits, not digits at all)
    or `InvalidComponent` (not a mobile number of its country, another country).
    """
    if country not in COUNTRY_CODES:
        raise ValueError(f"unknown country {country!r}: IN or NP")
    number = compact(number)
    if not re.fullmatch(r"\+?\d+", number) or not number.isascii():
        raise InvalidFormat(kind=KIND, value=number, reason="a mobile number is digits, after an optional +")
    home, national = _split(number, str(country))
    if len(national) != 10:
        raise InvalidFormat(kind=KIND, value=number, reason="a mobile number has 10 digits")
    if not national.startswith(_MOBILE_START[home]):
        raise InvalidComponent(kind=KIND, value=number, reason=_WRONG_START[home])
    return COUNTRY_CODES[home] + national


def is_valid(number: str, country: str = "IN") -> bool:
    """Whether `validate` accepts the number."""
    try:
        validate(number, country)
    except InvalidIdentifier:
        return False
    return True


def format(number: str, country: str = "IN") -> str:  # noqa: A001 - the python-stdnum verb
    """The number as people read it: `+91 98765 43210`, `+977 984-1234567`."""
    wa_id = validate(number, country)
    if wa_id.startswith(COUNTRY_CODES["NP"]):
        national = wa_id[3:]
        return f"+977 {national[:3]}-{national[3:]}"
    national = wa_id[2:]
    return f"+91 {national[:5]} {national[5:]}"


def country_of(number: str, country: str = "IN") -> str:
    """The country ("IN" or "NP") a valid mobile number belongs to.

    >>> country_of("9779841234567"), country_of("9841234567"), country_of("9841234567", "NP")
    ('NP', 'IN', 'NP')
    """
    return "NP" if validate(number, country).startswith(COUNTRY_CODES["NP"]) else "IN"


def find(text: str) -> tuple[str, str | None]:
    """(`text` without the first phone-like number, that number compacted) or (`text`, None).

    A phone-like number is ten to fifteen digits (ASCII or Devanagari), maybe with
    spaces or dashes between them and a + before; whether it is a valid mobile
    number is for `validate` to say. The rest of the text is returned as typed,
    with spaces collapsed and commas or dashes at its ends dropped.
    """
    match = _IN_TEXT.search(text.translate(_DEVANAGARI_DIGITS))
    if match is None:
        return " ".join(text.split()), None
    rest = f"{text[:match.start()]} {text[match.end():]}"
    return " ".join(rest.split()).strip(" ,-"), compact(match.group())
