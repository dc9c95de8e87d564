"""The festivals that move a shop's sales in India and Nepal, with their dates for any year.

Lunar festivals move every year (Diwali was 31 October 2024 and is 8 November 2026), so the dates come from the
`holidays` library's Indian and Nepali calendars, not from a table of our own. Shoppers buy in the days before a
festival: `window` is the week up to and including its day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

FESTIVALS = {
    "IN": {"Diwali": "Diwali", "Holi": "Holi", "Dussehra": "Dussehra", "Eid al-Fitr": "Eid al-Fitr",
           "Eid al-Adha": "Eid al-Adha", "Raksha Bandhan": "Raksha Bandhan", "Chhath": "Pratihar Shashthi",
           "Ganesh Chaturthi": "Ganesh Chaturthi", "Makar Sankranti": "Makar Sankranti", "Onam": "Onam",
           "Christmas": "Christmas"},
    "NP": {"Dashain": "Bijaya Dashami", "Tihar": "Laxmi Pooja", "Chhath": "Chhath Parva", "Holi": "Fagu Poornima",
           "Maghe Sankranti": "Maghe Sankranti", "Eid al-Fitr": "Eid al-Fitr",
           "Nepali New Year": "Nepali New Year", "Christmas": "Christmas Day"},
}
"""For each country, a festival's name here → the words that name its main day in the `holidays` calendar."""
WINDOW_DAYS = 7
"""A festival's shopping: the week up to its day."""


@lru_cache(maxsize=64)
def festival_days(country: str, year: int) -> dict[date, str]:
    """The main day of each festival of `FESTIVALS[country]` in `year`."""
    country = country.upper() if country.upper() in FESTIVALS else "IN"
    calendar = (holidays.India(years=year, categories=("public", "optional")) if country == "IN"
                else holidays.Nepal(years=year))
    found: dict[date, str] = {}
    for festival, words in FESTIVALS[country].items():
        named = [(day, [name.strip().lower() for name in names.split(";")]) for day, names in calendar.items()]
        days = sorted(day for day, names in named if words.lower() in names) or sorted(
            day for day, names in named if any(name.startswith(words.lower()) for name in names))
        if days:
            found.setdefault(days[0], festival)
    return found


def windows(country: str, first: date, last: date) -> dict[date, str]:
    """Every day from `first` to `last` that falls in a festival's shopping week, and which festival."""
    marked: dict[date, str] = {}
    for year in range(first.year, last.year + 2):
        for day, festival in festival_days(country, year).items():
            for back in range(WINDOW_DAYS):
                shopping = day - timedelta(days=back)
                if first <= shopping <= last:
                    marked.setdefault(shopping, festival)
    return marked
