"""The shop's own settings: name, address, GSTIN, UPI id, the language the bot replies in and when the owner
gets the daily summary. Identifiers are checked with `erp_core.ids`; only the owner changes them."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.enums import Country, ReplyLanguage
from erp_core.errors import ValidationError
from erp_core.ids import gstin as gstin_id
from erp_core.ids import vpa
from erp_core.ids.states import code_of, name_of
from erp_core.models import Tenant
from erp_core.permissions import Permission

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
NAME_LENGTH = 200
ADDRESS_LENGTH = 500


class ShopSettings(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    address: str
    state: str
    country: Country
    timezone: str
    gstin: str | None
    upi_vpa: str | None
    reply_language: ReplyLanguage
    daily_summary_time: str | None
    """HH:MM in the shop's timezone; None: no daily summary."""


def _view(tenant: Tenant) -> ShopSettings:
    clock = tenant.daily_summary_time
    return ShopSettings(name=tenant.name, address=tenant.address, state=tenant.state, country=tenant.country,
                        timezone=tenant.timezone, gstin=tenant.gstin, upi_vpa=tenant.upi_vpa,
                        reply_language=tenant.reply_language,
                        daily_summary_time=None if clock is None else clock.strftime("%H:%M"))


def shop_settings(ctx: Context) -> ShopSettings:
    """The shop's settings as they are now."""
    ctx.actor.require(Permission.VIEW_SALES)
    with ctx.read() as session:
        return _view(ctx.tenant(session))


def parse_clock(text: str) -> time:
    """A time of day written HH:MM (24-hour; "9:30" too)."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValidationError(field="daily_summary_time", reason=f"{text!r} is not a time of day like 21:30")
    return time(int(match[1]), int(match[2]))


def _text(value: str, field: str, limit: int, *, required: bool) -> str:
    value = " ".join(value.split()) if field == "name" else value.strip()
    if required and not value:
        raise ValidationError(field=field, reason="is required")
    if len(value) > limit:
        raise ValidationError(field=field, reason=f"at most {limit} characters")
    return value


def update_settings(
    ctx: Context,
    *,
    name: str | None = None,
    address: str | None = None,
    gstin: str | None = None,
    upi_vpa: str | None = None,
    reply_language: ReplyLanguage | str | None = None,
    daily_summary_time: str | None = None,
    idempotency_key: str | None = None,
) -> ShopSettings:
    """Change the settings given (None leaves one as it is; "" clears the GSTIN, the UPI id or the daily summary).

    A GSTIN must be valid and of the shop's state (a shop with no state yet takes the GSTIN's), and its PAN
    the shop's PAN when one is known; Nepal shops have no GSTIN.
    """
    ctx.actor.require(Permission.MANAGE_SETTINGS)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _text(name, "name", NAME_LENGTH, required=True)
    if address is not None:
        changes["address"] = _text(address, "address", ADDRESS_LENGTH, required=False)
    if gstin is not None:
        changes["gstin"] = gstin_id.validate(gstin) if gstin.strip() else None
    if upi_vpa is not None:
        changes["upi_vpa"] = vpa.validate(upi_vpa) if upi_vpa.strip() else None
    if reply_language is not None:
        try:
            changes["reply_language"] = ReplyLanguage(reply_language)
        except ValueError:
            raise ValidationError(field="reply_language",
                                  reason=f"{reply_language!r} is not one of {', '.join(ReplyLanguage)}") from None
    if daily_summary_time is not None:
        changes["daily_summary_time"] = parse_clock(daily_summary_time) if daily_summary_time.strip() else None
    if not changes:
        raise ValidationError(field="settings", reason="nothing to change")
    request = {k: v.strftime("%H:%M") if isinstance(v, time) else v for k, v in changes.items()}

    def work(session: Session) -> ShopSettings:
        tenant = ctx.tenant(session)
        if changes.get("gstin"):
            _check_gstin(tenant, changes["gstin"])
        for field, value in changes.items():
            setattr(tenant, field, value)
        return _view(tenant)

    return ctx.run("shop.settings", request, work, ShopSettings, idempotency_key)


def _check_gstin(tenant: Tenant, number: str) -> None:
    """Refuse a GSTIN of another state or PAN than the shop's; fill in the state and PAN the shop lacks."""
    if tenant.country is not Country.IN:
        raise ValidationError(field="gstin", reason="a shop in Nepal has a PAN/VAT number, not a GSTIN")
    if gstin_id.registration(number) != gstin_id.REGULAR:
        raise ValidationError(field="gstin", reason=f"{number} is a {gstin_id.registration(number).upper()} "
                                                    "registration: a shop sells under its regular GSTIN")
    state = code_of(tenant.state)
    if tenant.state.strip() and state != number[:2]:
        raise ValidationError(field="gstin", reason=f"the GSTIN is of {name_of(number[:2])}, the shop is in "
                                                    f"{tenant.state}")
    pan = gstin_id.pan(number)
    if tenant.pan and tenant.pan != pan:
        raise ValidationError(field="gstin", reason=f"the GSTIN holds PAN {pan}, the shop's PAN is {tenant.pan}")
    if not tenant.state.strip():
        tenant.state = name_of(number[:2])
    tenant.pan = tenant.pan or pan
