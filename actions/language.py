"""Which language to answer in: the one the person wrote in."""

from __future__ import annotations

import re

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_NEPALI_DEVANAGARI = re.compile(r"(छ|छन्|छैन|कति|बाँकी|गर्नु|भयो|हजुर|दाइ|चामल|पिठो|मौज्दात|के के)")
_NEPALI_ROMAN = re.compile(r"\b(cha|chha|xa|kati|baki|bhayo|garnus|hajur|dai|chamal|k cha)\b")
_HINGLISH = re.compile(
    r"\b(hai|hain|kitna|kitni|kitne|ka|ki|ko|kya|bacha|bachi|bache|batao|karo|nahi|ji|bhai|kaise|mein|aur|stock hai)\b"
)


def reply_language(text: str) -> str:
    """"ne", "hi", "hinglish" or "en", from the words and script of `text`."""
    lowered = text.lower()
    if _DEVANAGARI.search(text):
        return "ne" if _NEPALI_DEVANAGARI.search(text) else "hi"
    if _NEPALI_ROMAN.search(lowered):
        return "ne"
    if _HINGLISH.search(lowered):
        return "hinglish"
    return "en"
