"""What the name tagger sees of each word (bot/rasa/nlu/name_features.py)."""

from __future__ import annotations

import doctest

import bot.rasa.nlu.name_features
from bot.rasa.nlu.name_features import pieces, word_features
from bot.rasa.nlu.normalise import words


def _features(text: str) -> list[dict[str, object]]:
    typed = words(text)
    return word_features([w.text for w in typed], [w.key for w in typed])


def test_doctests():
    assert doctest.testmod(bot.rasa.nlu.name_features).failed == 0


def test_one_feature_dict_per_word_with_the_words_either_side():
    features = _features("Gupta ji ko 5 kilo chawal bhejo")
    assert len(features) == 7
    gupta, chawal = features[0], features[5]
    assert gupta["-1:padding"] and gupta["-2:padding"] and gupta["first"]
    assert gupta["+1:address"] and gupta["+2:postposition"] and not gupta["0:address"]
    assert chawal["-1:unit"] and chawal["-2:number"] and chawal["+1:roman"] == "bhejo"
    assert chawal["-1|0"] == "kilo|chaval" and chawal["0|+1"] == "chaval|bhejo"
    assert features[-1]["last"] and features[-1]["+1:padding"]


def test_both_scripts_share_the_roman_spelling_and_marks():
    devanagari, roman = _features("शर्मा जी को चावल"), _features("sharma ji ko chaval")
    for one, other in zip(devanagari, roman):
        assert one["0:roman"] == other["0:roman"]
        assert (one["0:address"], one["0:postposition"]) == (other["0:address"], other["0:postposition"])
    assert devanagari[0]["0:shape"] == "DDDDD" and roman[0]["0:shape"] == "xxxxxx"


def test_the_case_the_person_typed_is_kept_beside_the_normal_form():
    iyer = _features("Iyer Madam ka statement")[0]
    assert iyer["0:lower"] == "iyer" and iyer["0:title"] and iyer["0:shape"] == "Xxxx"
    assert iyer["+1:address"] and iyer["+1:title"]


def test_a_nepali_postposition_joined_to_its_word_is_split_off():
    text = "रामलाई चामलको मूल्य सीमा"
    spans = [(w.start, w.end) for w in words(text)]
    assert [(p.text, text[p.start:p.end]) for p in pieces(text, spans)] == [
        ("राम", "राम"), ("लाई", "लाई"), ("चामल", "चामल"), ("को", "को"), ("मूल्य", "मूल्य"), ("सीमा", "सीमा")]
    roman = "Ramlai chamalko"
    assert [p.text for p in pieces(roman, [(w.start, w.end) for w in words(roman)])] == ["Ramlai", "chamalko"]
