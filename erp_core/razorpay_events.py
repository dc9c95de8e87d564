"""Razorpay's webhook body, read once into typed models: the event's name, and the payment and payment link it
carries. Whatever else a body holds (or lacks) is a `ValidationError`, never an exception from deep inside.

Only the fields the books use are read, strictly typed (an amount is whole paise, a time is Unix seconds);
Razorpay sends many more, which are ignored.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt
from pydantic import ValidationError as SchemaError

from erp_core.errors import ValidationError

LAST_UNIX_SECOND = 253_402_300_799
"""9999-12-31T23:59:59Z: the last second a datetime holds."""


def _storable(text: str) -> str:
    """Text a database stores: no NUL, no lone UTF-16 surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text may not contain lone surrogates") from None
    if "\x00" in text:
        raise ValueError("text may not contain NUL")
    return text


Text = Annotated[str, AfterValidator(_storable)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class Payment(_Shape):
    id: Text = ""
    status: Text = ""
    currency: Text = "INR"
    amount: StrictInt = Field(default=0, ge=0, le=10**15)
    """In paise."""
    method: Text | None = None
    created_at: StrictInt | None = Field(default=None, ge=0, le=LAST_UNIX_SECOND)
    notes: dict[str, Any] | list[Any] | None = None


class PaymentLink(_Shape):
    id: Text | None = None
    reference_id: Text | None = None
    notes: dict[str, Any] | list[Any] | None = None


class _PaymentEntity(_Shape):
    entity: Payment = Payment()


class _LinkEntity(_Shape):
    entity: PaymentLink = PaymentLink()


class Payload(_Shape):
    payment: _PaymentEntity | None = None
    payment_link: _LinkEntity | None = None


class Event(_Shape):
    event: Text
    payload: dict[str, Any]

    def payment_payload(self) -> tuple[Payment, PaymentLink]:
        """The payment and payment link of a payment event (empty ones where the body has none)."""
        payload = _validate(Payload, self.payload)
        return ((payload.payment or _PaymentEntity()).entity, (payload.payment_link or _LinkEntity()).entity)


def parse_event(body: bytes) -> Event:
    """The event in a webhook body; `ValidationError` when the body is not a Razorpay event."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested thousands of levels deep
        raise ValidationError(field="body", reason="not a Razorpay event") from None
    return _validate(Event, raw)


def _validate(model: type[_Shape], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except (SchemaError, RecursionError):
        raise ValidationError(field="body", reason="not a Razorpay event") from None
