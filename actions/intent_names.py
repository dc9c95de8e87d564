"""Short human names of what each intent does, in the five reply languages.

The bot names a piece of work when it must ask about it: "Pehle wala stock entry chhod doon?" (a new
command while a form is open, actions/interruptions.py) and "Bikri ya stock aaya?" (the NLU could
not tell two intents apart, actions/ambiguity.py). Whole replies are `domain.yml` responses; these
are the words put into them and onto their buttons.
"""

from __future__ import annotations

INTENT_NAMES: dict[str, dict[str, str]] = {
    # writes (each one a form)
    "add_stock": {"hinglish": "stock entry", "hi": "स्टॉक एंट्री", "ne": "मौज्दात प्रविष्टि", "en": "stock entry",
                  "ne_roman": "stock entry"},
    "create_order": {"hinglish": "order", "hi": "ऑर्डर", "ne": "अर्डर", "en": "order", "ne_roman": "order"},
    "catalog_order": {"hinglish": "order", "hi": "ऑर्डर", "ne": "अर्डर", "en": "order", "ne_roman": "order"},
    "record_payment": {"hinglish": "payment", "hi": "भुगतान", "ne": "भुक्तानी", "en": "payment",
                       "ne_roman": "bhuktani"},
    "add_expense": {"hinglish": "kharcha", "hi": "खर्चा", "ne": "खर्च", "en": "expense", "ne_roman": "kharcha"},
    "create_invoice": {"hinglish": "bill", "hi": "बिल", "ne": "बिल", "en": "invoice", "ne_roman": "bill"},
    "undo": {"hinglish": "entry hatana", "hi": "एंट्री हटाना", "ne": "प्रविष्टि हटाउने", "en": "undo",
             "ne_roman": "entry hataune"},
    "cancel_order": {"hinglish": "order cancel", "hi": "ऑर्डर रद्द", "ne": "अर्डर रद्द", "en": "order cancellation",
                     "ne_roman": "order radda"},
    "add_customer": {"hinglish": "naya customer", "hi": "नया ग्राहक", "ne": "नयाँ ग्राहक", "en": "new customer",
                     "ne_roman": "naya grahak"},
    "add_product": {"hinglish": "naya product", "hi": "नया प्रोडक्ट", "ne": "नयाँ सामान", "en": "new product",
                    "ne_roman": "naya saamaan"},
    "bill_photo": {"hinglish": "bill ki photo", "hi": "बिल की फ़ोटो", "ne": "बिलको फोटो", "en": "bill photo",
                   "ne_roman": "bill ko photo"},
    "record_sale": {"hinglish": "bikri", "hi": "बिक्री", "ne": "बिक्री", "en": "sale", "ne_roman": "bikri"},
    "sale_return": {"hinglish": "maal wapsi", "hi": "माल वापसी", "ne": "सामान फिर्ता", "en": "return",
                    "ne_roman": "saamaan phirta"},
    "write_off": {"hinglish": "kharab maal", "hi": "खराब माल", "ne": "बिग्रेको सामान", "en": "write-off",
                  "ne_roman": "bigreko saamaan"},
    "stock_count": {"hinglish": "stock ginti", "hi": "स्टॉक गिनती", "ne": "मौज्दात गन्ती", "en": "stock count",
                    "ne_roman": "stock ganti"},
    "update_price": {"hinglish": "rate badalna", "hi": "दाम बदलना", "ne": "मूल्य परिवर्तन", "en": "price change",
                     "ne_roman": "mulya pariwartan"},
    "update_order": {"hinglish": "order aage badhana", "hi": "ऑर्डर आगे बढ़ाना", "ne": "अर्डर अघि बढाउने",
                     "en": "order update", "ne_roman": "order agi badhaune"},
    "set_credit_limit": {"hinglish": "udhaar limit", "hi": "उधार सीमा", "ne": "उधारो सीमा", "en": "credit limit",
                         "ne_roman": "udharo sima"},
    "shop_settings": {"hinglish": "dukaan ki setting", "hi": "दुकान की सेटिंग", "ne": "पसलको सेटिङ",
                      "en": "shop settings", "ne_roman": "pasal ko setting"},
    "pay_supplier": {"hinglish": "supplier ko payment", "hi": "सप्लायर को भुगतान", "ne": "सप्लायरलाई भुक्तानी",
                     "en": "supplier payment", "ne_roman": "supplier lai bhuktani"},
    "purchase_return": {"hinglish": "supplier ko maal wapas", "hi": "सप्लायर को माल वापस", "ne": "सप्लायरलाई सामान फिर्ता",
                        "en": "purchase return", "ne_roman": "supplier lai saamaan phirta"},
    # questions
    "check_stock": {"hinglish": "stock dekhna", "hi": "स्टॉक देखना", "ne": "मौज्दात हेर्ने", "en": "stock check",
                    "ne_roman": "stock herne"},
    "low_stock": {"hinglish": "kam stock", "hi": "कम स्टॉक", "ne": "कम मौज्दात", "en": "low stock",
                  "ne_roman": "kam stock"},
    "reorder_suggestions": {"hinglish": "kya mangwayein", "hi": "क्या मँगवाएँ", "ne": "के मगाउने",
                            "en": "what to reorder", "ne_roman": "ke magaune"},
    "order_status": {"hinglish": "order ka haal", "hi": "ऑर्डर की स्थिति", "ne": "अर्डरको स्थिति",
                     "en": "order status", "ne_roman": "order ko sthiti"},
    "check_dues": {"hinglish": "baaki dekhna", "hi": "बाकी देखना", "ne": "बाँकी हेर्ने", "en": "dues",
                   "ne_roman": "baki herne"},
    "credit_check": {"hinglish": "udhaar de sakte?", "hi": "उधार दे सकते?", "ne": "उधारो दिन मिल्छ?",
                     "en": "credit check", "ne_roman": "udharo dina milcha?"},
    "send_reminder": {"hinglish": "yaad dilana", "hi": "याद दिलाना", "ne": "सम्झाउने", "en": "payment reminder",
                      "ne_roman": "samjhaune"},
    "send_payment_link": {"hinglish": "payment link", "hi": "पेमेंट लिंक", "ne": "भुक्तानी लिंक",
                          "en": "payment link", "ne_roman": "bhuktani link"},
    "send_statement": {"hinglish": "khata statement", "hi": "खाता विवरण", "ne": "खाता विवरण",
                       "en": "account statement", "ne_roman": "khata bibaran"},
    "sales_summary": {"hinglish": "bikri ka hisaab", "hi": "बिक्री का हिसाब", "ne": "बिक्रीको हिसाब",
                      "en": "sales summary", "ne_roman": "bikri ko hisab"},
    "expense_summary": {"hinglish": "kharche ka hisaab", "hi": "खर्चे का हिसाब", "ne": "खर्चको हिसाब",
                        "en": "expense summary", "ne_roman": "kharcha ko hisab"},
    "profit_summary": {"hinglish": "munafa", "hi": "मुनाफ़ा", "ne": "नाफा", "en": "profit", "ne_roman": "naafa"},
    "check_payables": {"hinglish": "supplier ka baaki", "hi": "सप्लायर का बाकी", "ne": "सप्लायरको बाँकी",
                       "en": "payables", "ne_roman": "supplier ko baki"},
    "expiring_stock": {"hinglish": "expiry wala maal", "hi": "एक्सपायरी वाला माल", "ne": "म्याद सकिने सामान",
                       "en": "expiring stock", "ne_roman": "myad sakine saamaan"},
    "gst_summary": {"hinglish": "GST ka hisaab", "hi": "GST का हिसाब", "ne": "कर (VAT/GST) को हिसाब", "en": "GST summary",
                    "ne_roman": "VAT/GST ko hisab"},
    "demand_forecast": {"hinglish": "aage ki bikri", "hi": "आगे की बिक्री", "ne": "आउँदो बिक्री", "en": "sales forecast",
                        "ne_roman": "aaudo bikri"},
    "show_bill_photo": {"hinglish": "bill ki photo dekhna", "hi": "बिल की फ़ोटो देखना", "ne": "बिलको फोटो हेर्ने",
                        "en": "bill photo", "ne_roman": "bill ko photo herne"},
    "sent_messages": {"hinglish": "bheje gaye messages", "hi": "भेजे गए संदेश", "ne": "पठाइएका सन्देश",
                      "en": "messages sent", "ne_roman": "pathaieka message"},
    "top_products": {"hinglish": "sabse zyada bikne wala", "hi": "सबसे ज़्यादा बिकने वाला", "ne": "धेरै बिक्ने सामान",
                     "en": "best sellers", "ne_roman": "dherai bikne saamaan"},
}

NEITHER: dict[str, str] = {"hinglish": "Kuch aur", "hi": "कुछ और", "ne": "अरू केही", "en": "Something else",
                           "ne_roman": "Aru kehi"}
"""The third button of the ambiguity question: neither of the two (the help menu)."""


def intent_name(intent: str, language: str) -> str:
    """What `intent` does, in `language` (Hinglish when the language has no name; the intent itself when unnamed)."""
    names = INTENT_NAMES.get(intent)
    if names is None:
        return intent.replace("_", " ")
    return names.get(language, names["hinglish"])


def neither(language: str) -> str:
    return NEITHER.get(language, NEITHER["hinglish"])
