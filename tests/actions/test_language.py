"""The reply language follows the script and the words of the message, and the shop's setting when it has one."""

from __future__ import annotations

import asyncio
import doctest
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.language
from actions import shop as shop_module
from actions.base import Turn
from actions.language import LANGUAGES, reply_language
from actions.responses import variation
from actions.slots import ValidatePredefinedSlots
from actions.stock_form import ValidateStockForm
from bench.language_report import examples
from connectors.metadata import ChannelMetadata, Media
from erp_core import messages, shop_settings
from erp_core.context import Context
from erp_core.db import Database
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

# Everyday shop messages, written for this test (none is a training example: see the test below).
HINGLISH = [
    "bhai aaj kitne ka maal bika",
    "Rohit ji ka hisaab batao zara",
    "2 kilo besan aur 1 kilo suji bhej do",
    "kal wale bill mein galti hai",
    "haan yahi wala sahi hai",
    "nahi nahi 3 packet chahiye the",
    "Pooja didi ne 750 de diye cash mein",
    "doodh ke 4 packet phat gaye",
    "naya customer banao Ramesh naam se",
    "chini ka daam 48 kar do",
    "mera kitna udhaar bacha hai abhi",
    "is mahine ka kharcha kitna hua",
    "parle g ka stock khatam hone wala hai kya",
    "10 kilo atta aaya hai Singh traders se",
    "Verma ji ko 5 litre tel de diya udhaar pe",
    "order 14 ka kya hua",
    "bijli ka bill 1200 bhara",
    "thoda ruko main dekh ke batata hoon",
    "sab saman ki list dikhao",
    "kya tum hisaab bhi rakhte ho",
    "kal se dukaan band rahegi",
    "Anil bhai ka payment aaya ki nahi",
    "mujhe ek reminder bhejna hai Suresh ko",
    "5 kilo chawal becha 200 cash",
    "aaj ki sale ka total kya hai",
    "teen packet maggi wapas aaye hain",
    "isko cancel kar do",
    "kitne log ka paisa baaki hai",
    "Gupta uncle ka bill bana do",
    "chal theek hai phir baad me baat karte hain",
]
NE_ROMAN = [
    "aaja jamma kati ko bikri bhayo hola",
    "Ramesh dai ko hisab dekhaunus",
    "2 kilo besan ra 1 kilo suji pathaidinus",
    "hijo ko bill ma galti cha",
    "ho yehi thik cha",
    "hoina 3 packet chahiyeko thiyo",
    "Sita didi le 750 nagad diyo",
    "dudh ko 4 packet bigryo",
    "naya grahak thap gar Ramesh naam ma",
    "chini ko mol 130 gardinus",
    "mero kati udharo baki cha ahile",
    "yo mahina ma kati kharcha bhayo ta",
    "wai wai ko stock sakincha ki kasto",
    "Shrestha traders bata 10 kilo pitho aayo",
    "Hari dai lai 5 litre tel udharo ma diye",
    "order 14 ko k bhayo",
    "bijuli ko bill 1200 tiryo",
    "ekchhin parkhanus ma herera bhanchhu",
    "sabai saman ko list dekhaunus",
    "timi hisab pani rakhchau",
    "bholi dekhi pasal banda huncha",
    "Bishnu dai ko paisa aayo ki aayena",
    "Suman lai reminder pathaunu cha",
    "Sharma ji ko 500 baki cha",
    "aaja ko sale ko jamma kati ho",
    "tin packet chauchau firta aayo",
    "yo cancel garidinus",
    "kati jana ko paisa baki cha",
    "Gurung sahuji ko bill banaideu",
    "la thik cha pachhi kura garaula",
]
ENGLISH = [
    "how much did we sell today",
    "show me Rohit's account",
    "send 2 kg gram flour and a kilo of semolina",
    "there is a mistake in yesterday's bill",
    "yes that is the right one",
    "no, I wanted 3 packets",
    "Pooja paid 750 in cash",
    "four milk packets have gone bad",
    "add a new customer called Ramesh",
    "change the price of sugar to 48",
    "how much do I still owe you",
    "what were the expenses this month",
    "are we running out of parle g",
    "10 kg flour came in from Singh Traders",
    "gave Verma 5 litres of oil on credit",
    "what happened to order 14",
    "paid the electricity bill of 1200",
    "give me a minute, I will check",
    "list all the products we have",
    "can you keep the accounts as well",
    "the shop will be closed from tomorrow",
    "has Anil paid yet",
    "I need to send Suresh a reminder",
    "sold 5 kg rice for 200 cash",
    "what is the total of today's sales",
    "three packets of noodles were returned",
    "please cancel this",
    "how many people still owe us money",
    "make a bill for Mr Gupta",
    "ok then, we will talk later",
]
HINDI = [
    "आज कितने का माल बिका",
    "रोहित जी का हिसाब बताओ",
    "दो किलो बेसन और एक किलो सूजी भेज दो",
    "कल वाले बिल में गलती है",
    "हाँ यही वाला सही है",
    "नहीं नहीं तीन पैकेट चाहिए थे",
    "पूजा दीदी ने 750 नकद दिए",
    "दूध के चार पैकेट फट गए",
    "रमेश नाम से नया ग्राहक बनाओ",
    "चीनी का दाम 48 कर दो",
    "मेरा कितना उधार बचा है अभी",
    "इस महीने का खर्चा कितना हुआ",
    "पारले जी का स्टॉक खत्म होने वाला है क्या",
    "सिंह ट्रेडर्स से 10 किलो आटा आया है",
    "वर्मा जी को 5 लीटर तेल उधार पर दे दिया",
    "ऑर्डर 14 का क्या हुआ",
    "बिजली का बिल 1200 भरा",
    "थोड़ा रुकिए मैं देख कर बताता हूँ",
    "सब सामान की सूची दिखाओ",
    "क्या तुम हिसाब भी रखते हो",
    "कल से दुकान बंद रहेगी",
    "अनिल भाई का पैसा आया कि नहीं",
    "सुरेश को याद दिलाना है",
    "पाँच किलो चावल बेचा 200 नकद",
    "आज की बिक्री का कुल कितना है",
    "तीन पैकेट मैगी वापस आए हैं",
    "इसे रद्द कर दो",
    "कितने लोगों का पैसा बाकी है",
    "गुप्ता अंकल का बिल बना दो",
    "चलो ठीक है फिर बाद में बात करते हैं",
]
NEPALI = [
    "आज जम्मा कति बिक्री भयो",
    "रमेश दाइको हिसाब देखाउनुहोस्",
    "२ किलो बेसन र १ किलो सुजी पठाइदिनुस्",
    "हिजोको बिलमा गल्ती छ",
    "हो यही ठिक छ",
    "होइन ३ प्याकेट चाहिएको थियो",
    "सीता दिदीले ७५० नगद दिनुभयो",
    "दूधको ४ प्याकेट बिग्रियो",
    "रमेश नामको नयाँ ग्राहक थप",
    "चिनीको मूल्य १३० बनाइदिनुस्",
    "मेरो कति उधारो बाँकी छ अहिले",
    "यो महिनामा कति खर्च भयो",
    "वाइवाइको मौज्दात सकिन लाग्यो कि",
    "श्रेष्ठ ट्रेडर्सबाट १० किलो पिठो आयो",
    "हरि दाइलाई ५ लिटर तेल उधारोमा दिएँ",
    "अर्डर १४ को के भयो",
    "बिजुलीको बिल १२०० तिरेँ",
    "एकछिन पर्खनुहोस् म हेरेर भन्छु",
    "सबै सामानको सूची देखाउ",
    "तिमी हिसाब पनि राख्छौ",
    "भोलिदेखि पसल बन्द हुन्छ",
    "विष्णु दाइको पैसा आयो कि आएन",
    "सुमनलाई सम्झाउनु छ",
    "शर्मा जीको ५०० बाँकी छ",
    "आजको बिक्रीको जम्मा कति हो",
    "तीन प्याकेट चाउचाउ फिर्ता आयो",
    "यो रद्द गरिदिनुस्",
    "कति जनाको पैसा बाँकी छ",
    "गुरुङ साहुजीको बिल बनाइदेउ",
    "ल ठिक छ पछि कुरा गरौँला",
]


@pytest.mark.parametrize("texts, language", [
    (HINGLISH, "hinglish"), (NE_ROMAN, "ne_roman"), (ENGLISH, "en"), (HINDI, "hi"), (NEPALI, "ne")])
def test_each_language_is_told_apart_in_everyday_messages(texts, language):
    assert len(texts) >= 30
    assert [(text, reply_language(text)) for text in texts if reply_language(text) != language] == []


def test_the_table_holds_no_training_sentence():
    trained = {text.lower() for path in (ROOT / "data" / "nlu").glob("*.yml") for text in examples(path)}
    assert [text for text in HINGLISH + NE_ROMAN + ENGLISH + HINDI + NEPALI if text.lower() in trained] == []


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
    ("राम को आपको कितना देना है", "hi"),  # Hindi "आपको" is not a Nepali "-को"
    ("चामल कति बाँकी छ?", "ne"),
    ("नुन छ कि छैन", "ne"),
    ("चामल कति बाँकी छ।", "ne"),
    ("chamal kati baki cha", "ne_roman"),
    ("tel kati xa", "ne_roman"),
    ("naya customer thap gar", "ne_roman"),   # "naya" is both; "gar" is Nepali
    ("yo garidinus", "ne_roman"),
    ("Sharma ji le 500 diyo", "ne_roman"),
    ("naya customer add karo", "hinglish"),   # "naya" is both; "karo" is Hindi
    ("Verma ji ka kitna baaki hai?", "hinglish"),  # "baaki" is Hindi as much as Nepali
    ("mujhe 2 packet maggi bhej do", "hinglish"),
    ("Gupta ji ko 5 kilo cheeni dena", "hinglish"),
    ("5 kilo chawal becha 200 cash", "hinglish"),  # the first message the bot once answered in English
    ("send 2 packets of maggi to Gupta ji", "en"),  # "ji" alone does not make it Hinglish
    ("undo", "en"),
    ("undo kar do", "hinglish"),  # Hindi "do" (give) is not English "do"
])
def test_reply_language(text, language):
    assert reply_language(text) == language


@pytest.mark.parametrize("text, previous, default, language", [
    ("/affirm", "hi", "en", "hi"),
    ('/choose_product{"product_id": "12"}', "ne_roman", "en", "ne_roman"),
    ("5", "en", "hinglish", "en"),
    ("ok", "hinglish", "en", "hinglish"),
    ("ok", "ne_roman", "en", "ne_roman"),
    ("haan theek hai", "en", "en", "hinglish"),     # Hinglish words switch
    ("yes please", "hi", "en", "hi"),               # a short reply without cues keeps the language
    ("नमस्ते", "en", "en", "hi"),                    # Devanagari always decides
    ("how much rice is left now", "hi", "en", "en"),  # a real English sentence switches
    ("/affirm", None, "hinglish", "en"),
    ('/record_payment{"customer": "Verma ji"}', None, "en", "hinglish"),  # a payload's words count too
    ("Maggi 20", None, "hinglish", "hinglish"),     # no cue at all: the shop's usual language
    ("Maggi 20", None, "ne_roman", "ne_roman"),
    ("Maggi 20", "hi", "ne_roman", "hi"),           # ... unless the conversation has one
    ("ho", "ne_roman", "hinglish", "ne_roman"),     # "ho" is both: a Roman Nepali conversation stays one
])
def test_reply_language_keeps_the_conversation_language_for_payloads_and_short_replies(
        text, previous, default, language):
    assert reply_language(text, previous, default) == language


def test_the_docstring_examples_hold():
    assert doctest.testmod(actions.language).failed == 0


# ---------------------------------------------------------------- every language everywhere


def test_every_response_has_a_variation_in_every_language():
    """The variation without a condition is Hinglish; nothing may fall back to it silently."""
    missing = []
    for name, variations in DOMAIN["responses"].items():
        languages = {c["value"] for v in variations for c in v.get("condition") or [] if c.get("name") == "language"}
        if any(not v.get("condition") for v in variations):
            languages.add("hinglish")
        missing += [(name, language) for language in LANGUAGES if language not in languages]
    assert missing == []


def test_every_variation_of_a_response_fills_in_the_same_values():
    differ = [name for name, variations in DOMAIN["responses"].items()
              if len({frozenset(re.findall(r"{(\w+)}", v["text"])) for v in variations}) != 1]
    assert differ == []


def test_the_language_slot_takes_every_language():
    assert set(DOMAIN["slots"]["language"]["values"]) == set(LANGUAGES)


def test_erp_core_messages_speak_every_reply_language():
    assert set(messages.LANGUAGES) == set(LANGUAGES)
    assert [key for key, texts in messages.CATALOG.items() if set(texts) != set(LANGUAGES)] == []
    assert [key for key, names in messages.ORDER_STATUS_NAMES.items() if set(names) != set(LANGUAGES)] == []


def test_the_actions_phrases_speak_every_reply_language():
    from actions import phrases
    tables = [phrases.PHRASES, phrases.PERIOD_NAMES, phrases.UNDONE_NAMES, phrases._HELP_ROWS,
              phrases._CUSTOMER_ROW_TITLES]
    assert [key for table in tables for key, texts in table.items() if set(texts) != set(LANGUAGES)] == []


def test_roman_nepali_is_roman_and_its_own():
    """The ne_roman variations are in Roman script and differ from the Hinglish ones."""
    for name, variations in DOMAIN["responses"].items():
        by_language = {(v.get("condition") or [{}])[0].get("value"): v for v in variations}
        roman = by_language["ne_roman"]
        assert not re.search(r"[\u0900-\u097F]", roman["text"]), name
        titles = [b["title"] for b in roman.get("buttons") or []]
        assert not any(re.search(r"[\u0900-\u097F]", t) for t in titles), name


# ---------------------------------------------------------------- the shop's setting


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Context]]:
    """Shops the slot action finds through ERP_DATABASE_URL: India and Nepal on "auto", one set to English."""
    url = f"sqlite:///{tmp_path_factory.mktemp('language') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    found = {}
    for number, country in (("5550201", "IN"), ("5550202", "NP"), ("5550203", "IN")):
        tenant = add_tenant(db, phone_number_id=number, name=f"Shop {number}", country=country)
        found[number] = Context(db, tenant.id, Actor.system())
    shop_settings.update_settings(found["5550203"], reply_language="en")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield found
        shop_module.database.cache_clear()
    db.dispose()


def slot_language(business: str, text: str, previous: str | None = None) -> str:
    """The `language` slot Rasa's slot validation sets for `text` sent to `business`."""
    metadata = ChannelMetadata(business, "919811100101", "wamid.language").to_dict()
    tracker = Tracker(f"{business}:919811100101", {"language": previous},
                      {"text": text, "metadata": metadata}, [], False, None, {}, "action_listen")
    found = asyncio.run(ValidatePredefinedSlots().extract_language(CollectingDispatcher(), tracker, DOMAIN))
    return found["language"]


@pytest.mark.parametrize("business, text, previous, language", [
    ("5550201", "chamal kati baki cha", None, "ne_roman"),  # "auto": as the person writes
    ("5550201", "Maggi 20", None, "hinglish"),              # no cue: the country's Roman language
    ("5550202", "Maggi 20", None, "ne_roman"),
    ("5550202", "कुछ चावल बचा है?", None, "hi"),
    ("5550203", "kitna stock hai Maggi ka?", None, "en"),  # set to English: always English
    ("5550203", "चामल कति बाँकी छ?", "ne", "en"),
    ("5559999", "Maggi 20", None, "en"),                  # no such shop
])
def test_the_language_slot_is_the_shops_setting_else_the_persons(shops, business, text, previous, language):
    assert slot_language(business, text, previous) == language


def test_a_photo_is_answered_in_its_captions_language_else_the_conversations_or_the_shops(shops):
    def photo(business: str, caption: str, previous: str | None) -> str:
        metadata = ChannelMetadata(business, "919811100101", "wamid.photo", message_type="image", caption=caption,
                                   media=Media("m1", "image/jpeg", path="/tmp/x.jpg")).to_dict()
        tracker = Tracker(f"{business}:919811100101", {"language": previous},
                          {"text": "/bill_photo", "metadata": metadata}, [], False, None, {}, "action_listen")
        return asyncio.run(ValidatePredefinedSlots().extract_language(CollectingDispatcher(), tracker,
                                                                      DOMAIN))["language"]

    assert photo("5550201", "petrol ka bill", "en") == "hinglish"
    assert photo("5550201", "", "hi") == "hi"
    assert photo("5550201", "", None) == "hinglish"     # a first message: the shop's, not English
    assert photo("5550202", "", None) == "ne_roman"


def test_a_shop_changing_its_setting_is_heard_at_the_next_message(shops):
    assert slot_language("5550201", "how much sugar do we have") == "en"
    shop_settings.update_settings(shops["5550201"], reply_language="ne_roman")
    try:
        assert slot_language("5550201", "how much sugar do we have") == "ne_roman"
    finally:
        shop_settings.update_settings(shops["5550201"], reply_language="auto")


# ---------------------------------------------------------------- no placeholders


def rendered(message: dict[str, Any], language: str) -> str:
    """What Rasa would send for a dispatched domain response in `language`."""
    template = variation(DOMAIN, message["response"], language)["text"]
    params = {k: v for k, v in message.items() if k not in ("response", "buttons", "template")}
    return template.format(**params)


@pytest.mark.parametrize("language", LANGUAGES)
def test_stock_without_a_cost_says_which_cost_is_used_not_a_dash(language):
    item = {"product_id": 1, "name": "Cheeni", "quantity": "20", "unit": "kg", "product_unit": "kg"}
    dispatcher = CollectingDispatcher()
    turn = Turn(dispatcher, Tracker("c", {}, {}, [], False, None, {}, "action_listen"), None, language)
    ValidateStockForm().summarise(turn, {"form_items": [item], "form_amount": None})
    [said] = dispatcher.messages
    text = rendered(said, language)
    assert said["response"] == "utter_confirm_stock_usual_cost"
    assert "Cheeni" in text and " -." not in text and "None" not in text and "{" not in text
    ValidateStockForm().summarise(turn, {"form_items": [item], "form_amount": "40"})
    assert "₹40" in rendered(dispatcher.messages[-1], language)
