"""One spelling per word, so the featurisers and the extractor see "chawal", "chaawal" and "chaval" alike.

Normalisation works word by word and never changes the message itself: the
Rasa tokenizer keeps each token's offsets in the text the user typed and only
replaces the token's text, so entity spans still point into the original.

Devanagari (Hindi and Nepali share the script and indic-nlp-library's
normaliser) gets Unicode clean-up (nuktas, nasals, zero-width joiners) from
indic-nlp-library plus the folds people type inconsistently: chandrabindu and
anusvara, long and short i/u, the English "ऑ", a final halant. Devanagari digits
become ASCII. Roman words are lower-cased, SMS spellings are expanded and
spelling variants folded (doubled letters, ee/oo, w/v, z/j, a final h).

>>> [w.key for w in words("Chaawal kitnaa h?")]
['chaval', 'kitna', 'hai', '?']
>>> [w.key for w in words("पाँच हज़ार")]
['पांच', 'हजार']
>>> [(w.text, w.key, w.start, w.end) for w in words("₹५,०००")]
[('₹', '₹', 0, 1), ('५,०००', '5000', 1, 6)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indicnlp.normalize.indic_normalize import IndicNormalizerFactory

_DEVANAGARI_CHAR = re.compile(r"[\u0900-\u097F]")
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_DEVANAGARI_FOLDS = str.maketrans({
    "ँ": "ं",  # chandrabindu -> anusvara: पाँच = पांच
    "ॉ": "ा", "ऑ": "आ",  # the English "o": ऑर्डर = आर्डर
    "ी": "ि", "ई": "इ",  # long/short i, often mistyped: चीनी = चिनी
    "ू": "ु", "ऊ": "उ",
    "\u200c": None, "\u200d": None,
})
_HALANT = "्"

# Hindi and Nepali use the same Devanagari normaliser in indic-nlp-library.
_NORMALISERS = {
    lang: IndicNormalizerFactory().get_normalizer(lang, remove_nuktas=True, nasals_mode="to_anusvaara_relaxed")
    for lang in ("hi", "ne")
}

# Chat spellings, expanded before folding (keys lower-case, as typed).
SMS_SPELLINGS = {
    "h": "hai", "hy": "hai", "he": "hai", "hae": "hai", "haii": "hai",
    "hn": "haan", "ha": "haan", "han": "haan",
    "nhi": "nahi", "nai": "nahi", "nahin": "nahi", "nhn": "nahi",
    "ky": "kya", "kia": "kya", "kyaa": "kya",
    "kr": "kar", "kro": "karo", "krdo": "kardo", "krna": "karna",
    "bta": "bata", "btao": "batao", "bto": "batao", "bhjo": "bhejo", "bhj": "bhej",
    "mje": "mujhe", "mjhe": "mujhe", "muje": "mujhe",
    "tm": "tum", "ap": "aap", "hm": "hum",
    "pls": "please", "plz": "please", "plzz": "please",
    "thx": "thanks", "thnx": "thanks", "thanku": "thanks", "thnks": "thanks", "tq": "thanks",
    "tx": "thanks", "tnx": "thanks", "thanx": "thanks", "ty": "thanks",
    "u": "you", "ur": "your", "abt": "about", "msg": "message", "nite": "night", "gud": "good", "mrng": "morning",
}
_ROMAN_CLUSTERS = (("chh", "ch"), ("cch", "ch"), ("chch", "ch"), ("ph", "f"), ("ck", "k"), ("w", "v"), ("z", "j"),
                   ("q", "k"), ("ee", "i"), ("oo", "u"))
_REPEATS = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiou])h$")


def is_devanagari(word: str) -> bool:
    return bool(_DEVANAGARI_CHAR.search(word))


def to_ascii_digits(text: str) -> str:
    """Devanagari digits as ASCII: "५,०००" -> "5,000"."""
    return text.translate(_DEVANAGARI_DIGITS)


def fold_devanagari(word: str, lang: str = "hi") -> str:
    """indic-nlp-library's normalisation plus the folds people type both ways; digits to ASCII."""
    word = _NORMALISERS[lang].normalize(word).translate(_DEVANAGARI_FOLDS).translate(_DEVANAGARI_DIGITS)
    return word[:-1] if len(word) > 2 and word.endswith(_HALANT) else word


def fold_roman(word: str) -> str:
    """Lower-case, expand chat spellings and fold spelling variants: "Chaawal" -> "chaval", "h" -> "hai"."""
    word = word.lower()
    word = SMS_SPELLINGS.get(word, word)
    if not word.isascii() or not word.isalpha():
        return word
    for variant, folded in _ROMAN_CLUSTERS:
        word = word.replace(variant, folded)
    word = _REPEATS.sub(r"\1", word)
    return _FINAL_H.sub("", word) if len(word) > 2 else word


@lru_cache(maxsize=50_000)
def normalise_word(word: str) -> str:
    """The one form of a single word (a token without spaces), whatever the script."""
    if is_devanagari(word):
        return fold_devanagari(word)
    return fold_roman(to_ascii_digits(word))


_DIGIT = "0-9\u0966-\u096F"
_TOKEN = re.compile(
    rf"(?P<number>[{_DIGIT}]+(?:[.,][{_DIGIT}]+)*)"
    r"|(?P<word>(?:[^\W\d_]|[\u0900-\u0963\u0971-\u097F\u200c\u200d])+)"
    r"|(?P<symbol>/-|[^\s\w\u0964\u0965])"
)


@dataclass(frozen=True)
class Word:
    """A token of the text as typed (`text`, `start`, `end`) and its normal form (`key`)."""

    text: str
    start: int
    end: int
    key: str

    @property
    def is_number(self) -> bool:
        return self.key[:1].isdigit()


def words(text: str) -> list[Word]:
    """Words, numbers ("5,000", "1.5", "५००") and symbols ("₹", "#", "/-") of `text`, with their offsets.

    Letters and digits are split ("5kg" -> "5", "kg"); dandas and spaces separate words.
    A number's key is ASCII without grouping commas ("1,50,000" -> "150000").
    """
    out = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.lastgroup == "number":
            key = to_ascii_digits(token).replace(",", "")
        elif match.lastgroup == "word":
            key = normalise_word(token)
        else:
            key = token
        out.append(Word(token, match.start(), match.end(), key))
    return out
