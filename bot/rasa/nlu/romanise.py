"""Devanagari words in the Roman spelling Hinglish and Roman Nepali use, so both scripts share features.

Hindi and Nepali arrive in Devanagari and in Roman letters ("चावल कितना है" and "chawal kitna hai"); the
training data has many such pairs. The featurisers count characters and words, so the two scripts share
nothing unless one is written in the other. `romanise` gives a Devanagari word the spelling people type in
Roman letters: Harvard-Kyoto transliteration, the inherent vowel dropped at the end of the word, long
vowels and retroflex consonants as plain letters, then the same folds as typed Roman words
(`bot.rasa.nlu.normalise.fold_roman`).

>>> [romanise(w) for w in ("चावल", "कितना", "सामान", "भेजो", "शक्कर", "छ", "मित्र", "सुख")]
['chaval', 'kitana', 'saman', 'bhejo', 'shakar', 'cha', 'mitra', 'sukh']
>>> romanise("chawal")
'chawal'
"""

from __future__ import annotations

import re
from functools import lru_cache

from indic_transliteration import sanscript

from bot.rasa.nlu.normalise import fold_roman, is_devanagari

_FINAL_INHERENT_VOWEL = re.compile(r"(?<=[aAiIuUeoMH~])([kgcjTDtdpb]h|[^aAiIuUeoMH~])a$")
"""A final inherent vowel after a single consonant, which Hindi and Nepali do not pronounce: चावल is "chaval";
after a cluster it stays (मित्र is "mitra"), as in one-letter words (छ is "cha")."""
_HARVARD_KYOTO_TO_TYPED = str.maketrans({
    "A": "a", "I": "i", "U": "u", "R": "ri", "M": "n", "H": "h", "~": "n", "G": "n", "J": "n",
    "T": "t", "D": "d", "N": "n", "z": "sh", "S": "sh", "c": "ch", "'": None, ".": None,
})


@lru_cache(maxsize=50_000)
def romanise(word: str) -> str:
    """A Devanagari word (already normalised) in typed Roman spelling; other words unchanged."""
    if not is_devanagari(word):
        return word
    spelled = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.HK)
    spelled = _FINAL_INHERENT_VOWEL.sub(r"\1", spelled)
    return fold_roman(spelled.translate(_HARVARD_KYOTO_TO_TYPED))
