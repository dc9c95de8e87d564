"""Which language to answer in: the one the person wrote in.

Words, not substrings, decide: the Nepali "छ" must not be found inside the
Hindi "कुछ" or "पूछ".

>>> reply_language("चामल कति बाँकी छ?")
'ne'
>>> reply_language("कुछ चावल बचा है?")
'hi'
>>> reply_language("chamal kati baki cha")
'ne'
>>> reply_language("kitna stock hai Maggi ka?")
'hinglish'
>>> reply_language("how much sugar do we have")
'en'
>>> reply_language("mujhe 2 packet maggi bhej do")
'hinglish'
>>> reply_language("/affirm", previous="hi")
'hi'
>>> reply_language("ok", previous="ne")
'ne'
"""

from __future__ import annotations

import re

# Letters, digits and Devanagari (its vowel signs are not \w in Python), without the danda "।".
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097F]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")

_NEPALI_DEVANAGARI = frozenset(
    "छ छन् छैन छु छौ कति बाँकी बाकी कस्तो गर्नु गर्नुस् गर्नुहोस् भयो हजुर दाइ दिदी चामल पिठो चिनी नुन मौज्दात "
    "पनि अझै सक्छौ सक्नुहुन्छ मा लाई रुपैयाँ दिनुभयो पठाइदिनुस् पठाउनुहोस्".split()
)
_NEPALI_ROMAN = frozenset(
    "cha chha xa chaina chhaina chu chau kati bhayo garnus garnuhos hajur dai didi chamal pitho "
    "sakchau sakchha pani ajhai".split()
)
_HINGLISH = frozenset(
    "hai hain kitna kitni kitne ka ki ko kya bacha bachi bache batao bata dikhao karo nahi nahin ji bhai kaise "
    "mein aur abhi kuch hua tha yaar bhejo bhejna diye diya banao mujhe mujhko hume humko bhej bhejiye chahiye "
    "dijiye dena wala wale waali kitna kab kaun kaunsa aaj rupaye rupaiye liye lena".split()
)

_ENGLISH = frozenset(
    "the a an of to is are was how much many what which send give gave paid pay has have do does did we our my "
    "please show tell for from with and by".split()
)
"""English words that outweigh a Hinglish "ji" or "hai" in an English sentence ("send 2 packets to Gupta ji")."""


LANGUAGES = ("hinglish", "hi", "ne", "en")
"""The reply languages, as the `language` slot and the domain's response conditions name them."""


def reply_language(text: str, previous: str | None = None) -> str:
    """"ne", "hi", "hinglish" or "en", from the script and the words of `text`.

    Roman text is Hinglish when it has at least as many Hinglish words as common
    English ones. A button payload ("/affirm"), a bare number or a short
    English-looking reply ("ok", "5 kg") keeps the `previous` language.
    """
    if previous and (text.startswith("/") or not re.search(r"[^\W\d_]", text)):
        return previous
    words = set(_WORD.findall(text.lower()))
    if _DEVANAGARI.search(text):
        return "ne" if words & _NEPALI_DEVANAGARI else "hi"
    if words & _NEPALI_ROMAN:
        return "ne"
    hinglish = words & _HINGLISH
    if hinglish and len(hinglish) >= len(words & _ENGLISH):
        return "hinglish"
    if previous and len(words) < 3:
        return previous
    return "en"
