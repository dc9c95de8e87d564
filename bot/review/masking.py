"""Phone numbers in the review app: masked wherever it shows them (`mask_id` for WhatsApp ids and business
numbers, `mask_text` inside messages), and made up in training sentences (`training_sentence`).

One rule finds a phone number in a text (`PHONE_IN_TEXT`: ten digits or more, spaces, dashes and a leading +
allowed); masking and making up both rewrite its digits in place, so a text keeps its length and its shape.
A mask keeps the country code, the first two and the last two digits of the number: `+91 98••••••10`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from erp_core.ids import mobile

PHONE_IN_TEXT = re.compile(r"(?<![\d])(\+?\d[\d \-]{8,16}\d)(?![\d])")
PHONE_DIGITS = 10
"""Fewer digits than this are a quantity, an amount or an order number, not a phone number."""
ID_DIGITS = re.compile(r"\+?\d{5,}")
"""The digits of an id: a wa_id (`919812345610`), a business number, a sender id `<business>:<wa_id>`."""
HIDDEN = "•"
SHOWN_AT_EACH_END = 2
SYNTHETIC_DIGITS = "9876543210"
"""What a phone number's digits become in training data: the well-known made-up 98765 43210."""


def _prefix_length(number: str) -> int:
    """How many leading digits of `number` are its country code (or India's trunk 0): none unless it is an
    Indian or Nepali mobile number written with one."""
    digits = sum(c.isdigit() for c in number)
    return digits - 10 if digits > 10 and mobile.is_valid(number) else 0


def _masked_number(number: str) -> str:
    """`number` with every digit hidden but its country code and the first and last two of the rest;
    spaces, dashes and a + stay where they are."""
    digits = sum(c.isdigit() for c in number)
    keep_from, keep_to = _prefix_length(number) + SHOWN_AT_EACH_END, digits - SHOWN_AT_EACH_END
    shown, seen = [], 0
    for char in number:
        if char.isdigit():
            shown.append(char if seen < keep_from or seen >= keep_to else HIDDEN)
            seen += 1
        else:
            shown.append(char)
    return "".join(shown)


def _each_phone_number(text: str, rewrite: Callable[[str], str]) -> str:
    """`text` with every phone number in it (`PHONE_IN_TEXT`) replaced by `rewrite(number)`."""

    def replace(match: re.Match[str]) -> str:
        number = match.group(1)
        return rewrite(number) if sum(c.isdigit() for c in number) >= PHONE_DIGITS else number

    return PHONE_IN_TEXT.sub(replace, text)


def mask_text(text: str | None) -> str:
    """Every phone number inside `text` masked where it stands; the text keeps its length, so offsets into it
    (an entity's start and end) still hold.

    >>> mask_text("mera number +91 98123 45610 hai, 5 kilo ₹1,250 ka")
    'mera number +91 98••• •••10 hai, 5 kilo ₹1,250 ka'
    """
    return _each_phone_number(text, _masked_number) if text else ""


def mask_id(value: str | None) -> str:
    """A WhatsApp id, a business number or a sender id with each number in it masked (five digits or more);
    a mobile number's country code is written out.

    >>> mask_id("919812345610"), mask_id("9779841234567"), mask_id("9812345610")
    ('+91 98••••••10', '+977 98••••••67', '98••••••10')
    >>> mask_id("100000000000001:919800000011")
    '10•••••••••••01:+91 98••••••11'
    """

    def replace(match: re.Match[str]) -> str:
        digits = match.group().lstrip("+")
        masked, prefix = _masked_number(digits), _prefix_length(digits)
        return f"+{masked[:prefix]} {masked[prefix:]}" if prefix and not digits.startswith("0") else masked

    return ID_DIGITS.sub(replace, value) if value else ""


def synthetic_phone_numbers(text: str) -> str:
    """Every phone number in `text` replaced by 9876543210... of the same shape: same length, same spaces,
    dashes and leading +, so the sentence reads the same to the NLU."""

    def made_up(number: str) -> str:
        digits = iter(SYNTHETIC_DIGITS * 2)
        return "".join(next(digits) if c.isdigit() else c for c in number)

    return _each_phone_number(text, made_up)


def training_sentence(text: str) -> str:
    """A user message as it may enter the training data (and as the inbox shows it for annotation):
    single spaces, phone numbers made up (`synthetic_phone_numbers`)."""
    return synthetic_phone_numbers(" ".join(text.split()))


def shown_as_is(value: str | None) -> str:
    """What `mask_text` and `mask_id` stand in for where an admin revealed a conversation's numbers."""
    return value or ""
