"""The words the extractor knows, in the four languages, and the normalised value each stands for.

Phrases are written the way people type them; `phrases()` folds them with the
same normaliser as the text, so "chawal"-style spelling variants match without
entries of their own. Values are the contract's (docs/nlu-pipeline.md).
"""

from __future__ import annotations

from decimal import Decimal

from bot.rasa.nlu.normalise import words

UNITS = {
    "kg": "kg kgs kilo kilos kilogram kilograms killo किलो किलोग्राम केजी kilu",
    "g": "g gm gms gram grams gramme ग्राम",
    "l": "l ltr ltrs litre litres liter liters लीटर लिटर",
    "ml": "ml mls millilitre milliliter मिली मिलीलीटर मिलिलिटर",
    "pcs": "pc pcs piece pieces nag नग पीस वटा ota vota wata pis",
    "dozen": "dozen dozens darjan दर्जन",
    "box": "box boxes dabba dabbe dibba dibbe carton cartons peti डिब्बा डिब्बे डब्बा बक्सा पेटी कार्टन बॉक्स बाक्स",
    "bag": "bag bags bori bora bore katta katte बोरी बोरा कट्टा बोरे",
    "packet": "packet packets pkt pkts pack packs paket pouch पैकेट पॅकेट प्याकेट पाकेट पोका",
}
UNIT_FACTORS = {"paav": ("kg", Decimal("0.25")), "pav": ("kg", Decimal("0.25")), "पाव": ("kg", Decimal("0.25"))}
"""Units that are a fraction of another: "do paav" is half a kilo."""
STANDALONE_UNIT_EXCLUDED = frozenset("g l pc pack packs bag bags box nag ota vota wata pis bore katta gm मिली".split())
"""Unit words too ambiguous to count without a number before them ("g" for "ji", "bag" the product, Nepali
"kata" for "where", "gm" for good morning, Hindi "मिली" for "received")."""
SIZE_UNITS = frozenset({"kg", "g", "l", "ml"})
COUNT_UNITS = frozenset({"pcs", "dozen", "box", "bag", "packet"})
"""A size right before a count is the pack, part of the product: "Good Day 100g 2 packet" is 2 packets."""
PACK_WORDS = "strip strips tablet tablets goli bottle bottles sachet sachets स्ट्रिप पत्ता गोली बोतल"
"""Counted packs the contract has no unit for: after a product name, "2 strip" shows the count
("Pan 40 ki 2 strip"), so the name's number is no quantity."""
STRENGTH_UNITS = "mg mcg मिग्रा"
""""Crocin 500 mg": a medicine's strength, never a quantity."""
PHARMA_STRENGTHS = frozenset({"325", "625", "650", "875"})
"""Tablet strengths that are no plausible count ("Dolo 650", "Augmentin 625"); round ones like 500 are left
to the words around them."""

CURRENCY_BEFORE = "₹ rs inr npr rupees rupaye रु रू"
CURRENCY_AFTER = ("₹ rs /- rupaye rupaiye rupay rupee rupees rupya rupiya rupaiya rupaiyaa rupiye rupai inr npr "
                  "रुपये रुपए रूपये रुपया रुपैयाँ रुपैया रूपैयाँ रुपयाँ रु रू")
THOUSAND_WORDS = frozenset({"k"})
PERCENT = "% percent pratishat प्रतिशत"
PRICE_WORDS = "rate daam price mrp keemat kimat bhav bhaav bhau darle रेट दाम कीमत एमआरपी भाव मूल्य भाउ दर दरले"
""""MRP 20", "daam 250", "rate do sau": a number after these is money, whatever the intent; so is one
before them, after a link word ("32 ke rate se", "४० को दरले", "600 ko bhau ma")."""
WORTH_WORDS = "ka ke ki ko का के की को"
WORTH_ENDS = "bill maal mal saman samaan saamaan hai tha he ho cha bill. बिल माल सामान है था हो छ"
""""Gupta se 10 kilo cheeni aayi 420 ka", "...2000 ka bill", "४२० को माल": goods coming in with a bare number
worth them (`WORTH_INTENTS`) name what they cost, not a count: the number, a worth word, then the message's
end or one of these."""
WORTH_INTENTS = frozenset({"add_stock"})
PER_WORDS = "per each prati प्रति"
""""180 each", "1450 per bag": a number before these is a price."""
ORDER_WORDS = "order orders ordar ऑर्डर आर्डर अर्डर"
ORDER_NUMBER_WORDS = "no number nambar num id नंबर नम्बर नं"
""""order no. 12", "order number: 12"; "#12" needs no "order" before it."""

PERIODS = {
    "today": ["aaj", "aaja", "today", "todays", "आज", "aaj ka din"],
    "yesterday": ["kal ka", "kal ki", "kal ke", "kal wala", "yesterday", "yesterdays", "कल का", "कल की", "कल के",
                  "hijo", "hijo ko", "हिजो", "हिजोको", "हिजो को", "beete kal"],
    "this_week": ["is hafte", "is hafta", "is week", "this week", "is saptah", "iss saptah", "इस हफ्ते", "इस हफ़्ते",
                  "इस सप्ताह", "इस हफ्ता", "यो हप्ता", "yo hapta", "यस हप्ता", "yas hapta", "यो साता", "yo sata",
                  "यस साता", "this weeks"],
    "last_week": ["pichhle hafte", "pichhla hafta", "pichhle week", "last week", "last hafte", "previous week",
                  "पिछले हफ्ते", "पिछला हफ्ता", "पिछले सप्ताह", "पिछले हफ़्ते", "गत हप्ता", "अघिल्लो हप्ता",
                  "gata hapta", "gaeko hapta", "गएको हप्ता", "aghillo hapta", "agillo hapta", "अघिल्लो साता",
                  "gaeko sata", "pichle saptah", "pichhle saptah"],
    "this_month": ["is mahine", "is mahina", "is month", "this month", "इस महीने", "इस महीना", "इस माह",
                   "यो महिना", "yo mahina", "यस महिना", "yas mahina", "chalu mahina", "चालु महिना"],
    "last_month": ["pichhle mahine", "pichhla mahina", "pichhle month", "last month", "last mahine", "previous month",
                   "पिछले महीने", "पिछला महीना", "पिछले माह", "गत माह", "गत महिना", "अघिल्लो महिना", "gata mahina",
                   "gaeko mahina", "गएको महिना", "aghillo mahina", "agillo mahina"],
}
BARE_YESTERDAY = ["kal", "कल"]
""""kal" is yesterday or tomorrow; only in a summary ("kal ki bikri") is it surely yesterday."""

CREDIT_WORDS = "udhaar udhari udhaari udhaaro udharo उधार उधारी उधारो"
PAYMENT_MODES = {
    "cash": ["cash", "nakad", "nagad", "naqad", "nakd", "नकद", "नगद", "नक़द", "कैश", "क्याश", "केश", "in cash",
             "hard cash", "haath mein"],
    "upi": ["upi", "gpay", "g pay", "google pay", "googlepay", "phonepe", "phone pe", "fonepe", "paytm", "bhim",
            "online", "qr", "qr code", "क्यूआर", "क्यूआर कोड", "scan karke", "यूपीआई", "ऑनलाइन", "अनलाइन", "esewa",
            "e sewa", "इसेवा", "khalti", "खल्ती", "fonepay", "फोनपे", "फोन पे", "पेटीएम", "गूगल पे"],
    "card": ["card", "debit card", "credit card", "atm card", "swipe", "कार्ड", "डेबिट कार्ड", "क्रेडिट कार्ड"],
    "bank": ["bank", "bank transfer", "neft", "rtgs", "imps", "account transfer", "एनईएफटी", "आरटीजीएस", "आईएमपीएस",
             "account me", "account mein", "account pe", "एकाउंट में", "अकाउंट में", "बैंक", "बैंक ट्रांसफर",
             "बैंक ट्रान्सफर", "net banking", "netbanking"],
    "cheque": ["cheque", "chq", "chek", "चेक", "चैक"],
    "credit": [*CREDIT_WORDS.split(), "credit", "khata mein", "khate mein", "khaate mein",
               "khate me", "खाते में", "खातामा"],
}
INTO_ACCOUNT = ("khate me", "khate mein", "khaate mein", "खाते में", "khata ma", "खातामा")
DEPOSITED = "jama transfer dale daale aaya aayi aaye जमा ट्रांसफर डाले आया आई आए जम्मा आयो"
PAYMENT_MODES["bank"] += [f"{into} {verb}" for into in INTO_ACCOUNT for verb in DEPOSITED.split()]
""""khate me" alone is the shop's khata (credit: "khate me likh do"); money that came into or was put into an
account ("khate me aaya", "khate me jama") is a bank payment."""
REPAID = ("chukaya chukayi chukaye chukai chuka chukta chuktaa wapas waapas lautaya lautaye lautayi clear tiryo tiro "
          "tire tireko चुकाया चुकाई चुकाए चुका चुकता वापस लौटाया लौटाई लौटाए क्लियर तिर्यो तिरे तिरेको")
REPAID_CREDIT = [f"{credit} {verb}" for credit in CREDIT_WORDS.split() for verb in REPAID.split()]
""""udhaar chukaya" / "उधारो तिर्यो" is credit paid back: a payment of dues, not a payment made on credit, so
it names no payment mode."""

EXPENSE_CATEGORIES = {
    "food": ["chai", "chai paani", "chai pani", "nashta", "samosa", "samose", "समोसा", "समोसे", "khana", "lunch",
             "dinner", "breakfast", "tea", "snacks", "food", "चाय", "नाश्ता", "खाना", "chiya", "चिया", "khaja", "खाजा",
             "khana khaja", "खाना खाजा"],
    "travel": ["auto", "taxi", "rickshaw", "ola", "uber", "bus", "train", "travel", "transport", "safar", "yatra",
               "ऑटो", "टैक्सी", "रिक्शा", "बस", "यात्रा", "गाडी भाडा", "यातायात", "yatayat", "tempo", "टेम्पो"],
    "fuel": ["petrol", "diesel", "cng", "सीएनजी", "fuel", "पेट्रोल", "डीजल", "डिजेल", "इन्धन", "indhan"],
    "rent": ["kiraya", "kiraaya", "rent", "bhada", "dukaan ka kiraya", "dukan ka kiraya", "shop rent", "किराया",
             "भाड़ा", "भाडा", "घर भाडा", "पसल भाडा", "ghar bhada", "pasal bhada", "dokan bhada"],
    "electricity": ["bijli", "bijli bill", "bijli ka bill", "light bill", "electricity", "electricity bill",
                    "current bill", "बिजली", "बिजली बिल", "बिजली का बिल", "bijuli", "बिजुली", "बिजुली बिल", "batti",
                    "बत्ती"],
    "salary": ["salary", "सैलरी", "पगार", "tankhwah", "tankha", "pagar", "majduri", "mazdoori", "talab", "wages",
               "staff salary", "वेतन", "तनख्वाह", "तनखा", "तलब", "मजदूरी", "ज्याला", "jyala", "payroll"],
    "purchase": ["kharidari", "purchase", "maal", "maal kharida", "saman", "samaan", "stock purchase", "खरीदारी",
                 "माल", "सामान", "खरिद", "kharid", "saman kharid"],
    "repair": ["repair", "marammat", "maramat", "marmat", "mistri", "servicing", "service", "मरम्मत", "मर्मत",
               "रिपेयर", "mermat"],
    "phone": ["phone", "mobile", "recharge", "phone bill", "mobile recharge", "internet", "wifi", "data pack",
              "फोन", "मोबाइल", "रिचार्ज", "इन्टरनेट", "इंटरनेट", "फोन बिल"],
    "other": ["other", "misc", "miscellaneous", "anya", "अन्य", "baaki kharcha", "others", "safai", "सफाई", "chanda",
              "चंदा", "चन्दा", "donation"],
}
"""A donation ("chanda") is `other`: none of the named defaults fits a gift, and tenants can map it."""
VEHICLES = ("auto taxi truck tempo rickshaw riksha gaadi gadi bus thela ऑटो टैक्सी ट्रक टेम्पो रिक्शा गाड़ी गाडी बस "
            "ठेला")
FARES = "bhada bhaada kiraya kiraaya भाड़ा भाडा किराया"
FARE_LINKS = ("", "ka", "ki", "ko", "का", "की", "को")
EXPENSE_CATEGORIES["travel"] += [" ".join(filter(None, (vehicle, link, fare)))
                                 for vehicle in VEHICLES.split() for link in FARE_LINKS for fare in FARES.split()]
""""auto ka bhada" is a fare (travel); "bhada" alone or with a shop or house is rent."""

AMOUNT_INTENTS = frozenset({"record_payment", "create_invoice", "add_expense", "send_payment_link", "credit_check",
                            "send_reminder", "record_sale", "update_price", "set_credit_limit", "pay_supplier"})
""""5 kilo chawal becha 200 cash": in a sale the bare number is what was paid; the goods' count has its unit."""
QUANTITY_INTENTS = frozenset({"create_order", "add_stock", "add_product", "check_stock", "sale_return", "write_off",
                              "stock_count", "purchase_return"})
ORDER_ID_INTENTS = frozenset({"order_status", "cancel_order", "update_order"})
"""A bare number in these is the order's number ("12 wala order cancel karo")."""
SUMMARY_INTENTS = frozenset({"sales_summary", "expense_summary", "profit_summary", "top_products", "send_statement",
                             "gst_summary"})
OUT_OF_SCOPE_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
"""An out-of-scope message ("aaj mausam kaisa hai") has no business entities, not even its "aaj"."""
PAYMENT_MODE_INTENTS = frozenset({"record_payment", "create_invoice", "create_order", "add_expense", "add_stock",
                                  "send_payment_link", "sales_summary", "deny", "record_sale", "sale_return",
                                  "pay_supplier"})

ORDER_STEPS = {
    "accept": ["accept", "accepted", "accept karo", "maan lo", "manjoor", "manjur", "sweekar", "svikar", "swikar",
               "स्वीकार", "मंजूर", "मंज़ूर", "एक्सेप्ट", "sweekar gara", "स्वीकार गर", "thik cha lina",
               "approve", "approved"],
    "pack": ["pack", "packed", "packing", "paik", "pack ho gaya", "pyak", "पैक", "पैकिंग", "प्याक", "प्याकिङ",
             "pyaking", "bandh do", "baandh do", "बाँध दो", "बांध दो"],
    "dispatch": ["dispatch", "dispatched", "ship", "shipped", "nikal gaya", "nikal diya", "ravana", "rawana",
                 "रवाना", "डिस्पैच", "निकल गया", "निकाल दिया", "pathaiyo", "pathaidiyo", "पठाइयो", "पठाइदियो",
                 "out for delivery", "gaadi me chala gaya", "गाड़ी में चला गया", "bhej diya", "भेज दिया",
                 "gone out", "went out", "sent out", "left the shop", "on its way"],
    "deliver": ["deliver", "delivered", "delivery", "delivery ho gayi", "delivery ho gaya", "pahunch gaya",
                "pahuch gaya", "pahunch gaya", "पहुँच गया", "पहुंच गया", "डिलीवर", "डिलिवर", "डिलीवरी", "डेलिभर",
                "delibhar", "pugyo", "पुग्यो", "pugisakyo", "पुगिसक्यो", "mil gaya customer ko",
                "reached", "handed over"],
    "complete": ["complete", "completed", "pura", "poora", "pura ho gaya", "पूरा", "पुरा", "सम्पन्न", "sampanna",
                 "close", "closed", "band kar do order", "khatam", "खतम", "done", "कम्प्लीट", "kampleet",
                 "सकियो", "sakiyo", "finished", "fulfilled"],
    "reject": ["reject", "rejected", "mana", "mana kar do", "mana karo", "nahi lenge", "asvikar", "aswikar",
               "अस्वीकार", "रिजेक्ट", "मना", "मना कर दो", "nakar", "नकार", "nakaar", "इन्कार", "inkar", "decline",
               "declined", "turn down", "refuse", "refused"],
}
"""The steps the shop moves an order through (erp_core.orders), the values of `order_step`."""
WRITE_OFF_REASONS = {
    "damaged": ["kharab", "kharaab", "khrab", "toot gaya", "toota", "tuta", "tut gaya", "toot gaye", "tut gaye",
                "phat gaya", "fat gaya", "phoot gaya", "sad gaya", "sad gaye", "sada", "damage", "damaged",
                "broken", "spoiled", "spoilt", "leak", "leak ho gaya", "kharab ho gaya", "खराब", "ख़राब", "टूट गया",
                "टूटा", "टूट गए", "फट गया", "फूट गया", "सड़ गया", "सड़ गए", "लीक", "बिग्रियो", "बिग्रेको", "bigriyo",
                "bigreko", "futyo", "फुट्यो", "kuhiyo", "कुहियो", "kuhieko", "कुहिएको", "fatyo", "फाट्यो",
                "chuha kha gaya", "चूहे खा गए", "musale khayo", "मुसाले खायो"],
    "expired": ["expire", "expired", "expiry", "expiry nikal gayi", "date nikal gayi", "date over", "एक्सपायर",
                "एक्सपायरी", "म्याद सकियो", "myad sakiyo", "म्याद नाघेको", "myad nagheko", "myad gayo",
                "म्याद गयो", "tarikh nikal gayi", "तारीख निकल गई", "out of date", "past expiry", "एक्सपाइर"],
    "lost": ["kho gaya", "kho gaye", "gum", "gum ho gaya", "gum ho gaye", "lost", "missing", "गुम", "खो गया",
             "खो गए", "हरायो", "harayo", "हराएको", "haraeko", "gayab", "गायब", "nahi mil raha", "नहीं मिल रहा",
             "bhetiyena", "भेटिएन"],
    "stolen": ["chori", "chori ho gaya", "chori ho gaye", "chura liya", "churaya", "chor le gaya", "stolen",
               "theft", "stole", "चोरी", "चोरी हो गया", "चुरा लिया", "चोर ले गया", "chori bhayo", "चोरी भयो",
               "chorle lagyo", "चोरले लग्यो", "shoplifted"],
    "own_use": ["ghar ke liye", "ghar ke liye liya", "ghar me use", "ghar le gaya", "ghar le gaye", "khud use",
                "apne use", "own use", "personal use", "shop use", "dukaan me use", "dukan me use", "self use",
                "used in the shop", "used at home", "took home", "घर के लिए", "घर ले गया", "घर ले गए",
                "अपने इस्तेमाल", "खुद के लिए", "दुकान में इस्तेमाल", "आफ्नो प्रयोग", "aafno prayog", "afno prayog",
                "घरको लागि", "ghar ko lagi", "gharko lagi", "घर लगियो", "ghar lagiyo", "पसलमा प्रयोग",
                "pasal ma prayog", "use kar liya", "इस्तेमाल कर लिया", "prayog garyo", "प्रयोग गर्यो"],
}
"""Why stock left without a sale (erp_core.enums.StockReason), the values of `write_off_reason`."""
SETTINGS = {
    "upi_vpa": ["upi id", "upi", "vpa", "upi address", "upi handle", "यूपीआई", "यूपीआई आईडी", "upi आईडी"],
    "gstin": ["gstin", "gst number", "gst no", "gst", "gst num", "जीएसटी", "जीएसटी नंबर", "जीएसटीआईएन",
              "जीएसटी नम्बर"],
    "name": ["dukaan ka naam", "dukan ka naam", "dukan ka nam", "shop name", "shop ka naam", "business name",
             "store name", "shop's name", "name of the shop", "दुकान का नाम", "पसलको नाम", "pasal ko naam",
             "pasalko naam", "pasal ko nam", "dokan ko naam", "firm ka naam", "फर्म का नाम"],
    "address": ["address", "pata", "पता", "ठेगाना", "thegana", "adress", "एड्रेस", "dukaan ka pata", "दुकान का पता"],
    "reply_language": ["language", "bhasha", "bhasa", "भाषा", "reply language", "lang", "जवाब की भाषा"],
    "daily_summary_time": ["summary time", "daily summary", "summary ka time", "summary ka samay", "roz ka hisaab",
                           "रोज़ का हिसाब", "रोज का हिसाब", "दैनिक सारांश", "dainik saransh", "सारांश", "saransh",
                           "din ka summary", "din ki report", "daily report", "दिन की रिपोर्ट", "दिनको रिपोर्ट",
                           "dinko report", "दैनिक रिपोर्ट", "dainik report"],
}
"""The shop settings a message names (erp_core.shop_settings.update_settings's fields), the values of `setting`."""
REPLY_LANGUAGES = {
    "hinglish": ["hinglish", "हिंग्लिश", "roman hindi"],
    "hi": ["hindi", "हिंदी", "हिन्दी"],
    "ne": ["nepali", "नेपाली", "नेपालीमा", "nepalima"],
    "en": ["english", "angrezi", "angreji", "अंग्रेजी", "अंग्रेज़ी", "इंग्लिश", "अङ्ग्रेजी", "angreji ma"],
    "ne_roman": ["roman nepali", "nepali roman", "romanized nepali", "roman ma nepali", "रोमन नेपाली", "नेपाली रोमन"],
    "auto": ["automatic", "auto language", "same language", "ऑटोमैटिक", "अटोमेटिक"],
}
"""A reply language a message names (erp_core.enums.ReplyLanguage), the values of `reply_language`; "auto": answer
each person in the language they write."""
DAY_PARTS = ("subah", "subha", "savere", "sawere", "morning", "dopahar", "dophar", "afternoon", "shaam", "sham",
             "evening", "raat", "rat", "night", "bihana", "beluka", "belka", "sanjh", "rati", "सुबह", "सवेरे", "दोपहर",
             "शाम", "रात", "बिहान", "बिहानी", "दिउँसो", "बेलुका", "साँझ", "राति")
"""Words before a time of day ("raat 9 baje") that say which half of the day it is in."""
LATE_DAY_PARTS = frozenset({"dopahar", "dophar", "afternoon", "shaam", "sham", "evening", "raat", "rat", "night",
                            "beluka", "belka", "sanjh", "rati", "दोपहर", "शाम", "रात", "दिउँसो", "बेलुका", "साँझ",
                            "राति"})
"""The day parts after noon: "raat 9 baje" is 21:00."""
EXPENSE_INTENTS = frozenset({"add_expense", "expense_summary", "deny"})
AMBIGUOUS_NUMBER_WORDS = "do one cha chha chhe tin छ दो aat saath sathi"
""""bhej do" (give), "one" (this one), Nepali "cha"/"छ" (is), "at" (folds like "aat", 8), "saath" (with, also
60), "saathi" (friend, Nepali 60): a number only with a unit or currency beside it."""
ONE_WORDS = "ek एक"
ARTICLE_NOUNS = ("kaam baat sawal sawaal question minute min second sec help madad request problem dikkat cheez chij "
                 "baar din jaankari chhin naya nayi naye item bill reminder message msg choti patak "
                 "काम बात सवाल मिनट सेकंड मदद चीज बार दिन जानकारी छिन नया नई नए आइटम बिल रिमाइंडर मैसेज चोटि पटक")
""""ek kaam karo", "ek baat batao", "ek naya item": "ek" is an article before these, not the count 1."""
LINK_WORDS = "ka ki ke ko wala wali wale of का की के को वाला वाली वाले"
""""Dolo 650 ki 2 strip": the words between a product name and its count."""
FUNCTION_WORDS = ("ne se me mein par pe aur and ya hai tha the ji to bhi sirf total kul of for with from by in at "
                  "ने से में पर और या है था जी तो भी कुल")
"""Words that are never a product name, so a number after them is no model number."""


def keys(phrase: str) -> tuple[str, ...]:
    """The normalised keys of a phrase, as `words` gives them for the text."""
    return tuple(w.key for w in words(phrase))


def key_set(spellings: str) -> frozenset[str]:
    return frozenset(k for spelling in spellings.split() for k in keys(spelling))


def phrases(table: dict[str, list[str]] | dict[str, str]) -> dict[tuple[str, ...], str]:
    """Folded phrase -> value, refusing a phrase that two values claim."""
    out: dict[tuple[str, ...], str] = {}
    for value, spellings in table.items():
        for spelling in spellings.split() if isinstance(spellings, str) else spellings:
            phrase = keys(spelling)
            if out.get(phrase, value) != value:
                raise ValueError(f"{spelling!r} is both {out[phrase]!r} and {value!r}")
            out[phrase] = value
    return out
