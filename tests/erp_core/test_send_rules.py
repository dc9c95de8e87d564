"""The rules for messages the shop sends first: opt-out, quiet hours, the daily cap and the 24-hour window."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from erp_core.send_rules import decide

IST = ZoneInfo("Asia/Kolkata")
UTC = ZoneInfo("UTC")


def at(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=IST).astimezone(UTC)


@pytest.mark.parametrize("hour, minute, quiet", [(20, 59, False), (21, 0, True), (23, 30, True), (3, 0, True),
                                                 (7, 59, True), (8, 0, False), (12, 0, False)])
def test_quiet_hours_are_nine_at_night_to_eight_in_the_morning_shop_time(hour, minute, quiet):
    decision = decide(at(hour, minute), "Asia/Kolkata", last_inbound_at=None)
    assert (decision.send, decision.reason) == ((False, "quiet_hours") if quiet else (True, "ok"))
    if quiet:  # it waits for 08:00 shop time
        assert decision.not_before.astimezone(IST).time().hour == 8
        assert decision.not_before > at(hour, minute)


def test_someone_who_wrote_in_the_last_hour_may_be_answered_at_night():
    assert decide(at(22, 30), "Asia/Kolkata", last_inbound_at=at(21, 45)).send
    assert not decide(at(22, 30), "Asia/Kolkata", last_inbound_at=at(21, 15)).send


def test_outside_the_24_hour_window_only_a_template_may_go():
    wrote = at(10, 0)
    assert decide(at(9, 59, day=8), "Asia/Kolkata", last_inbound_at=wrote).as_template is False
    assert decide(at(10, 0, day=8), "Asia/Kolkata", last_inbound_at=wrote).as_template is True
    assert decide(at(10, 0), "Asia/Kolkata", last_inbound_at=None).as_template is True


def test_opt_out_and_the_daily_cap():
    assert decide(at(10), "Asia/Kolkata", last_inbound_at=None, opted_out=True).reason == "opted_out"
    capped = decide(at(10), "Asia/Kolkata", last_inbound_at=None, sent_today=1)
    assert (capped.send, capped.reason) == (False, "daily_cap")
    assert capped.not_before == datetime(2026, 12, 8, 0, 0, tzinfo=IST).astimezone(UTC)
    assert decide(at(10), "Asia/Kolkata", last_inbound_at=None, sent_today=1, daily_cap=3).send


def test_the_shops_own_time_zone_counts():
    # 21:10 in Kathmandu is 20:55 in India: quiet for a Nepali shop, not yet for an Indian one
    nepal_evening = datetime(2026, 12, 7, 21, 10, tzinfo=ZoneInfo("Asia/Kathmandu"))
    assert decide(nepal_evening, "Asia/Kathmandu", last_inbound_at=None).reason == "quiet_hours"
    assert decide(nepal_evening, "Asia/Kolkata", last_inbound_at=None).reason == "ok"
    assert decide(nepal_evening + timedelta(minutes=5), "Asia/Kolkata", last_inbound_at=None).reason == "quiet_hours"
