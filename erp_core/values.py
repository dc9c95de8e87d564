"""Checking amounts and quantities at the door: exact Decimals within sane bounds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator

from erp_core.errors import ValidationError

MAX_MONEY = Decimal("1000000000")  # ₹100 crore: more than any one shop entry
MAX_QUANTITY = Decimal("10000000")


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError(field=field, reason="must be an exact number, not a float")
    try:
        number = Decimal(str(value)) if isinstance(value, (int, str)) else value
    except InvalidOperation:
        raise ValidationError(field=field, reason=f"{value!r} is not a number") from None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise ValidationError(field=field, reason=f"{value!r} is not a number")
    return number


def _checked(value: object, field: str, places: int, limit: Decimal, *, positive: bool, signed: bool) -> Decimal:
    number = _decimal(value, field)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(field=field, reason=f"at most {places} decimal places")
    if positive and number <= 0:
        raise ValidationError(field=field, reason="must be more than zero")
    if not signed and number < 0:
        raise ValidationError(field=field, reason="cannot be negative")
    if abs(number) > limit:
        raise ValidationError(field=field, reason=f"more than {limit} is not believable")
    return number.quantize(Decimal(1).scaleb(-places))


def money(value: object, field: str = "amount", *, positive: bool = False, signed: bool = False) -> Decimal:
    """A rupee amount with at most 2 decimals (paise)."""
    return _checked(value, field, 2, MAX_MONEY, positive=positive, signed=signed)


def quantity(
    value: object, field: str = "quantity", *, signed: bool = False, allow_zero: bool = False
) -> Decimal:
    """A stock quantity with at most 3 decimals; more than zero unless `signed` or `allow_zero`."""
    number = _checked(value, field, 3, MAX_QUANTITY, positive=False, signed=signed)
    if number == 0 and not allow_zero:
        raise ValidationError(field=field, reason="cannot be zero")
    if number < 0 and not signed:
        raise ValidationError(field=field, reason="must be more than zero")
    return number


def rate(value: object, field: str = "gst_rate") -> Decimal:
    """A percentage between 0 and 100 with at most 2 decimals."""
    return _checked(value, field, 2, Decimal(100), positive=False, signed=False)


def _refuse_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("must be an exact number (a string such as \"12.50\" or an integer), not a float")
    return value


Exact = Annotated[Decimal, BeforeValidator(_refuse_float)]
"""A Decimal field for pydantic models that refuses JSON floats (12.5 must arrive as "12.5")."""
