"""Numbers as people type them: digits in either script, and number words in Hindi, Nepali and English.

"5000", "५०००", "5,000", "paanch hazaar", "पाँच हजार", "पाँच हजार" (Nepali), "dedh lakh",
"sawa do sau", "saade teen hazaar", "two thousand five hundred" all parse to one Decimal.
The parser reads normalised word keys (`bot.rasa.nlu.normalise.words`), so spelling
variants ("hazaar", "hazar", "hajar") need no entries of their own.

>>> from bot.rasa.nlu.normalise import words
>>> def value(text): return parse_number([w.key for w in words(text)], 0)
>>> value("dedh lakh")
NumberMatch(value=Decimal('150000.0'), end=2, has_digits=False, thousand_suffix=False)
>>> value("पाँच सय").value, value("sawa do sau").value, value("5k").value
(Decimal('500'), Decimal('225.00'), Decimal('5000'))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from bot.rasa.nlu.normalise import normalise_word

# 1..99 in the order of their values, one spelling each; variants fold onto these or are listed below.
HINDI_ROMAN = """ek do teen char paanch chhe saat aath nau das gyarah barah terah chaudah pandrah solah satrah
atharah unnees bees ikkees baees teis chaubees pachchees chhabbees sattaees atthaees untees tees iktees battees
taintees chauntees paintees chhattees saintees adtees untalees chalees iktalees bayalees taintalees chavalees
paintalees chhiyalees saintalees adtalees unchaas pachaas ikyavan baavan tirepan chauvan pachpan chhappan sattavan
atthavan unsath saath iksath baasath tirsath chaunsath painsath chhiyasath sadsath adsath unhattar sattar ikhattar
bahattar tihattar chauhattar pachhattar chhihattar sathattar athhattar unyasi assi ikyasi bayasi tirasi chaurasi
pachasi chhiyasi sattasi atthasi navasi nabbe ikyanve baanve tiranve chauranve pachanve chhiyanve sattanve atthanve
ninyanve"""
HINDI_DEVANAGARI = """एक दो तीन चार पाँच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस इक्कीस
बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस
उनतालीस चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास पचास इक्यावन बावन तिरेपन
चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर सत्तर इकहत्तर
बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी
सत्तासी अट्ठासी नवासी नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे"""
NEPALI_DEVANAGARI = """एक दुई तीन चार पाँच छ सात आठ नौ दश एघार बाह्र तेह्र चौध पन्ध्र सोह्र सत्र अठार उन्नाइस बीस
एक्काइस बाइस तेइस चौबीस पच्चीस छब्बीस सत्ताइस अट्ठाइस उनन्तीस तीस एकतीस बत्तीस तेत्तीस चौँतीस पैँतीस छत्तीस सैँतीस
अठतीस उनन्चालीस चालीस एकचालीस बयालीस त्रिचालीस चवालीस पैँतालीस छयालीस सतचालीस अठचालीस उनन्चास पचास एकाउन्न
बाउन्न त्रिपन्न चउन्न पचपन्न छपन्न सन्ताउन्न अन्ठाउन्न उनन्साठी साठी एकसट्ठी बयसट्ठी त्रिसट्ठी चौसट्ठी पैँसट्ठी
छयसट्ठी सतसट्ठी अठसट्ठी उनन्सत्तरी सत्तरी एकहत्तर बहत्तर त्रिहत्तर चौहत्तर पचहत्तर छयहत्तर सतहत्तर अठहत्तर उनासी असी
एकासी बयासी त्रियासी चौरासी पचासी छयासी सतासी अठासी उनान्नब्बे नब्बे एकान्नब्बे बयानब्बे त्रियानब्बे चौरानब्बे
पन्चानब्बे छयानब्बे सन्तानब्बे अन्ठानब्बे उनान्सय"""
NEPALI_ROMAN = """ek dui tin char panch chha saat aath nau das egara bahra tehra chaudha pandhra sohra satra athara
unnais bis ekkais bais teis chaubis pachchis chhabbis sattais atthais unantis tis ektis battis tettis chauntis paitis
chhattis saitis athtis unanchalis chalis ekchalis bayalis trichalis chawalis paitalis chhayalis satchalis athchalis
unanchas pachas ekaunna baunna tripanna chaunna pachpanna chhapanna santaunna anthaunna unansathi sathi"""
ENGLISH = """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty"""
ENGLISH_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                "eighty": 80, "ninety": 90}
OTHER_SPELLINGS = {
    "ik": 1, "dui": 2, "paach": 5, "panch": 5, "chhah": 6, "chheh": 6, "chah": 6, "che": 6,
    "aat": 8, "dus": 10, "gyara": 11, "unnis": 19, "pachis": 25, "pacchis": 25, "pachchis": 25, "tis": 30,
    "chalis": 40, "pachas": 50, "pachpan": 55, "sattar": 70, "assi": 80, "nabbe": 90, "nabe": 90,
    "छः": 6, "छे": 6, "दस": 10, "पन्द्रह": 15, "सतरह": 17, "उन्नाईस": 19, "इक्यावन": 51, "सत्तरी": 70, "अस्सी": 80,
    "एघारा": 11, "बाह्रा": 12, "एकाउन्न": 51,
}
MULTIPLIERS = {
    "sau": 100, "saya": 100, "hundred": 100, "hundreds": 100,
    "सौ": 100, "सय": 100, "सैकडा": 100,
    "hazaar": 1000, "hazar": 1000, "hajar": 1000, "thousand": 1000, "हजार": 1000, "हज़ार": 1000,
    "lakh": 100000, "lac": 100000, "lakhs": 100000, "lacs": 100000, "लाख": 100000,
    "crore": 10000000, "crores": 10000000, "cr": 10000000, "karod": 10000000, "karor": 10000000,
    "करोड़": 10000000, "करोड": 10000000, "million": 1000000,
}
THOUSAND_SUFFIX = "k"
""""5k" is 5000 and always money."""
FRACTIONS = {
    "dedh": Decimal("1.5"), "derh": Decimal("1.5"), "डेढ़": Decimal("1.5"),
    "डेढ": Decimal("1.5"),
    "dhai": Decimal("2.5"), "dhaai": Decimal("2.5"), "adhai": Decimal("2.5"), "arhai": Decimal("2.5"),
    "ढाई": Decimal("2.5"), "अढाई": Decimal("2.5"), "अढ़ाई": Decimal("2.5"),
    "aadha": Decimal("0.5"), "adha": Decimal("0.5"), "aadhi": Decimal("0.5"), "adhi": Decimal("0.5"),
    "aadhe": Decimal("0.5"), "half": Decimal("0.5"), "आधा": Decimal("0.5"), "आधी": Decimal("0.5"),
    "आधे": Decimal("0.5"),
}
QUARTER_MORE = frozenset({"sawa", "sava", "savva", "सवा"})
"""sawa X = X + 1/4; sawa alone = 1 1/4."""
QUARTER_LESS = frozenset({"paune", "pone", "paun", "पौने", "पौन"})
"""paune X = X - 1/4; paune alone = 3/4."""
HALF_MORE = frozenset({"saade", "sade", "saadhe", "sadhe", "साढ़े", "साढे"})
"""saade X = X + 1/2 (only before a number)."""
AND_HALF = (("and", "a", "half"), ("and", "half"))
CONNECTORS = frozenset({"and", "-", "aur"})
"""Between groups: "two thousand and fifty", "twenty-five"."""


def _table(*tables: tuple[str, int]) -> dict[str, int]:
    """Keys (normalised) to values, refusing two values for one key."""
    out: dict[str, int] = {}
    for spellings, first in tables:
        for offset, spelling in enumerate(spellings.split()):
            _add(out, spelling, first + offset)
    return out


def _add(table: dict, spelling: str, value) -> None:
    key = normalise_word(spelling)
    if table.get(key, value) != value:
        raise ValueError(f"{spelling!r} folds to {key!r}, already {table[key]}")
    table[key] = value


SMALL_NUMBERS = _table((HINDI_ROMAN, 1), (HINDI_DEVANAGARI, 1), (NEPALI_DEVANAGARI, 1), (NEPALI_ROMAN, 1),
                       (ENGLISH, 1))
for _spelling, _value in OTHER_SPELLINGS.items():
    _add(SMALL_NUMBERS, _spelling, _value)
for _spelling, _value in ENGLISH_TENS.items():
    _add(SMALL_NUMBERS, _spelling, _value)
_MULTIPLIERS = {normalise_word(k): Decimal(v) for k, v in MULTIPLIERS.items()}
_FRACTIONS = {normalise_word(k): v for k, v in FRACTIONS.items()}
_QUARTER_MORE = frozenset(map(normalise_word, QUARTER_MORE))
_QUARTER_LESS = frozenset(map(normalise_word, QUARTER_LESS))
_HALF_MORE = frozenset(map(normalise_word, HALF_MORE))
_ENGLISH_TENS = frozenset(map(normalise_word, ENGLISH_TENS))
_ENGLISH_UNITS = frozenset(map(normalise_word, ENGLISH.split()[:9]))


class NumberMatch(NamedTuple):
    """A number read from keys[start:end]."""

    value: Decimal
    end: int
    has_digits: bool
    thousand_suffix: bool


def is_multiplier(key: str) -> bool:
    return key in _MULTIPLIERS


def _digits(key: str) -> Decimal | None:
    if not key[:1].isdigit():
        return None
    try:
        return Decimal(key)
    except InvalidOperation:
        return None


def _simple(keys: Sequence[str], i: int) -> tuple[Decimal, int] | None:
    """A number without multipliers at keys[i]: digits, a word for 1..99, "twenty five", dedh/dhai/aadha."""
    if i >= len(keys):
        return None
    key = keys[i]
    if (digits := _digits(key)) is not None:
        return digits, i + 1
    if key in _FRACTIONS:
        return _FRACTIONS[key], i + 1
    if key in SMALL_NUMBERS:
        value, j = SMALL_NUMBERS[key], i + 1
        if key in _ENGLISH_TENS:  # twenty five, twenty-five
            k = j + 1 if j < len(keys) and keys[j] == "-" else j
            if k < len(keys) and keys[k] in _ENGLISH_UNITS:
                value, j = value + SMALL_NUMBERS[keys[k]], k + 1
        return Decimal(value), j
    return None


def _with_fractions(keys: Sequence[str], i: int) -> tuple[Decimal, int] | None:
    """`_simple` with sawa/paune/saade before it or "and a half" after it."""
    if i >= len(keys):
        return None
    key = keys[i]
    if key in _QUARTER_MORE or key in _QUARTER_LESS or key in _HALF_MORE:
        following = _simple(keys, i + 1)
        if following is None:
            if key in _HALF_MORE:
                return None
            return (Decimal("1.25") if key in _QUARTER_MORE else Decimal("0.75")), i + 1
        value, j = following
        if key in _QUARTER_MORE:
            return value + Decimal("0.25"), j
        if key in _QUARTER_LESS:
            return value - Decimal("0.25"), j
        return value + Decimal("0.5"), j
    simple = _simple(keys, i)
    if simple is None:
        return None
    value, j = simple
    for words in AND_HALF:
        if tuple(keys[j:j + len(words)]) == words:
            return value + Decimal("0.5"), j + len(words)
    return value, j


def parse_number(keys: Sequence[str], start: int) -> NumberMatch | None:
    """The longest number starting at keys[start], or None.

    Groups must fall in size: "do lakh bees hazaar paanch sau pachaas" is 220550,
    while "5 10" is two numbers and stops after the 5.
    """
    total = Decimal(0)
    current: Decimal | None = None
    hundreds_done = False
    last_multiplier = Decimal("Infinity")
    has_digits = thousand_suffix = False
    i = start
    while i < len(keys):
        key = keys[i]
        if key in _MULTIPLIERS or (key == THOUSAND_SUFFIX and has_digits and current is not None and i > start):
            multiplier = _MULTIPLIERS.get(key, Decimal(1000))
            if multiplier >= last_multiplier:
                break
            if current is None:
                if i != start:
                    break
                current = Decimal(1)
            if multiplier == 100:
                if hundreds_done or current >= 100:
                    break
                current *= multiplier
                hundreds_done = True
            else:
                total += current * multiplier
                current, hundreds_done, last_multiplier = None, False, multiplier
            thousand_suffix |= key == THOUSAND_SUFFIX
            i += 1
            continue
        j = i + 1 if key in CONNECTORS and i > start else i
        simple = _with_fractions(keys, j)
        if simple is None:
            break
        value, after = simple
        if current is not None and not (hundreds_done and current % 100 == 0 and value < 100):
            break
        if current is None and i > start and value >= last_multiplier:
            break
        has_digits |= _digits(keys[j]) is not None
        current = value if current is None else current + value
        i = after
    if i == start:
        return None
    return NumberMatch(total + (current or 0), i, has_digits, thousand_suffix)


def plain(value: Decimal) -> str:
    """A number as the contract wants it: ASCII decimal, no exponent or trailing zeros ("150000", "1.5")."""
    return format(value.normalize(), "f")
