"""When the owner wants a reminder to go: "har hafte" (every 7 days), "har 3 din", "kal subah 9 baje", "Friday
ko", "2 din baad" (one reminder then), or nothing said (now). Read from the message's words in Hinglish, Hindi,
Nepali and English, with the time of day the NLU's `time` entity gives ("09:00")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY_N_DAYS = re.compile(r"(?:har|every|हर|हरेक|harek|prati|प्रति)\s+(\d{1,2})\s*(?:din|days?|दिन)|"
                          r"(\d{1,2})\s*(?:din|days?|दिन)\s*(?:mein|me|में|ma|मा|in)\s*(?:ek|एक|once)", re.I)
EVERY = (
    (1, ("roz", "rozana", "daily", "every day", "har din", "रोज़", "रोज", "हर दिन", "दैनिक", "dinhui", "दिनहुँ",
         "harek din", "हरेक दिन")),
    (7, ("har hafte", "har haftey", "har hafta", "hafte mein ek", "weekly", "every week", "हर हफ्ते", "हर हफ़्ते",
         "हफ्ते में एक", "हरेक हप्ता", "harek hapta", "hapta ma ek", "हप्तामा एक", "every monday")),
    (30, ("har mahine", "monthly", "every month", "हर महीने", "हरेक महिना", "harek mahina", "mahina ma ek",
          "महिनामा एक", "mahine mein ek")),
)
"""Words of a cycle, by its days (longest phrases are looked for as they are written)."""
DAY_OFFSETS = (
    (2, ("parso", "parson", "parsoon", "day after tomorrow", "परसों", "पर्सि", "parsi")),
    (1, ("kal", "kall", "tomorrow", "tmrw", "कल", "भोलि", "bholi")),
    (0, ("aaj", "today", "आज", "aaja")),
)
IN_N_DAYS = re.compile(r"(\d{1,2})\s*(?:din|दिन)\s*(?:baad|bad|बाद|pachhi|pachi|पछि)|in\s+(\d{1,2})\s*days?|"
                       r"(\d{1,2})\s*दिनपछि", re.I)
WEEKDAYS = (
    ("monday", "mon", "somvar", "somwar", "सोमवार", "sombar", "सोमबार"),
    ("tuesday", "tue", "mangalvar", "mangalwar", "मंगलवार", "mangalbar", "मङ्गलबार"),
    ("wednesday", "wed", "budhvar", "budhwar", "बुधवार", "budhabar", "बुधबार"),
    ("thursday", "thu", "guruvar", "guruwar", "brihaspativar", "गुरुवार", "बृहस्पतिवार", "bihibar", "बिहीबार"),
    ("friday", "fri", "shukravar", "shukrawar", "शुक्रवार", "shukrabar", "शुक्रबार"),
    ("saturday", "sat", "shanivar", "shaniwar", "शनिवार", "shanibar", "शनिबार"),
    ("sunday", "sun", "ravivar", "raviwar", "इतवार", "रविवार", "aaitabar", "आइतबार"),
)
DAY_PARTS = (
    (time(9, 0), ("subah", "subh", "morning", "सुबह", "बिहान", "bihana", "savere", "सवेरे")),
    (time(13, 0), ("dopahar", "dopehar", "afternoon", "दोपहर", "दिउँसो", "diuso")),
    (time(18, 0), ("shaam", "sham", "evening", "शाम", "साँझ", "beluka", "बेलुका")),
)
DEFAULT_TIME = time(10, 0)
"""A day without a time: after the quiet hours, before the day gets busy (erp_core.reminders' daily run)."""


@dataclass(frozen=True)
class Schedule:
    """Every `every_days` days while anything is due, or once at `at` (UTC); neither: now."""

    every_days: int | None = None
    at: datetime | None = None


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w:]+", " ", text.lower()) + " "


def _has(words: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in words for phrase in phrases)


def _cycle(text: str, words: str) -> int | None:
    match = EVERY_N_DAYS.search(text)
    if match:
        return int(match[1] or match[2])
    return next((days for days, phrases in EVERY if _has(words, phrases)), None)


def _day(text: str, words: str, today: date) -> date | None:
    match = IN_N_DAYS.search(text)
    if match:
        return today + timedelta(days=int(next(g for g in match.groups() if g)))
    for offset, phrases in DAY_OFFSETS:
        if _has(words, phrases):
            return today + timedelta(days=offset)
    for weekday, names in enumerate(WEEKDAYS):
        if _has(words, names):
            return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return None


def read_schedule(text: str, clock: str | None, now: datetime, timezone: str) -> Schedule:
    """The schedule a message asks for. `clock` is the `time` entity ("21:00"); `now` is aware.

    >>> now = datetime(2026, 12, 7, 4, 0, tzinfo=ZoneInfo("UTC"))   # Monday 09:30 in India
    >>> read_schedule("Ramesh ko har hafte yaad dilana", None, now, "Asia/Kolkata")
    Schedule(every_days=7, at=None)
    >>> read_schedule("kal subah Ramesh ko yaad dilana", "09:00", now, "Asia/Kolkata").at.isoformat()
    '2026-12-08T03:30:00+00:00'
    >>> read_schedule("remind Ravi on friday", None, now, "Asia/Kolkata").at.isoformat()
    '2026-12-11T04:30:00+00:00'
    >>> read_schedule("Ramesh ko reminder bhejo", None, now, "Asia/Kolkata")
    Schedule(every_days=None, at=None)
    """
    words = _words(text)
    cycle = _cycle(text, words)
    if cycle is not None:
        return Schedule(every_days=cycle)
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    at_time = time.fromisoformat(clock) if clock else next((t for t, names in DAY_PARTS if _has(words, names)), None)
    day = _day(text, words, local.date())
    if day is None and at_time is None:
        return Schedule()
    if day is None:   # a time alone: today if it is still to come, else tomorrow
        day = local.date() if datetime.combine(local.date(), at_time, zone) > local else local.date() + timedelta(1)
    moment = datetime.combine(day, at_time or DEFAULT_TIME, zone)
    if moment <= local:
        return Schedule()
    return Schedule(at=moment.astimezone(ZoneInfo("UTC")))
