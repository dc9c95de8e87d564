"""Names fold to one key across Devanagari and Roman spellings."""

from __future__ import annotations

import pytest

from erp_core.search_keys import search_key


@pytest.mark.parametrize("spellings", [
    ("chawal", "chaawal", "chaval", "Chawal", "चावल"),
    ("atta", "aata", "आटा"),
    ("cheeni", "chini", "चीनी"),
    ("daal", "dal", "दाल"),
    ("toor dal", "Toor  Dal", "तूर दाल"),
    ("gehun", "गेहूँ"),
    ("sharma ji", "शर्मा जी"),
])
def test_spellings_of_one_word_share_a_key(spellings):
    assert len({search_key(s) for s in spellings}) == 1


def test_different_words_keep_different_keys():
    assert len({search_key(w) for w in ("chawal", "chamal", "cheeni", "atta", "dal", "tel")}) == 6


def test_devanagari_digits_become_ascii():
    assert search_key("चीनी १ किलो") == search_key("cheeni 1 kilo")


def test_numbers_keep_their_digits_and_stand_apart_from_units():
    assert search_key("Product 11") != search_key("Product 1")
    assert search_key("Maggi 280g") == search_key("maggi 280 g")
