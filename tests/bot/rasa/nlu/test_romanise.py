"""Devanagari words in the Roman spelling people type, so Hindi/Nepali in either script share features."""

from __future__ import annotations

import pytest

from bot.rasa.nlu.normalise import normalise_word
from bot.rasa.nlu.romanise import romanise


@pytest.mark.parametrize("devanagari, typed", [
    ("चावल", "chawal"), ("सामान", "samaan"), ("भेजो", "bhejo"), ("नमस्ते", "namaste"), ("छ", "chha"),
    ("शक्कर", "shakkar"), ("दाल", "daal"), ("धन्यवाद", "dhanyavaad"), ("उधार", "udhaar"), ("पठाउ", "pathau"),
    ("बिक्री", "bikri"), ("हिसाब", "hisaab"), ("मित्र", "mitra"),
])
def test_a_devanagari_word_gets_the_key_of_its_typed_roman_spelling(devanagari, typed):
    assert romanise(normalise_word(devanagari)) == normalise_word(typed)


@pytest.mark.parametrize("a, b", [("चावल", "चना"), ("दाल", "दिल"), ("सौ", "सवा")])
def test_different_words_stay_different(a, b):
    assert romanise(normalise_word(a)) != romanise(normalise_word(b))


@pytest.mark.parametrize("word", ["chaval", "order", "5000", "₹"])
def test_roman_words_numbers_and_symbols_are_unchanged(word):
    assert romanise(word) == word
