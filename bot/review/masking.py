"""Masking phone numbers to their last 4 digits (the DPDP option), in ids and in free text."""

from __future__ import annotations

import re

PHONE_IN_TEXT = re.compile(r"(?<![\d])(\+?\d[\d \-]{8,16}\d)(?![\d])")


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
        return mask_phone(digits) if len(digits) >= 10 else match.group(1)

    return PHONE_IN_TEXT.sub(replace, text)
