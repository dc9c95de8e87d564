"""The shop's settings: checked with the identifier modules, the owner's alone, nothing half-changed."""

from __future__ import annotations

import pytest

from erp_core import shop_settings, tenants
from erp_core.context import Context
from erp_core.enums import ReplyLanguage, Role
from erp_core.errors import InvalidIdentifier, PermissionDenied, ValidationError
from erp_core.permissions import Actor

MAHARASHTRA_GSTIN = "27AAPFU0939F1ZV"


def test_the_owner_sets_upi_gstin_name_address_language_and_summary_time(new_shop):
    ctx = new_shop(name="Ramesh Kirana")
    assert shop_settings.shop_settings(ctx).reply_language is ReplyLanguage.AUTO
    after = shop_settings.update_settings(
        ctx, upi_vpa=" Ramesh@OKAXIS ", gstin=MAHARASHTRA_GSTIN.lower(), name="  Ramesh   General Store ",
        address="4 Station Road, Pune", reply_language="hi", daily_summary_time="21:30")
    assert (after.upi_vpa, after.gstin, after.name, after.state) == ("ramesh@okaxis", MAHARASHTRA_GSTIN,
                                                                     "Ramesh General Store", "Maharashtra")
    assert (after.reply_language, after.daily_summary_time) == (ReplyLanguage.HI, "21:30")
    assert shop_settings.shop_settings(ctx) == after
    cleared = shop_settings.update_settings(ctx, upi_vpa="", daily_summary_time="", idempotency_key="s-1")
    assert (cleared.upi_vpa, cleared.daily_summary_time, cleared.gstin) == (None, None, MAHARASHTRA_GSTIN)
    assert shop_settings.update_settings(ctx, upi_vpa="", daily_summary_time="", idempotency_key="s-1") == cleared


def test_a_gstin_of_another_state_or_a_nepal_shop_is_refused(new_shop):
    gujarat = new_shop(state="Gujarat")
    with pytest.raises(ValidationError, match="Maharashtra"):
        shop_settings.update_settings(gujarat, gstin=MAHARASHTRA_GSTIN)
    nepal = new_shop(country="NP")
    with pytest.raises(ValidationError, match="Nepal"):
        shop_settings.update_settings(nepal, gstin=MAHARASHTRA_GSTIN)
    assert shop_settings.shop_settings(gujarat).gstin is None


def test_bad_settings_change_nothing(new_shop):
    ctx = new_shop(name="Ramesh Kirana")
    for kwargs, error in (
        ({"upi_vpa": "ramesh kirana"}, InvalidIdentifier),
        ({"gstin": "27AAPFU0939F1ZX"}, InvalidIdentifier),  # wrong check character
        ({"reply_language": "fr"}, ValidationError),
        ({"daily_summary_time": "25:00"}, ValidationError),
        ({"daily_summary_time": "9 baje"}, ValidationError),
        ({"name": "   "}, ValidationError),
        ({"name": "x" * 201}, ValidationError),
        ({}, ValidationError),
        # one bad field refuses the good ones with it
        ({"upi_vpa": "ramesh@okaxis", "daily_summary_time": "24:10"}, ValidationError),
    ):
        with pytest.raises(error):
            shop_settings.update_settings(ctx, **kwargs)
    settings = shop_settings.shop_settings(ctx)
    assert (settings.name, settings.upi_vpa, settings.daily_summary_time) == ("Ramesh Kirana", None, None)


def test_only_the_owner_changes_settings(new_shop):
    ctx = new_shop()
    for role in (Role.MANAGER, Role.STAFF, Role.CUSTOMER):
        with pytest.raises(PermissionDenied):
            shop_settings.update_settings(Context(ctx.db, ctx.tenant_id, Actor(None, role)), upi_vpa="shop@ybl")
    assert shop_settings.update_settings(ctx, daily_summary_time="8:05").daily_summary_time == "08:05"


def test_the_reply_language_is_auto_until_set_and_comes_with_the_tenant(new_shop):
    ctx = new_shop(name="Pokhara Pasal")
    tenant = next(t for t in tenants.list_tenants(ctx.db) if t.id == ctx.tenant_id)
    assert tenant.reply_language is ReplyLanguage.AUTO
    shop_settings.update_settings(ctx, reply_language="ne_roman")
    found = tenants.find_tenant(ctx.db, tenant.phone_number_id)
    assert found is not None and found.reply_language is ReplyLanguage.NE_ROMAN
