"""The shop's settings: name, address, GSTIN, UPI id, reply language and daily-summary time."""

from __future__ import annotations

from pydantic import Field

from api.routing import Call, Resource
from api.types import Body
from erp_core import shop_settings
from erp_core.enums import ReplyLanguage
from erp_core.shop_settings import ShopSettings

api = Resource("settings", "Shop settings")
CLEARABLE = ("gstin", "upi_vpa", "daily_summary_time")


class SettingsChange(Body):
    """Only the fields sent change; `null` clears the GSTIN, the UPI id or the daily summary."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    gstin: str | None = Field(default=None, min_length=1, max_length=20)
    upi_vpa: str | None = Field(default=None, min_length=1, max_length=330)
    reply_language: ReplyLanguage | None = None
    daily_summary_time: str | None = Field(default=None, pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    """HH:MM in the shop's timezone."""


@api.get("/settings", summary="The shop's settings", response=ShopSettings)
def get_settings(call: Call) -> ShopSettings:
    return shop_settings.shop_settings(call.ctx)


@api.post("/settings", summary="Change the shop's settings", body=SettingsChange, response=ShopSettings,
          status=200, errors=(422,))
def change_settings(call: Call) -> ShopSettings:
    """The GSTIN must be valid and of the shop's state; the UPI id a valid `name@bank`."""
    b: SettingsChange = call.body
    values = {field: getattr(b, field) for field in b.model_fields_set}
    values.update({field: "" for field in CLEARABLE if field in values and values[field] is None})
    return shop_settings.update_settings(call.ctx, **{k: v for k, v in values.items() if v is not None},
                                         idempotency_key=call.idempotency_key)
