"""The rule-based entities: amounts, quantities and units, order numbers, periods, payment modes and
expense categories, with the normalised values of the NLU contract and spans in the text as typed.

The intent (DIET's, when Rasa runs this) decides what a bare number is: money for
a payment, a count for an order. A currency marker always makes an amount and a
unit always makes a quantity.

>>> [(e.entity, e.value, e.text) for e in extract("Sharma ji ko dedh kilo chawal aur ₹5,000 ka bill", "create_invoice")]
[('quantity', '1.5', 'dedh'), ('unit', 'kg', 'kilo'), ('amount', '5000', '₹5,000')]
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu import lexicon
from bot.nlu.normalise import Word, words
from bot.nlu.numbers import NumberMatch, is_multiplier, parse_number, plain

ENTITY_TYPES = ("quantity", "amount", "order_id", "unit", "period", "payment_mode", "expense_category")
"""The entities this module owns; the Rasa component drops DIET's guesses of these."""

_UNITS = lexicon.phrases(lexicon.UNITS)
_UNIT_FACTORS = {lexicon.keys(k): v for k, v in lexicon.UNIT_FACTORS.items()}
_PERIODS = lexicon.phrases(lexicon.PERIODS)
_BARE_YESTERDAY = lexicon.phrases({"yesterday": lexicon.BARE_YESTERDAY})
_PAYMENT_MODES = lexicon.phrases(lexicon.PAYMENT_MODES)
_EXPENSE_CATEGORIES = lexicon.phrases(lexicon.EXPENSE_CATEGORIES)
_CURRENCY_BEFORE = lexicon.key_set(lexicon.CURRENCY_BEFORE)
_CURRENCY_AFTER = lexicon.key_set(lexicon.CURRENCY_AFTER)
_PERCENT = lexicon.key_set(lexicon.PERCENT)
_ORDER_WORDS = lexicon.key_set(lexicon.ORDER_WORDS)
_ORDER_NUMBER_WORDS = lexicon.key_set(lexicon.ORDER_NUMBER_WORDS)
_AMBIGUOUS = lexicon.key_set(lexicon.AMBIGUOUS_NUMBER_WORDS)
_STANDALONE_UNIT_EXCLUDED = lexicon.key_set(" ".join(lexicon.STANDALONE_UNIT_EXCLUDED))
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
        self.free[first:end] = [False] * (end - first)

    def phrases(self, entity: str, table: dict[tuple[str, ...], str]) -> None:
        i = 0
        while i < len(self.keys):
            found = _longest(table, self.keys, i, self.free) if self.free[i] else None
            if found:
                self.add(entity, found[0], i, found[1])
                i = found[1]
            else:
                i += 1

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

    def _number(self, i: int, match: NumberMatch) -> None:
        end = match.end
        before = i - 2 if self.key(i - 1) == "." else i - 1
        unit = _longest(_UNITS, self.keys, end, self.free)
        factor = _longest({k: k for k in _UNIT_FACTORS}, self.keys, end, self.free)
        currency_after = self.key(end) in _CURRENCY_AFTER
        currency_before = self.key(before) in _CURRENCY_BEFORE
        if self.key(end) in _PERCENT:
            return
        if (end - i == 1 and self.keys[i] in _AMBIGUOUS and not (unit or factor or currency_after or currency_before)):
            return
        if self._is_order_id(i):
            self.add("order_id", plain(match.value), i, end)
        elif currency_before or currency_after or match.thousand_suffix:
            first = before if currency_before else i
            last = end + 1 if currency_after else end
            self.add("amount", plain(match.value), first, last)
        elif factor:
            unit_value, times = _UNIT_FACTORS[factor[0]]
            self.add("quantity", plain(match.value * times), i, end)
            self.add("unit", unit_value, end, factor[1])
        elif unit:
            self.add("quantity", plain(match.value), i, end)
            self.add("unit", unit[0], end, unit[1])
        elif match.has_digits and end - i == 1 and len(self.keys[i].replace(".", "")) >= _PHONE_DIGITS:
            return
        elif self.intent in lexicon.AMOUNT_INTENTS:
            self.add("amount", plain(match.value), i, end)
        elif self.intent in lexicon.QUANTITY_INTENTS:
            self.add("quantity", plain(match.value), i, end)
        elif self.intent in lexicon.ORDER_ID_INTENTS and match.value == match.value.to_integral_value():
            self.add("order_id", plain(match.value), i, end)

    def _is_order_id(self, i: int) -> bool:
        """"order 12", "order #12", "order no. 12", "ऑर्डर नंबर 12", "#12"."""
        j = i - 1
        while j >= 0 and self.keys[j] in (_ORDER_NUMBER_WORDS | {"."}) and self.free[j]:
            if self.keys[j] == "#" and j == i - 1:
                return True
            j -= 1
        return j >= 0 and self.keys[j] in _ORDER_WORDS

    def standalone_units(self) -> None:
        for i, key in enumerate(self.keys):
            if self.free[i] and key not in _STANDALONE_UNIT_EXCLUDED and not is_multiplier(key):
                found = _longest(_UNITS, self.keys, i, self.free)
                if found and found[1] == i + 1:
                    self.add("unit", found[0], i, found[1])


def extract(text: str, intent: str | None = None) -> list[Entity]:
    """All rule-based entities of `text`, in order of appearance; `intent` decides bare numbers."""
    reader = _Reader(text, intent)
    reader.phrases("period", _PERIODS)
    if intent in lexicon.SUMMARY_INTENTS:
        reader.phrases("period", _BARE_YESTERDAY)
    if intent is None or intent in lexicon.PAYMENT_MODE_INTENTS:
        reader.phrases("payment_mode", _PAYMENT_MODES)
    if intent is None or intent in lexicon.EXPENSE_INTENTS:
        reader.phrases("expense_category", _EXPENSE_CATEGORIES)
    reader.numbers()
    reader.standalone_units()
    return sorted(reader.entities, key=lambda e: (e.start, e.end))

