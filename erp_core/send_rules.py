"""Whether and how the shop may message someone it was not answering (a reminder, a receipt, an alert).

- Opt-out: someone who said "STOP" gets nothing but replies to their own messages.
- Quiet hours: nothing from 21:00 to 08:00 shop time, unless the person wrote in the last hour (or chose the time
  themselves: the owner's daily summary); the message waits for 08:00.
- The daily cap: at most `daily_cap` such messages a day to one person (reminders: one); the next waits for
  the next shop day.
- WhatsApp's 24-hour customer-service window: within 24 hours of the person's last message a free-form text
  may go; after it, only an approved template.

`decide` is a pure function of the facts and the clock; the notice worker (`bot/notify`) gathers the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from erp_core.scheduler import next_daily

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
RECENTLY_WROTE = timedelta(hours=1)
SERVICE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Decision:
    send: bool
    reason: str
    """`ok`, `opted_out`, `quiet_hours` or `daily_cap`."""
    as_template: bool = False
    """Outside the 24-hour window: only an approved template may go."""
    not_before: datetime | None = None
    """When it may go instead (UTC), for `quiet_hours` and `daily_cap`."""


def _quiet(local: time) -> bool:
    return local >= QUIET_FROM or local < QUIET_UNTIL


def decide(
    now: datetime,
    timezone: str,
    *,
    last_inbound_at: datetime | None,
    opted_out: bool = False,
    sent_today: int = 0,
    daily_cap: int = 1,
    their_time: bool = False,
) -> Decision:
    """May a message the person did not ask for go to them at `now`, and as free text or a template?
    `their_time`: the person chose when it comes (the owner's daily summary at 21:30), so quiet hours do not hold it."""
    if opted_out:
        return Decision(False, "opted_out")
    if sent_today >= daily_cap:
        return Decision(False, "daily_cap", not_before=next_daily(time(0, 0), timezone, now))
    wrote_recently = last_inbound_at is not None and now - last_inbound_at <= RECENTLY_WROTE
    if _quiet(now.astimezone(ZoneInfo(timezone)).time()) and not wrote_recently and not their_time:
        return Decision(False, "quiet_hours", not_before=next_daily(QUIET_UNTIL, timezone, now))
    in_window = last_inbound_at is not None and now - last_inbound_at < SERVICE_WINDOW
    return Decision(True, "ok", as_template=not in_window)
