"""What the name tagger (`bot.rasa.nlu.name_tagger.NameEntityExtractor`) sees of each word of a message.

Products, customers and suppliers are told apart by the words around them more than by
themselves: "Sharma *ji ko*", "Balaji *Traders se*", "5 *kilo* chawal". So each word's
features are its own spelling (as typed, its normal form and its Roman spelling, so that
"चावल" and "chawal" share features), its shape and affixes, and the same of two words
either side, with marks for the shop's words of address ("ji", "madam", "दाइ"), of firms
("traders", "stores"), postpositions ("ko", "ne", "लाई") and units ("kilo", "bori").

Nepali writes its postpositions joined to the word ("चामलको", "रामलाई") where the training
data, like Hindi, mostly has them apart ("[चामल](product) को"): `pieces` splits them off, so
the name ends where the person's word for it does.

>>> from bot.rasa.nlu.normalise import words
>>> typed = words("Iyer Madam ko 2 kilo chawal")
>>> first = word_features([w.text for w in typed], [w.key for w in typed])[0]
>>> first["+1:address"], first["+2:postposition"], first["0:title"]
(True, True, True)
>>> [(p.text, p.start, p.end) for p in pieces("चामलको मूल्य", [(0, 6), (7, 12)])]
[('चामल', 0, 4), ('को', 4, 6), ('मूल्य', 7, 12)]
"""

from __future__ import annotations

from typing import NamedTuple

from bot.rasa.nlu import lexicon
from bot.rasa.nlu.normalise import is_devanagari, normalise_word
from bot.rasa.nlu.romanise import romanise

ADDRESS_WORDS = frozenset("""ji jee madam mam maam sir sahab saab sahib seth sethji babu bhai bhaiya bhaiyya didi
dai dada dadi nani chacha chachi mama mami kaka kaki amma appa anna akka aunty uncle bahadur bhauju bahini baini
mr mrs ms shri shree sri smt""".split())
"""Words of address, in Roman spelling (Devanagari words are compared by their Roman spelling: जी is "ji")."""
FIRM_WORDS = frozenset("""traders trader stores store agency agencies distributors distributor enterprises
enterprise brothers bros suppliers supplier wholesale wholesalers mart bhandar kirana medical medicals pharma
sons company co corporation udyog industries emporium""".split())
POSTPOSITIONS = frozenset("""ko ne ka ki ke se me mein par lai lay le bata bat sang dekhi sanga sita tira ma kaa kii kee
of to from for by at with""".split())
UNIT_WORDS = frozenset(romanise(word) for variants in lexicon.UNITS.values() for word in variants.split())
WINDOW = 2
"""Words either side whose features each word also gets."""
ATTACHED_POSTPOSITIONS = ("लाई", "बाट", "सँग", "संग", "देखि", "को", "ले")
"""Nepali postpositions written joined to the word before them, split off when at least two letters remain
("जीको" is "जी" and "को")."""


class Piece(NamedTuple):
    """A word of the text, or the part of one before or after an attached postposition."""

    text: str
    start: int
    end: int
    normal: str


def pieces(text: str, spans: list[tuple[int, int]]) -> list[Piece]:
    """The words at `spans` (offsets into `text`), each Devanagari word ending in an attached postposition as two."""
    out = []
    for start, end in spans:
        word = text[start:end]
        suffix = next((s for s in ATTACHED_POSTPOSITIONS if is_devanagari(word) and word.endswith(s)
                       and len(word) - len(s) >= 2), None)
        if suffix is None:
            out.append(Piece(word, start, end, normalise_word(word)))
            continue
        cut = end - len(suffix)
        out += [Piece(text[start:cut], start, cut, normalise_word(text[start:cut])),
                Piece(suffix, cut, end, normalise_word(suffix))]
    return out


def _shape(text: str) -> str:
    """"Maggi" -> "Xxxxx", "650" -> "ddd", "चावल" -> "DDDD" (the first six characters)."""
    out = []
    for ch in text[:6]:
        if "\u0900" <= ch <= "\u097f":
            out.append("D")
        elif ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def _marks(spelling: str) -> dict[str, bool]:
    return {"address": spelling in ADDRESS_WORDS, "firm": spelling in FIRM_WORDS,
            "postposition": spelling in POSTPOSITIONS, "unit": spelling in UNIT_WORDS,
            "number": spelling[:1].isdigit()}


def word_features(typed: list[str], normal: list[str], intent: str | None = None) -> list[dict[str, object]]:
    """One feature dict per word, for python-crfsuite: `typed` as the person wrote each word, `normal` its normal
    form (`bot.rasa.nlu.normalise`), in the same order. `intent`, the message's (the intent classifier runs
    first), tells a supplier paid from a customer paying and a product priced from either."""
    roman = [romanise(word) for word in normal]
    out = []
    for i, (text, spelling) in enumerate(zip(typed, roman)):
        features: dict[str, object] = {
            "bias": 1.0, "0:lower": text.lower(), "0:roman": spelling, "0:prefix2": spelling[:2],
            "0:prefix3": spelling[:3], "0:prefix5": spelling[:5], "0:suffix2": spelling[-2:],
            "0:suffix3": spelling[-3:], "0:suffix5": spelling[-5:], "0:shape": _shape(text),
            "0:title": text[:1].isupper(), "0:upper": text.isupper(), "0:length": min(len(spelling), 8),
            "first": i == 0, "last": i == len(typed) - 1, "intent": intent or "",
        }
        features.update({f"0:{name}": value for name, value in _marks(spelling).items()})
        for offset in (*range(-WINDOW, 0), *range(1, WINDOW + 1)):
            j = i + offset
            if not 0 <= j < len(typed):
                features[f"{offset:+d}:padding"] = True
                continue
            features.update({f"{offset:+d}:roman": roman[j], f"{offset:+d}:title": typed[j][:1].isupper()})
            features.update({f"{offset:+d}:{name}": value for name, value in _marks(roman[j]).items()})
        if i > 0:
            features["-1|0"] = f"{roman[i - 1]}|{spelling}"
        if i + 1 < len(typed):
            features["0|+1"] = f"{spelling}|{roman[i + 1]}"
        out.append(features)
    return out
