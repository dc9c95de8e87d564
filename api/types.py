"""Request field types: exact numbers within believable bounds, and the strict base of every body."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema

from erp_core.values import MAX_MONEY, MAX_QUANTITY, Exact

_NUMBER = r"^-?\d{1,10}(\.\d{1,4})?$"


def _exact(places: int, low: Decimal | None, high: Decimal, description: str) -> object:
    schema = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _NUMBER}], "description": description}
    if low is not None:  # a JSON number (it bounds the integer form); the exact bound is in `description`
        schema["minimum"] = int(low) if low == low.to_integral_value() else float(low)
    return Annotated[Exact, Field(ge=low, le=high, decimal_places=places), WithJsonSchema(schema)]


Money = _exact(2, Decimal(0), MAX_MONEY, "rupees with at most 2 decimals, as a string (\"12.50\") or integer")
SignedMoney = _exact(2, -MAX_MONEY, MAX_MONEY, "signed rupees with at most 2 decimals, as a string or integer")
PositiveQuantity = _exact(3, Decimal("0.001"), MAX_QUANTITY, "more than zero, at most 3 decimals, as a string or integer")
StockQuantity = _exact(3, Decimal(0), MAX_QUANTITY, "zero or more, at most 3 decimals, as a string or integer")
SignedQuantity = _exact(3, -MAX_QUANTITY, MAX_QUANTITY, "signed, at most 3 decimals, as a string or integer")
Rate = _exact(2, Decimal(0), Decimal(100), "a percentage from 0 to 100")
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(max_length=500)]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
"""A calendar day the books can hold (2000 to 2100): beyond that, time-zone arithmetic overflows."""


def _believable(moment: datetime) -> datetime:
    if not FIRST_DAY.year < moment.year < LAST_DAY.year:
        raise ValueError("a moment from 2001 to 2099")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_believable)]
"""A moment with its UTC offset, from 2001 to 2099."""


class Body(BaseModel):
    """Every request body and query: unknown fields are errors, nothing is coerced from floats."""

    model_config = ConfigDict(extra="forbid", frozen=True)
