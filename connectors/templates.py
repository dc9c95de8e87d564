"""The message templates a shop must get approved before the bot may message someone outside WhatsApp's 24-hour
customer-service window (a due reminder, a receipt, an order update, the owner's daily summary and alerts).

Each template is registered once per language, in the Cloud API's template-creation shape (`export`, printed by
`bot templates export`, one JSON body per line for `POST /<WABA-ID>/message_templates`), and filled for sending
with `components` (the shape `outbound.template_message` sends). WhatsApp names a template by (name, language
code): Hindi in Roman script (Hinglish) is Hindi content, so it is its own template, `<name>_roman`, under `hi`.
Nepali is not among the Cloud API's template languages, so a Nepali-speaking person outside the window gets the
English template (inside it, every message is free text in their own language).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CATEGORY = "UTILITY"
LANGUAGE_CODES = {"hinglish": "hi", "hi": "hi", "en": "en"}
"""Our reply languages that have a template language of their own; the others fall back to English."""
ROMAN_SUFFIX = "_roman"
BODY_LIMIT = 1024
BUTTON_TEXT_LIMIT = 25
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
_NAME = re.compile(r"^[a-z0-9_]{1,512}$")


@dataclass(frozen=True)
class Template:
    """One template in every language: its body per reply language with numbered parameters (`{{1}}` …), the
    parameters' names in order, an example value of each, the quick-reply buttons' titles, and what each button
    sends back (its payload, given when the message is sent: the intent the bot reads, as a button of ours would)."""

    name: str
    params: tuple[str, ...]
    example: tuple[str, ...]
    body: dict[str, str]
    buttons: dict[str, tuple[str, ...]]
    payloads: tuple[str, ...] = ()


TEMPLATES: dict[str, Template] = {t.name: t for t in (
    Template(
        "payment_reminder", ("shop", "amount", "days", "link"), ("Ganesh Kirana", "₹2,150", "18", "https://rzp.io/l/abc"),
        {"hinglish": "Namaste, {{1}} ki taraf se yaad dilana: aapke khate mein {{2}} baaki hai ({{3}} din se). "
                     "Yahan se chuka sakte hain: {{4}}",
         "hi": "नमस्ते, {{1}} की ओर से याद दिलाना: आपके खाते में {{2}} बाकी है ({{3}} दिन से)। "
               "यहाँ से चुका सकते हैं: {{4}}",
         "en": "Hello, a reminder from {{1}}: {{2}} is due on your account (for {{3}} days). You can pay here: {{4}}"},
        {"hinglish": ("Statement bhejo", "Haan, yaad dilate raho", "Reminder band karo"),
         "hi": ("स्टेटमेंट भेजो", "हाँ, याद दिलाते रहो", "रिमाइंडर बंद करो"),
         "en": ("Send statement", "Yes, keep reminding me", "Stop reminders")},
        ("/my_statement", "/consent_reminders_yes", "/opt_out")),
    Template(
        "payment_receipt", ("shop", "amount", "balance"), ("Ganesh Kirana", "₹500", "₹1,650"),
        {"hinglish": "{{1}}: aapke {{2}} mil gaye, dhanyavaad. Ab khate mein baaki: {{3}}",
         "hi": "{{1}}: आपके {{2}} मिल गए, धन्यवाद। अब खाते में बाकी: {{3}}",
         "en": "{{1}}: we received your {{2}}, thank you. Now due on your account: {{3}}"},
        {"hinglish": ("Statement bhejo", "Haan, reminder bhejo", "Messages band karo"),
         "hi": ("स्टेटमेंट भेजो", "हाँ, रिमाइंडर भेजो", "संदेश बंद करो"),
         "en": ("Send statement", "Yes, send reminders", "Stop messages")},
        ("/my_statement", "/consent_reminders_yes", "/opt_out")),
    Template(
        "credit_receipt", ("shop", "amount", "balance"), ("Ganesh Kirana", "₹450", "₹2,150"),
        {"hinglish": "{{1}}: {{2}} aapke khate mein likha gaya, kul baaki {{3}}",
         "hi": "{{1}}: {{2}} आपके खाते में लिखा गया, कुल बाकी {{3}}",
         "en": "{{1}}: {{2}} was added to your account, now due in all: {{3}}"},
        {"hinglish": ("Statement bhejo", "Haan, reminder bhejo", "Messages band karo"),
         "hi": ("स्टेटमेंट भेजो", "हाँ, रिमाइंडर भेजो", "संदेश बंद करो"),
         "en": ("Send statement", "Yes, send reminders", "Stop messages")},
        ("/my_statement", "/consent_reminders_yes", "/opt_out")),
    Template(
        "order_update", ("shop", "order", "status"), ("Ganesh Kirana", "12", "dispatched"),
        {"hinglish": "{{1}}: aapka order #{{2}} {{3}}.",
         "hi": "{{1}}: आपका ऑर्डर #{{2}} {{3}}।",
         "en": "{{1}}: your order #{{2}} is {{3}}."},
        {"hinglish": ("Messages band karo",), "hi": ("संदेश बंद करो",), "en": ("Stop messages",)}, ("/opt_out",)),
    Template(
        "daily_summary", ("shop", "day", "sales", "collections", "expenses", "cash"),
        ("Ganesh Kirana", "6 Dec", "₹12,400", "₹3,200", "₹850", "₹9,100"),
        {"hinglish": "{{1}}, {{2}} ka hisaab: bikri {{3}}, vasooli {{4}}, kharche {{5}}, galle mein cash {{6}}.",
         "hi": "{{1}}, {{2}} का हिसाब: बिक्री {{3}}, वसूली {{4}}, खर्चे {{5}}, गल्ले में नकद {{6}}।",
         "en": "{{1}}, the day's accounts for {{2}}: sales {{3}}, collections {{4}}, expenses {{5}}, cash in hand {{6}}."},
        {}),
    Template(
        "low_stock_alert", ("product", "left", "reorder"), ("Maggi Noodles 70g", "8 packet", "20 packet"),
        {"hinglish": "Stock kam: {{1}} sirf {{2}} bacha hai (reorder {{3}} par).",
         "hi": "स्टॉक कम: {{1}} सिर्फ़ {{2}} बचा है (रीऑर्डर {{3}} पर)।",
         "en": "Low stock: only {{2}} of {{1}} left (reorder at {{3}})."},
        {}),
    Template(
        "reorder_plan", ("shop", "count", "urgent", "items"),
        ("Ganesh Kirana", "6", "2", "Maggi 10 packet, Atta 4 bag, Toor Dal 5 kg"),
        {"hinglish": "{{1}}: is hafte {{2}} saamaan mangwane hain, {{3}} turant. Sabse pehle: {{4}}.",
         "hi": "{{1}}: इस हफ़्ते {{2}} सामान मँगवाने हैं, {{3}} तुरंत। सबसे पहले: {{4}}।",
         "en": "{{1}}: {{2}} items to order this week, {{3}} urgent. First: {{4}}."},
        {"hinglish": ("Poori list",), "hi": ("पूरी सूची",), "en": ("Full list",)}, ("/reorder_suggestions",)),
    Template(
        "payment_received_alert", ("customer", "amount", "mode", "balance"), ("Sharma ji", "₹500", "UPI", "₹1,650"),
        {"hinglish": "Payment aaya: {{1}} se {{2}} ({{3}}). Unka baaki ab {{4}}.",
         "hi": "भुगतान आया: {{1}} से {{2}} ({{3}})। उनका बाकी अब {{4}}।",
         "en": "Payment received: {{2}} from {{1}} ({{3}}). Their balance is now {{4}}."},
        {}),
)}
"""Every template a shop must get approved, by name."""


def approved_name(name: str, language: str) -> tuple[str, str]:
    """The (template name, language code) a message to someone speaking `language` goes out under."""
    code = LANGUAGE_CODES.get(language, "en")
    return (name + ROMAN_SUFFIX if language == "hinglish" else name), code


def _language_of(language: str) -> str:
    return language if language in LANGUAGE_CODES else "en"


def components(name: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """The `components` of a template message: its body parameters in order, from `values` by name, and each
    quick-reply button's payload."""
    template = TEMPLATES[name]
    missing = [param for param in template.params if param not in values]
    if missing:
        raise ValueError(f"template {name} needs {', '.join(missing)}")
    body = [{"type": "body", "parameters": [{"type": "text", "text": str(values[p])} for p in template.params]}]
    return body + [{"type": "button", "sub_type": "quick_reply", "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload}]}
                   for index, payload in enumerate(template.payloads)]


def buttons_of(name: str, language: str) -> list[tuple[str, str]]:
    """The template's quick-reply buttons as the person sees them: (title, payload)."""
    template = TEMPLATES[name]
    return list(zip(template.buttons.get(_language_of(language), ()), template.payloads))


def text_of(name: str, language: str, values: dict[str, str]) -> str:
    """The template's words as the person will read them (for the simulator, logs and `bot notify --dry-run`)."""
    template = TEMPLATES[name]
    body = template.body[_language_of(language)]
    return _PLACEHOLDER.sub(lambda m: str(values[template.params[int(m.group(1)) - 1]]), body)


def export() -> list[dict[str, Any]]:
    """Every template in every language, each a request body for the Cloud API's template creation."""
    bodies = []
    for template in TEMPLATES.values():
        for language in ("hinglish", "hi", "en"):
            name, code = approved_name(template.name, language)
            parts: list[dict[str, Any]] = [{"type": "BODY", "text": template.body[language],
                                            "example": {"body_text": [list(template.example)]}}]
            if template.buttons:
                parts.append({"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": title}
                                                            for title in template.buttons[language]]})
            bodies.append({"name": name, "language": code, "category": CATEGORY, "components": parts})
    return bodies


def problems(body: dict[str, Any]) -> list[str]:
    """What the Cloud API would refuse in one template-creation body (name, body length, numbered parameters with
    one example each, button titles)."""
    found = []
    if not _NAME.match(body["name"]):
        found.append(f"{body['name']}: a name is lower-case letters, digits and underscores")
    for part in body["components"]:
        if part["type"] == "BODY":
            numbers = [int(n) for n in _PLACEHOLDER.findall(part["text"])]
            if sorted(set(numbers)) != list(range(1, len(set(numbers)) + 1)):
                found.append(f"{body['name']}: parameters must be numbered 1, 2, 3 …")
            if len(part["example"]["body_text"][0]) != len(set(numbers)):
                found.append(f"{body['name']}: one example value a parameter")
            if len(part["text"]) > BODY_LIMIT:
                found.append(f"{body['name']}: a body is at most {BODY_LIMIT} characters")
        if part["type"] == "BUTTONS":
            found += [f"{body['name']}: button {b['text']!r} is longer than {BUTTON_TEXT_LIMIT}"
                      for b in part["buttons"] if len(b["text"]) > BUTTON_TEXT_LIMIT]
    return found


def export_lines() -> str:
    """`bot templates export`: one JSON body a line."""
    return "\n".join(json.dumps(body, ensure_ascii=False) for body in export())
