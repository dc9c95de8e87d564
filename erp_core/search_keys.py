"""Cross-script search keys: `chawal`, `chaawal`, `chaval` and `चावल` fold to the same key.

Devanagari is transliterated to Roman (ITRANS), then spelling variants common
in Roman Hindi and Nepali are folded: long vowels, doubled letters, aspiration
after a consonant, v/w, and the final schwa that transliteration adds.
"""

from __future__ import annotations

import re
import unicodedata

from indic_transliteration import sanscript
from indic_transliteration.sanscript import transliterate

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DEVANAGARI_WORD = re.compile(r"[\u0900-\u097F]+")
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_FOLDS = [
    (re.compile(r"[^a-z0-9 ]+"), ""),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ee|ii"), "i"),
    (re.compile(r"oo|uu"), "u"),
    (re.compile(r"(?<=[bcdgjkpst])h"), ""),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)"), " "),  # 280g -> 280 g, so "maggi 280" finds it
    (re.compile(r"\s+"), " "),
]


def _roman(word: str) -> str:
    roman = transliterate(word, sanscript.DEVANAGARI, sanscript.ITRANS)
    # Hindi and Nepali drop the inherent vowel at the end of a word: चावल is chaawal, not
    # chaawala. ITRANS writes that vowel as a lowercase "a" and the long आ as "A".
    if len(roman) > 2 and roman.endswith("a") and roman[-2] not in "aeiouAEIOU":
        roman = roman[:-1]
    # Anusvara and candrabindu sound as n in most words (सरसों: sarson).
    return roman.replace(".N", "n").replace("M", "n").lower()


def search_key(text: str) -> str:
    """The folded Roman key of a product or party name, for matching across scripts and spellings."""
    text = unicodedata.normalize("NFC", text).translate(_DEVANAGARI_DIGITS).strip()
    if _DEVANAGARI.search(text):
        text = _DEVANAGARI_WORD.sub(lambda m: _roman(m.group()), text)
    key = text.lower()
    for pattern, replacement in _FOLDS:
        key = pattern.sub(replacement, key)
    return key.strip()
