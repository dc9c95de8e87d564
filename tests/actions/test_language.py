"""The reply language follows the script and the words of the message."""

from __future__ import annotations

import doctest

import pytest

import actions.language
from actions.language import reply_language


@pytest.mark.parametrize("text, language", [
    ("kitna stock hai Maggi ka?", "hinglish"),
    ("chawal kitna bacha hai", "hinglish"),
    ("how much sugar do we have", "en"),
    ("stock of dal", "en"),
    ("चावल कितना बचा है?", "hi"),
    ("मैगी का स्टॉक कितना है", "hi"),
    ("कुछ चावल बचा है?", "hi"),        # "छ" inside "कुछ" is not Nepali
    ("क्या पूछ सकता हूँ", "hi"),
    ("आटा छह किलो है?", "hi"),
    ("चामल कति बाँकी छ?", "ne"),
    ("नुन छ कि छैन", "ne"),
    ("चामल कति बाँकी छ।", "ne"),
    ("chamal kati baki cha", "ne"),
    ("tel kati xa", "ne"),
    ("Verma ji ka kitna baaki hai?", "hinglish"),  # "baaki" is Hindi as much as Nepali
    ("mujhe 2 packet maggi bhej do", "hinglish"),
    ("Gupta ji ko 5 kilo cheeni dena", "hinglish"),
    ("send 2 packets of maggi to Gupta ji", "en"),  # "ji" alone does not make it Hinglish
])
def test_reply_language(text, language):
    assert reply_language(text) == language


@pytest.mark.parametrize("text, previous, language", [
    ("/affirm", "hi", "hi"),
    ('/choose_product{"product_id": "12"}', "ne", "ne"),
    ("5", "en", "en"),
    ("ok", "hinglish", "hinglish"),
    ("haan theek hai", "en", "hinglish"),      # Hinglish words switch
    ("yes please", "hi", "hi"),                # a short reply without cues keeps the language
    ("नमस्ते", "en", "hi"),                     # Devanagari always decides
    ("how much rice is left now", "hi", "en"),  # a real English sentence switches
    ("/affirm", None, "en"),
])
def test_reply_language_keeps_the_conversation_language_for_payloads_and_short_replies(text, previous, language):
    assert reply_language(text, previous) == language


def test_the_docstring_examples_hold():
    assert doctest.testmod(actions.language).failed == 0
