"""The rule-based entities: amounts, quantities and units, order numbers, periods, payment modes and
expense categories; for the selling day's intents an order's next step, a write-off's reason, the shop
setting named and its UPI id, GSTIN, reply language or time of day; with the normalised values of the NLU contract and
spans in the text as typed.

The intent (the intent classifier's, when Rasa runs this) decides what a bare number is: money for
a payment, a count for an order. A currency marker always makes an amount and a
unit always makes a quantity.

>>> [(e.entity, e.value, e.text) for e in extract("Sharma ji ko dedh kilo chawal aur ₹5,000 ka bill", "create_invoice")]
[('quantity', '1.5', 'dedh'), ('unit', 'kg', 'kilo'), ('amount', '5000', '₹5,000')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rasa.nlu import lexicon
from bot.rasa.nlu.normalise import Word, words
from bot.rasa.nlu.numbers import NumberMatch, is_multiplier, parse_number, plain

ENTITY_TYPES = ("quantity", "amount", "order_id", "unit", "period", "payment_mode", "expense_category", "order_step",
                "write_off_reason", "setting", "reply_language", "upi_id", "gstin", "time")
"""The entities this module owns; the Rasa component drops any other extractor's guesses of these."""

_UNITS = lexicon.phrases(lexicon.UNITS)
_UNIT_FACTORS = {lexicon.keys(k): v for k, v in lexicon.UNIT_FACTORS.items()}
_PERIODS = lexicon.phrases(lexicon.PERIODS)
_BARE_YESTERDAY = lexicon.phrases({"yesterday": lexicon.BARE_YESTERDAY})
_PAYMENT_MODES = lexicon.phrases(lexicon.PAYMENT_MODES)
_REPAID_CREDIT = lexicon.phrases({"repaid": lexicon.REPAID_CREDIT})
_EXPENSE_CATEGORIES = lexicon.phrases(lexicon.EXPENSE_CATEGORIES)
_INTENT_PHRASES = {
    "update_order": (("order_step", lexicon.phrases(lexicon.ORDER_STEPS)),),
    "write_off": (("write_off_reason", lexicon.phrases(lexicon.WRITE_OFF_REASONS)),),
    "purchase_return": (("write_off_reason", lexicon.phrases(lexicon.WRITE_OFF_REASONS)),),
    "shop_settings": (("setting", lexicon.phrases(lexicon.SETTINGS)),
                      ("reply_language", lexicon.phrases(lexicon.REPLY_LANGUAGES))),
}
"""Closed sets that only mean something in one intent ("pack" is a unit elsewhere, "kharab" just a word)."""
_PATTERNS = (
    ("upi_id", re.compile(r"(?<![\w.@-])[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}(?![\w@])", re.I), str.lower),
    ("gstin", re.compile(r"(?<![0-9A-Z])[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z](?![0-9A-Z])", re.I), str.upper),
)
"""Identifiers by shape, whatever the intent (a payment to "shop@okaxis" names it too); erp_core.ids validates."""
_CLOCK = re.compile(
    rf"(?:(?P<part>{'|'.join(sorted(map(re.escape, lexicon.DAY_PARTS), key=len, reverse=True))})\s+)?"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<mark>baje|bje|बजे|am|pm|a\.m\.|p\.m\.|o'clock)(?!\w)"
    r"|(?<![\d:.])(?P<hh>\d{1,2}):(?P<mm>\d{2})(?![\d:])", re.I)
"""A time of day: "9 baje", "raat 9 baje", "9:30 pm", "९ बजे", "21:30" (the daily summary's time)."""
CLOCK_INTENTS = frozenset({"shop_settings", "send_reminder"})
"""Where a time of day means something: the daily summary's time, a reminder's ("kal subah 9 baje")."""
_CURRENCY_BEFORE = lexicon.key_set(lexicon.CURRENCY_BEFORE)
_CURRENCY_AFTER = lexicon.key_set(lexicon.CURRENCY_AFTER)
_PERCENT = lexicon.key_set(lexicon.PERCENT)
_ORDER_WORDS = lexicon.key_set(lexicon.ORDER_WORDS)
_ORDER_NUMBER_WORDS = lexicon.key_set(lexicon.ORDER_NUMBER_WORDS)
_AMBIGUOUS = lexicon.key_set(lexicon.AMBIGUOUS_NUMBER_WORDS)
_STANDALONE_UNIT_EXCLUDED = lexicon.key_set(" ".join(lexicon.STANDALONE_UNIT_EXCLUDED))
_STRENGTH_UNITS = lexicon.key_set(lexicon.STRENGTH_UNITS)
_PACK_WORDS = lexicon.key_set(lexicon.PACK_WORDS)
_PRICE_WORDS = lexicon.key_set(lexicon.PRICE_WORDS)
_PER_WORDS = lexicon.key_set(lexicon.PER_WORDS)
_WORTH_WORDS = lexicon.key_set(lexicon.WORTH_WORDS)
_WORTH_ENDS = lexicon.key_set(lexicon.WORTH_ENDS)
_COUNT_OR_PRICE_AFTER = _CURRENCY_AFTER | _PACK_WORDS | _STRENGTH_UNITS
_ONE_WORDS = lexicon.key_set(lexicon.ONE_WORDS)
_ARTICLE_NOUNS = lexicon.key_set(lexicon.ARTICLE_NOUNS)
_LINK_WORDS = lexicon.key_set(lexicon.LINK_WORDS)
_NOT_NAMES = (lexicon.key_set(lexicon.FUNCTION_WORDS) | _LINK_WORDS | _CURRENCY_BEFORE | _CURRENCY_AFTER | _ORDER_WORDS
              | _ORDER_NUMBER_WORDS)
_MARK_PUNCTUATION = frozenset({".", ":"})
_PHONE_DIGITS = 10


@dataclass(frozen=True)
class Entity:
    """One entity: its type, normalised value, and where it is in the text the user typed."""

    entity: str
    value: str
    start: int
    end: int
    text: str


def _longest(table: dict[tuple[str, ...], str], keys: list[str], i: int, free: list[bool]) -> tuple[str, int] | None:
    """The value and end of the longest phrase of `table` at keys[i] over free tokens."""
    for length in range(min(6, len(keys) - i), 0, -1):
        phrase = tuple(keys[i:i + length])
        if phrase in table and all(free[i:i + length]):
            return table[phrase], i + length
    return None


class _Reader:
    """One pass over a message's words, taking each word at most once."""

    def __init__(self, text: str, intent: str | None) -> None:
        self.text, self.intent = text, intent
        self.words: list[Word] = words(text)
        self.keys = [w.key for w in self.words]
        self.free = [True] * len(self.words)
        self.entities: list[Entity] = []

    def add(self, entity: str, value: str, first: int, end: int) -> None:
        start, stop = self.words[first].start, self.words[end - 1].end
        self.entities.append(Entity(entity, value, start, stop, self.text[start:stop]))
        self.skip(first, end)

    def phrases(self, entity: str, table: dict[tuple[str, ...], str]) -> None:
        i = 0
        while i < len(self.keys):
            found = _longest(table, self.keys, i, self.free) if self.free[i] else None
            if found:
                self.add(entity, found[0], i, found[1])
                i = found[1]
            else:
                i += 1

    def patterns(self) -> None:
        """Identifiers found by their shape in the text as typed; the words inside them are taken."""
        for entity, pattern, value in _PATTERNS:
            for m in pattern.finditer(self.text):
                inside = [i for i, w in enumerate(self.words) if w.start < m.end() and w.end > m.start()]
                if inside and all(self.free[i] for i in inside):
                    self.entities.append(Entity(entity, value(m.group()), m.start(), m.end(), m.group()))
                    self.skip(inside[0], inside[-1] + 1)

    def clock(self) -> None:
        """Times of day, as HH:MM on a 24-hour clock; the words inside them are taken."""
        for m in _CLOCK.finditer(self.text):
            value = clock_value(m)
            inside = [i for i, w in enumerate(self.words) if w.start < m.end() and w.end > m.start()]
            if value and inside and all(self.free[i] for i in inside):
                self.entities.append(Entity("time", value, m.start(), m.end(), m.group()))
                self.skip(inside[0], inside[-1] + 1)

    def skip_phrases(self, table: dict[tuple[str, ...], str]) -> None:
        """Take the phrases of `table` without an entity."""
        for i in range(len(self.keys)):
            found = _longest(table, self.keys, i, self.free) if self.free[i] else None
            if found:
                self.skip(i, found[1])

    def key(self, i: int) -> str:
        return self.keys[i] if 0 <= i < len(self.keys) and self.free[i] else ""

    def numbers(self) -> None:
        i = 0
        while i < len(self.keys):
            match = parse_number(self.keys, i) if self.free[i] else None
            if match is None or not all(self.free[i:match.end]):
                i += 1
                continue
            self._number(i, match)
            i = match.end

    def skip(self, first: int, end: int) -> None:
        """Take words[first:end] without an entity (a model number, a pack size, a strength)."""
        self.free[first:end] = [False] * (end - first)

    def _number(self, i: int, match: NumberMatch) -> None:
        end = match.end
        before = i - 2 if self.key(i - 1) == "." else i - 1
        unit = _longest(_UNITS, self.keys, end, self.free)
        factor = _longest({k: k for k in _UNIT_FACTORS}, self.keys, end, self.free)
        currency_after = self.key(end) in _CURRENCY_AFTER
        currency_before = self.key(before) in _CURRENCY_BEFORE
        next_numbers_currency = self.key(end) in _CURRENCY_BEFORE and parse_number(self.keys, end + 1) is not None
        marked = bool(unit or factor or currency_before or (currency_after and not next_numbers_currency))
        if self.key(end) in _PERCENT or self._is_a_word_here(i, end, marked):
            return
        if self.key(end) in _STRENGTH_UNITS:
            self.skip(i, end + 1)
        elif not (currency_after or self._unit_beats_order(unit or factor)) and self._is_order_id(i):
            self.add("order_id", plain(match.value), i, end)
        elif currency_before or currency_after or match.thousand_suffix:
            first = before if currency_before else i
            last = end + 1 if currency_after else end
            self.add("amount", plain(match.value), first, last)
        elif factor or unit:
            self._measure(i, match, factor, unit)
        elif self._after_price_word(i) or self._before_price_word(end):
            self.add("amount", plain(match.value), i, end)
        elif self._in_product_name(i, match):
            self.skip(i, end)
        elif match.has_digits and end - i == 1 and len(self.keys[i].replace(".", "")) >= _PHONE_DIGITS:
            return
        elif self.intent in lexicon.AMOUNT_INTENTS or (self.intent in lexicon.WORTH_INTENTS and self._worth(end)):
            self.add("amount", plain(match.value), i, end)
        elif self.intent in lexicon.QUANTITY_INTENTS:
            self.add("quantity", plain(match.value), i, end)
        elif self.intent in lexicon.ORDER_ID_INTENTS and match.value == match.value.to_integral_value():
            self.add("order_id", plain(match.value), i, end)

    def _unit_beats_order(self, unit: tuple[str, int] | None) -> bool:
        """"order 5 kilo aata" orders 5 kg, but about an existing order "order 200 pack ho gaya" is order 200."""
        return unit is not None and self.intent not in lexicon.ORDER_ID_INTENTS

    def _after_price_word(self, i: int) -> bool:
        """"MRP 20", "rate: 12", "daam 250"."""
        j = i - 2 if self.key(i - 1) in _MARK_PUNCTUATION else i - 1
        return self.key(j) in _PRICE_WORDS

    def _before_price_word(self, end: int) -> bool:
        """"32 ke rate se", "210 के भाव", "४० को दरले", "180 each", "1450 per bag", "32 a kilo"."""
        if self.key(end) in _PER_WORDS:
            return True
        if self.key(end) == "a":
            return bool(_longest(_UNITS, self.keys, end + 1, self.free))
        return self.key(end) in _LINK_WORDS and self.key(end + 1) in _PRICE_WORDS

    def _worth(self, end: int) -> bool:
        """"420 ka", "2000 ka bill", "४२० को माल": what the goods cost (see `lexicon.WORTH_WORDS`)."""
        return self.key(end) in _WORTH_WORDS and (end + 1 >= len(self.keys) or self.key(end + 1) in _WORTH_ENDS
                                                 or self.key(end + 1) in _MARK_PUNCTUATION)

    def _is_a_word_here(self, i: int, end: int, marked: bool) -> bool:
        """A number word used as a word: "bhej do", "look at", "ek kaam karo" (no unit or currency beside it)."""
        if end - i != 1 or marked:
            return False
        return self.keys[i] in _AMBIGUOUS or (self.keys[i] in _ONE_WORDS and self.key(end) in _ARTICLE_NOUNS)

    def _measure(self, i: int, match: NumberMatch, factor: tuple[str, int] | None,
                 unit: tuple[str, int] | None) -> None:
        """A number and its unit: a quantity, or a pack size when a count follows ("100g ke 2 packet")."""
        if factor:
            unit_value, times = _UNIT_FACTORS[factor[0]]
            value, unit_end = match.value * times, factor[1]
        else:
            unit_value, value, unit_end = unit[0], match.value, unit[1]
        if unit_value in lexicon.SIZE_UNITS and self._count_follows(unit_end):
            self.skip(i, unit_end)
            return
        self.add("quantity", plain(value), i, match.end)
        self.add("unit", unit_value, match.end, unit_end)

    def _number_follows(self, k: int) -> tuple[int, int] | None:
        """Where a number starts and ends at words[k:], after a link word ("ki 2 strip"), or None."""
        if self.key(k) in _LINK_WORDS:
            k += 1
        match = parse_number(self.keys, k) if self.key(k) else None
        if match is None or not all(self.free[k:match.end]):
            return None
        return k, match.end

    def _count_follows(self, k: int) -> bool:
        """A number with a count unit (packet, box, bag, pcs, dozen) follows at words[k:]."""
        number = self._number_follows(k)
        unit = number and _longest(_UNITS, self.keys, number[1], self.free)
        return bool(unit) and unit[0] in lexicon.COUNT_UNITS

    def _measured_number_follows(self, k: int, money_only: bool) -> bool:
        """A number with a unit, pack word or currency follows at words[k:] ("ki 2 strip", "ka 30 rs", "ka ₹30")."""
        if self.key(k) in _LINK_WORDS and self.key(k + 1) in _CURRENCY_BEFORE:
            return self._number_follows(k + 2) is not None
        number = self._number_follows(k)
        if number is None:
            return False
        end = number[1]
        if money_only:
            return self.key(end) in _CURRENCY_AFTER
        return bool(_longest(_UNITS, self.keys, end, self.free) or self.key(end) in _COUNT_OR_PRICE_AFTER)

    def _in_product_name(self, i: int, match: NumberMatch) -> bool:
        """A bare number that belongs to the product name before it: "Dolo-650", "Dolo 650 ki 2 strip".

        Typed onto the name, a known tablet strength, or a name followed by the real count or price. Where
        a bare number is money, a name before it is a customer's ("Gupta 650", "Sharma 500 ka 2 kilo"): only
        a price after it ("Dolo 650 ka 30 rs"), or a strength with the count after it ("Dolo 650 2 box"),
        makes it part of a name.
        """
        if not match.has_digits or match.end - i != 1:
            return False
        hyphen = self.key(i - 1) == "-" and self._touch(i - 2, i - 1) and self._touch(i - 1, i)
        name = i - 2 if hyphen else i - 1
        if not self._is_name(name):
            return False
        if hyphen or self._touch(name, i):
            return True
        strength = self.keys[i] in lexicon.PHARMA_STRENGTHS
        if self.intent not in lexicon.AMOUNT_INTENTS:
            return strength or self._measured_number_follows(match.end, money_only=False)
        return self._measured_number_follows(match.end, money_only=not strength)

    def _is_name(self, j: int) -> bool:
        """words[j] could be (the end of) a product name: a free word that is no function word."""
        if j < 0 or not self.free[j]:
            return False
        key = self.keys[j]
        return key[:1].isalpha() and key not in _NOT_NAMES and parse_number(self.keys, j) is None

    def _touch(self, j: int, k: int) -> bool:
        """words[j] ends where words[k] starts: typed without a space ("Dolo650")."""
        return j >= 0 and self.words[j].end == self.words[k].start

    def _is_order_id(self, i: int) -> bool:
        """"order 12", "order #12", "order no. 12", "order number: 12", "ऑर्डर नंबर 12", "#12": the marker
        right before the number ("order: 2 packet" lists an order's items)."""
        if self.key(i - 1) == "#":
            return True
        j = i - 1
        if self.key(j) in _MARK_PUNCTUATION and self.key(j - 1) in _ORDER_NUMBER_WORDS:
            j -= 1
        if self.key(j) in _ORDER_NUMBER_WORDS:
            j -= 1
        return self.key(j) in _ORDER_WORDS

    def standalone_units(self) -> None:
        for i, key in enumerate(self.keys):
            if self.free[i] and key not in _STANDALONE_UNIT_EXCLUDED and not is_multiplier(key):
                found = _longest(_UNITS, self.keys, i, self.free)
                if found and found[1] == i + 1:
                    self.add("unit", found[0], i, found[1])


def clock_value(m: re.Match[str]) -> str | None:
    """ "HH:MM" for a match of `_CLOCK`: an evening word or "pm" moves 1-11 to the afternoon; None when no time.

    >>> clock_value(_CLOCK.search("raat 9 baje")), clock_value(_CLOCK.search("९ बजे")), clock_value(_CLOCK.search("7:45"))
    ('21:00', '09:00', '07:45')
    """
    hour, minute = int(m["hour"] or m["hh"]), int(m["minute"] or m["mm"] or 0)
    part, mark = (m["part"] or "").lower(), (m["mark"] or "").lower().replace(".", "")
    if (mark == "pm" or part in lexicon.LATE_DAY_PARTS) and 1 <= hour < 12:
        hour += 12
    elif mark == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def extract(text: str, intent: str | None = None) -> list[Entity]:
    """All rule-based entities of `text`, in order of appearance; `intent` decides bare numbers."""
    if intent in lexicon.OUT_OF_SCOPE_INTENTS:
        return []
    reader = _Reader(text, intent)
    reader.patterns()
    for entity, table in _INTENT_PHRASES.get(intent or "", ()):
        reader.phrases(entity, table)
    if intent in CLOCK_INTENTS:
        reader.clock()
    reader.phrases("period", _PERIODS)
    if intent in lexicon.SUMMARY_INTENTS:
        reader.phrases("period", _BARE_YESTERDAY)
    if intent is None or intent in lexicon.PAYMENT_MODE_INTENTS:
        reader.skip_phrases(_REPAID_CREDIT)
        reader.phrases("payment_mode", _PAYMENT_MODES)
    if intent is None or intent in lexicon.EXPENSE_INTENTS:
        reader.phrases("expense_category", _EXPENSE_CATEGORIES)
    reader.numbers()
    reader.standalone_units()
    return sorted(reader.entities, key=lambda e: (e.start, e.end))

