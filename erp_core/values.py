"""Checking amounts and quantities at the door: exact Decimals within sane bounds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, ValidationInfo

from erp_core.enums import PaymentMode
from erp_core.errors import ValidationError

MAX_MONEY = Decimal("1000000000")  # ₹100 crore: more than any one shop entry
MAX_QUANTITY = Decimal("10000000")


def refuse_float(value: object, field: str | None = None) -> object:
    """The one no-float guard: `value` unchanged unless it is a float.

    With a `field`, the domain `ValidationError` naming it; without (inside `Exact`),
    a `ValueError` that pydantic reports with the value's location in the body.
    """
    if isinstance(value, float):
        if field is None:
            raise ValueError("must be an exact number (a string such as \"12.50\" or an integer), not a float")
        raise ValidationError(field=field, reason="must be an exact number, not a float")
    return value


def exact(value: object, info: ValidationInfo) -> object:
    """A pydantic before-validator for domain inputs: `field_validator("quantity", mode="before")(exact)`."""
    return refuse_float(value, info.field_name)


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(field=field, reason="must be an exact number, not a float")
    refuse_float(value, field)
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


def payment_mode(value: object, field: str = "payment_mode", *, on_credit: str | None = None) -> PaymentMode:
    """A `PaymentMode` from its value; `on_credit` is the reason to refuse `credit` where money must change hands."""
    try:
        mode = PaymentMode(value)
    except ValueError:
        raise ValidationError(field=field, reason=f"{value!r} is not a payment mode") from None
    if on_credit is not None and mode is PaymentMode.CREDIT:
        raise ValidationError(field=field, reason=on_credit)
    return mode


Exact = Annotated[Decimal, BeforeValidator(lambda value: refuse_float(value))]
"""A Decimal field for pydantic models that refuses JSON floats (12.5 must arrive as "12.5")."""
