"""One spelling per word, offsets into the text as typed."""

from __future__ import annotations

import pytest

from bot.rasa.nlu.normalise import normalise_word, to_ascii_digits, words


@pytest.mark.parametrize("variants", [
    ("chawal", "chaawal", "chaval", "Chawal", "CHAAWAL"),
    ("cheeni", "chini", "chinni"),
    ("kitna", "kitnaa", "Kitna"),
    ("hazaar", "hazar", "hajar", "hajaar"),
    ("bhejo", "bhejjo", "Bhejo"),
    ("aloo", "alu", "aaloo"),
    ("paanch", "paaanch", "Paanch"),
    ("चावल", "चावल्"),
    ("पाँच", "पांच"),
    ("चीनी", "चिनी"),
    ("ऑर्डर", "आर्डर"),
    ("हज़ार", "हजार"),
])
def test_spelling_variants_share_one_key(variants):
    assert len({normalise_word(v) for v in variants}) == 1, {v: normalise_word(v) for v in variants}


@pytest.mark.parametrize("typed, word", [("h", "hai"), ("nhi", "nahi"), ("kr", "kar"), ("plz", "please"), ("btao", "batao"),
                                         ("tx", "thanks"), ("u", "you"), ("msg", "message"), ("gud", "good"),
                                         ("nite", "night")])
def test_chat_spellings_are_expanded(typed, word):
    assert normalise_word(typed) == normalise_word(word)


@pytest.mark.parametrize("a, b", [("chawal", "chana"), ("do", "dus"), ("चावल", "चना"), ("sau", "sava")])
def test_different_words_stay_different(a, b):
    assert normalise_word(a) != normalise_word(b)


def test_devanagari_digits_become_ascii():
    assert to_ascii_digits("₹१,२३,४५६.७८९०") == "₹1,23,456.7890"


def test_words_keep_offsets_into_the_text_as_typed():
    text = "Sharma ji ko 10kg Chaawal, ₹५,००० ka bill।"
    for word in words(text):
        assert text[word.start:word.end] == word.text
    assert [(w.text, w.key) for w in words(text)] == [
        ("Sharma", "sharma"), ("ji", "ji"), ("ko", "ko"), ("10", "10"), ("kg", "kg"), ("Chaawal", "chaval"),
        (",", ","), ("₹", "₹"), ("५,०००", "5000"), ("ka", "ka"), ("bill", "bil"),
    ]


def test_symbols_that_carry_meaning_are_tokens():
    assert [w.key for w in words("order #12, 500/-")] == ["order", "#", "12", ",", "500", "/-"]
