"""Human messages for domain errors in English, Hinglish, Hindi and Nepali (Devanagari and Roman).

The bot and the REST API render the same keys, so a shop owner reads
"Maggi ka stock kam hai" where an integrator gets `insufficient_stock`.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from erp_core.errors import DomainError

LANGUAGES = ("en", "hinglish", "hi", "ne", "ne_roman")
"""English, Hindi in Roman script and in Devanagari, Nepali in Devanagari and in Roman script."""

CATALOG: dict[str, dict[str, str]] = {
    "insufficient_stock": {
        "en": "Not enough stock of {product}: {available} available, {requested} needed.",
        "hinglish": "{product} ka stock kam hai: {available} bacha hai, {requested} chahiye.",
        "hi": "{product} का स्टॉक कम है: {available} बचा है, {requested} चाहिए।",
        "ne": "{product} को मौज्दात पुगेन: {available} बाँकी छ, {requested} चाहिन्छ।",
        "ne_roman": "{product} ko stock pugena: {available} baki cha, {requested} chahincha.",
    },
    "expired_stock": {
        "en": "{product}: batch {batch} expired on {expiry}. It can be written off, or sold only if you say so.",
        "hinglish": "{product}: batch {batch} ki expiry {expiry} ko nikal gayi. Ise kharab mein likhein, ya aap kahein "
                    "tabhi bechein.",
        "hi": "{product}: बैच {batch} की एक्सपायरी {expiry} को निकल गई। इसे खराब में लिखें, या आप कहें तभी बेचें।",
        "ne": "{product}: ब्याच {batch} को म्याद {expiry} मा सकियो। यसलाई बिग्रिएकोमा लेख्नुहोस्, वा तपाईंले भन्नुभए मात्र बेच्नुहोस्।",
        "ne_roman": "{product}: batch {batch} ko myad {expiry} ma sakiyo. Yaslai bigrieko ma lekhnuhos, wa tapaile "
                    "bhannubhaye matra bechnuhos.",
    },
    "unknown_product": {
        "en": "I could not find a product called \"{query}\".",
        "hinglish": "\"{query}\" naam ka koi product nahi mila.",
        "hi": "\"{query}\" नाम का कोई प्रोडक्ट नहीं मिला।",
        "ne": "\"{query}\" नामको कुनै सामान भेटिएन।",
        "ne_roman": "\"{query}\" naam ko kunai saman bhetiyena.",
    },
    "ambiguous_product": {
        "en": "Which one do you mean: {candidates}?",
        "hinglish": "Kaunsa wala: {candidates}?",
        "hi": "कौन सा: {candidates}?",
        "ne": "कुन चाहिँ: {candidates}?",
        "ne_roman": "Kun chahin: {candidates}?",
    },
    "unknown_party": {
        "en": "I could not find \"{query}\" in your customers or suppliers.",
        "hinglish": "\"{query}\" aapke customers ya suppliers mein nahi mile.",
        "hi": "\"{query}\" आपके ग्राहकों या सप्लायरों में नहीं मिले।",
        "ne": "\"{query}\" तपाईंका ग्राहक वा सप्लायरमा भेटिएन।",
        "ne_roman": "\"{query}\" tapai ko grahak ya supplier ma bhetiyena.",
    },
    "ambiguous_party": {
        "en": "Which one do you mean: {candidates}?",
        "hinglish": "Kaunse wale: {candidates}?",
        "hi": "कौन से: {candidates}?",
        "ne": "कुन चाहिँ: {candidates}?",
        "ne_roman": "Kun chahin: {candidates}?",
    },
    "invalid_transition": {
        "en": "Order {order} is {from_status} and cannot be moved to {to_status}.",
        "hinglish": "Order {order} abhi {from_status} hai, {to_status} nahi ho sakta.",
        "hi": "ऑर्डर {order} अभी {from_status} है, {to_status} नहीं हो सकता।",
        "ne": "अर्डर {order} अहिले {from_status} छ, {to_status} गर्न मिल्दैन।",
        "ne_roman": "Order {order} ahile {from_status} cha, {to_status} garna mildaina.",
    },
    "credit_limit_exceeded": {
        "en": "{party} would owe {balance}, above the credit limit of {limit}.",
        "hinglish": "{party} ka udhaar {balance} ho jayega, limit {limit} hai.",
        "hi": "{party} का उधार {balance} हो जाएगा, सीमा {limit} है।",
        "ne": "{party} को उधारो {balance} पुग्छ, सीमा {limit} हो।",
        "ne_roman": "{party} ko udharo {balance} pugchha, sima {limit} ho.",
    },
    "permission_denied": {
        "en": "Sorry, you are not allowed to do that.",
        "hinglish": "Maaf kijiye, aapko iski permission nahi hai.",
        "hi": "माफ़ कीजिए, आपको इसकी अनुमति नहीं है।",
        "ne": "माफ गर्नुहोस्, तपाईंलाई यो गर्ने अनुमति छैन।",
        "ne_roman": "Maaf garnus, tapai lai yo garne anumati chaina.",
    },
    "not_found": {
        "en": "I could not find {what} {ref}.",
        "hinglish": "{what} {ref} nahi mila.",
        "hi": "{what} {ref} नहीं मिला।",
        "ne": "{what} {ref} भेटिएन।",
        "ne_roman": "{what} {ref} bhetiyena.",
    },
    "validation_error": {
        "en": "That does not look right: {reason}.",
        "hinglish": "Yeh sahi nahi lag raha: {reason}.",
        "hi": "यह सही नहीं लग रहा: {reason}।",
        "ne": "यो मिलेन: {reason}।",
        "ne_roman": "Yo milena: {reason}.",
    },
    "invalid_phone": {
        "en": "{value} is not a mobile number I can use: please send the 10-digit mobile number, like {example}.",
        "hinglish": "{value} sahi mobile number nahi hai: 10 digit ka mobile number bhejiye, jaise {example}.",
        "hi": "{value} सही मोबाइल नंबर नहीं है: 10 अंकों का मोबाइल नंबर भेजिए, जैसे {example}।",
        "ne": "{value} सही मोबाइल नम्बर होइन: १० अङ्कको मोबाइल नम्बर पठाउनुहोस्, जस्तै {example}।",
        "ne_roman": "{value} sahi mobile number hoina: 10 anka ko mobile number pathaunus, jastai {example}.",
    },
    "nothing_to_undo": {
        "en": "There is no entry of yours left to undo.",
        "hinglish": "Aapki koi entry nahi bachi jo undo ho sake.",
        "hi": "आपकी कोई एंट्री नहीं बची जिसे हटाया जा सके।",
        "ne": "तपाईंको हटाउन मिल्ने कुनै entry बाँकी छैन।",
        "ne_roman": "Tapai ko hatauna milne kunai entry baki chaina.",
    },
    "idempotency_conflict": {
        "en": "This request id was already used for a different request.",
        "hinglish": "Yeh request id pehle kisi aur request ke liye use ho chuka hai.",
        "hi": "यह request id पहले किसी और अनुरोध के लिए इस्तेमाल हो चुका है।",
        "ne": "यो request id पहिले अर्कै अनुरोधमा प्रयोग भइसकेको छ।",
        "ne_roman": "Yo request id pahile arkai request ma prayog bhaisakeko cha.",
    },
    "invalid_identifier": {
        "en": "{value} is not a valid {kind}: {reason}.",
        "hinglish": "{value} sahi {kind} nahi hai: {reason}.",
        "hi": "{value} सही {kind} नहीं है: {reason}।",
        "ne": "{value} सही {kind} होइन: {reason}।",
        "ne_roman": "{value} sahi {kind} hoina: {reason}.",
    },
    "invalid_format": {
        "en": "{value} does not look like a {kind}: {reason}.",
        "hinglish": "{value} {kind} jaisa nahi dikhta: {reason}.",
        "hi": "{value} {kind} जैसा नहीं दिखता: {reason}।",
        "ne": "{value} {kind} जस्तो देखिँदैन: {reason}।",
        "ne_roman": "{value} {kind} jasto dekhindaina: {reason}.",
    },
    "invalid_checksum": {
        "en": "{value} is not a valid {kind}: the check character does not match; please check it for a typo.",
        "hinglish": "{value} sahi {kind} nahi hai: check character match nahi karta, typo dekh lijiye.",
        "hi": "{value} सही {kind} नहीं है: जाँच अक्षर मेल नहीं खाता, टाइपिंग की गलती देख लीजिए।",
        "ne": "{value} सही {kind} होइन: जाँच अक्षर मिलेन, टाइपिङ गल्ती हेर्नुहोस्।",
        "ne_roman": "{value} sahi {kind} hoina: check akshar milena, typing galti hernus.",
    },
    "invalid_component": {
        "en": "{value} is not a valid {kind}: {reason}.",
        "hinglish": "{value} sahi {kind} nahi hai: {reason}.",
        "hi": "{value} सही {kind} नहीं है: {reason}।",
        "ne": "{value} सही {kind} होइन: {reason}।",
        "ne_roman": "{value} sahi {kind} hoina: {reason}.",
    },
    "invalid_signature": {
        "en": "The payment notification could not be verified and was ignored.",
        "hinglish": "Payment ki soochna verify nahi hui, isliye chhod di gayi.",
        "hi": "भुगतान की सूचना सत्यापित नहीं हुई, इसलिए छोड़ दी गई।",
        "ne": "भुक्तानीको सूचना प्रमाणित भएन, त्यसैले छोडियो।",
        "ne_roman": "Bhuktani ko suchana pramanit bhaena, tesaile chhodiyo.",
    },
    "gateway_error": {
        "en": "The payment link could not be made right now: {reason}.",
        "hinglish": "Payment link abhi nahi ban paya: {reason}.",
        "hi": "भुगतान लिंक अभी नहीं बन पाया: {reason}।",
        "ne": "भुक्तानी लिङ्क अहिले बन्न सकेन: {reason}।",
        "ne_roman": "Bhuktani link ahile banna sakena: {reason}.",
    },
}


ORDER_STATUS_NAMES: dict[str, dict[str, str]] = {
    "DRAFT": {"hinglish": "draft", "hi": "ड्राफ़्ट", "ne": "ड्राफ्ट", "ne_roman": "draft", "en": "draft"},
    "CONFIRMED": {"hinglish": "confirm ho gaya", "hi": "कन्फ़र्म", "ne": "पक्का भयो",
                  "ne_roman": "pakka bhayo", "en": "confirmed"},
    "ACCEPTED": {"hinglish": "accept ho gaya", "hi": "स्वीकार", "ne": "स्वीकृत",
                 "ne_roman": "swikrit", "en": "accepted"},
    "PACKED": {"hinglish": "pack ho gaya", "hi": "पैक हो गया", "ne": "प्याक भयो",
               "ne_roman": "pack bhayo", "en": "packed"},
    "DISPATCHED": {"hinglish": "nikal chuka hai", "hi": "भेज दिया गया", "ne": "पठाइयो",
                   "ne_roman": "pathaiyo", "en": "dispatched"},
    "DELIVERED": {"hinglish": "pahunch gaya", "hi": "पहुँच गया", "ne": "पुग्यो",
                  "ne_roman": "pugyo", "en": "delivered"},
    "COMPLETED": {"hinglish": "poora", "hi": "पूरा", "ne": "पूरा भयो", "ne_roman": "pura bhayo", "en": "completed"},
    "CANCELLED": {"hinglish": "cancel", "hi": "रद्द", "ne": "रद्द", "ne_roman": "radda", "en": "cancelled"},
    "REJECTED": {"hinglish": "reject", "hi": "अस्वीकार", "ne": "अस्वीकृत", "ne_roman": "aswikrit", "en": "rejected"},
}
"""An order's status as a person says it (errors about orders and the bot's order replies use them)."""
_STATUS_PARAMS = ("from_status", "to_status")


def order_status_name(status: str, language: str) -> str:
    """ "CONFIRMED" in `language` ("confirm ho gaya"); an unknown status in lower case."""
    names = ORDER_STATUS_NAMES.get(status)
    return names.get(language, names["en"]) if names else status.lower()


def render(error: DomainError, language: str = "en") -> str:
    """The message for `error` in `language` (one of LANGUAGES; English otherwise)."""
    texts = CATALOG.get(error.key, CATALOG["validation_error"])
    template = texts.get(language, texts["en"])
    params: dict[str, Any] = defaultdict(str, {k: _show(v) for k, v in error.params.items()})
    for name in _STATUS_PARAMS:
        if name in error.params:
            params[name] = order_status_name(str(error.params[name]), language)
    return template.format_map(params)


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def format_decimal(value: Decimal) -> str:
    """12.500 → "12.5", 5000.00 → "5000": how a person writes a quantity or amount."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(value: Decimal, symbol: str = "₹") -> str:
    """Rupees grouped the Indian way: 120500 → "₹1,20,500", 1234567.5 → "₹12,34,567.50".

    Paise are shown only when there are some.
    """
    amount = abs(value).quantize(Decimal("0.01"))
    whole, paise = f"{amount:f}".split(".")
    head, groups = whole[:-3], [whole[-3:]]
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    text = ",".join(groups) + ("" if paise == "00" else f".{paise}")
    return f"{'-' if value < 0 else ''}{symbol}{text}"
