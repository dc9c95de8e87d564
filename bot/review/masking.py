"""Masking phone numbers to their last 4 digits (the DPDP option), in ids and in free text; and keeping
them out of the training data (`training_sentence`)."""

from __future__ import annotations

import re

PHONE_IN_TEXT = re.compile(r"(?<![\d])(\+?\d[\d \-]{8,16}\d)(?![\d])")
PHONE_DIGITS = 10
SYNTHETIC_DIGITS = "9876543210"
"""What a phone number's digits become in training data: the well-known made-up 98765 43210."""


def mask_phone(value: str | None) -> str:
    """'919812345678' -> '••••••••5678'; anything with fewer than 5 digits is left alone."""
    if not value:
        return value or ""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 5:
        return value
    return "•" * (len(digits) - 4) + digits[-4:]


def mask_text(text: str | None) -> str:
    """Every run of 10 or more digits (spaces, dashes and a leading + allowed) masked to its last 4."""
    if not text:
        return text or ""

    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(1))
        return mask_phone(digits) if len(digits) >= PHONE_DIGITS else match.group(1)

    return PHONE_IN_TEXT.sub(replace, text)


def synthetic_phone_numbers(text: str) -> str:
    """Every phone number in `text` (as `mask_text` finds them) replaced by 9876543210... of the same
    shape: same length, same spaces, dashes and leading +, so the sentence reads the same to the NLU."""

    def replace(match: re.Match[str]) -> str:
        number = match.group(1)
        if len(re.sub(r"\D", "", number)) < PHONE_DIGITS:
            return number
        digits = iter(SYNTHETIC_DIGITS * 2)
        return "".join(next(digits) if c.isdigit() else c for c in number)

    return PHONE_IN_TEXT.sub(replace, text)


def training_sentence(text: str) -> str:
    """A user message as it may enter the training data (and as the inbox shows it for annotation):
    single spaces, phone numbers made up (`synthetic_phone_numbers`)."""
    return synthetic_phone_numbers(" ".join(text.split()))
