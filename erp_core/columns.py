"""Column types that keep money and quantities exact on every database, and secrets unreadable in it.

Amounts are stored as integers of a fixed scale (paise for money, thousandths
for quantities), so SQLite and PostgreSQL add them up identically and nothing
ever passes through a float. Secrets are stored encrypted (`secret_box`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from erp_core.secret_box import current_box


class ScaledDecimal(TypeDecorator[Decimal]):
    """A `Decimal` stored as an integer count of 10**-scale units."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)


Money = ScaledDecimal(2)
"""Rupees (or Nepali rupees) with paise."""
Quantity = ScaledDecimal(3)
"""Stock quantities: 0.250 kg, 12 pcs."""
UnitCost = ScaledDecimal(4)
"""Weighted-average cost per unit, kept finer than money to limit drift."""
Rate = ScaledDecimal(2)
"""Percentages such as GST rates (0.25, 5, 18)."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp, also on SQLite (which stores naive text)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class EncryptedText(TypeDecorator[str]):
    """A secret (an API key secret, a signing secret): encrypted on write, decrypted on read."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else current_box().encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else current_box().decrypt(value)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)
