"""Tesseract over a prepared page: the text as lines of words, each with tesseract's confidence."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np
import pytesseract

LANGUAGES = {"IN": "eng+hin", "NP": "eng+nep"}
"""Tesseract's languages by the shop's country: English with Hindi, or English with Nepali (Debian's
`tesseract-ocr-hin` and `tesseract-ocr-nep`)."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    """0-1, tesseract's word confidence."""


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    top: int

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def confidence(self) -> float:
        return float(np.mean([word.confidence for word in self.words])) if self.words else 0.0


_NEPALI_WORDS = re.compile(r"मिति|भ्याट|जम्मा|रकम|पान\s*नं|रु\.|केजी|प्याकेट|परिमाण")
_HINDI_WORDS = re.compile(r"दिनांक|कुल\s*योग|राशि|किलो|पैकेट|मात्रा|खरीदार")


def languages(country: str) -> str:
    """Tesseract's languages for a shop in `country`."""
    return LANGUAGES.get(country.upper(), "eng+hin")


def better_language(language: str, text: str) -> str | None:
    """The other Devanagari language when the text read shows the bill is in it (a Nepali bill in an Indian
    shop: "मिति", "भ्याट", "जम्मा"), else None."""
    nepali, hindi = len(_NEPALI_WORDS.findall(text)), len(_HINDI_WORDS.findall(text))
    if language == LANGUAGES["IN"] and nepali > hindi + 1:
        return LANGUAGES["NP"]
    if language == LANGUAGES["NP"] and hindi > nepali + 1:
        return LANGUAGES["IN"]
    return None


def page_confidence(lines: list[Line]) -> float:
    """The mean word confidence of a page (an upside-down page reads at 0.3-0.6, an upright one above 0.8)."""
    words = [word.confidence for line in lines for word in line.words]
    return float(np.mean(words)) if words else 0.0


def read_lines(gray: np.ndarray, language: str) -> list[Line]:
    """The page's text lines, top to bottom (tesseract's LSTM engine, one uniform block: rows of a bill stay rows)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract's OpenMP threads only fight each other on 2 cores
    data = pytesseract.image_to_data(gray, lang=language, config="--oem 1 --psm 6",
                                     output_type=pytesseract.Output.DICT)
    rows: dict[tuple[int, int, int], list[tuple[int, Word, int]]] = {}
    for index, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        rows.setdefault(key, []).append((data["left"][index], Word(text, max(0.0, float(data["conf"][index])) / 100),
                                         data["top"][index]))
    lines = [Line(tuple(word for _, word, _ in sorted(row, key=lambda item: item[0])), min(top for *_, top in row))
             for row in rows.values()]
    return sorted(lines, key=lambda line: line.top)
