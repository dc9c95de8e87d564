"""Words the actions build into lists, buttons and menus, in the five reply languages.

Whole replies live in `domain.yml` as responses with a variation per
language, and erp_core's errors (and the order-status names they use) in
`erp_core/messages.py`; only what an action assembles itself (the body of a
list to pick from, button titles, the help menu's rows, period names and what
an undone entry was) is here.
"""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, dict[str, str]] = {
    "which_product": {
        "hinglish": "\"{query}\" se kai saamaan milte hain. Kaunsa?",
        "hi": "\"{query}\" से कई सामान मिलते हैं। कौन सा?",
        "ne": "\"{query}\" नामका धेरै सामान छन्। कुन चाहिँ?",
        "ne_roman": "\"{query}\" naam ka dherai saman chan. Kun chahin?",
        "en": "Several products match \"{query}\". Which one?",
    },
    "which_party": {
        "hinglish": "\"{query}\" naam ke kai log hain. Kaun?",
        "hi": "\"{query}\" नाम के कई लोग हैं। कौन?",
        "ne": "\"{query}\" नामका धेरै जना छन्। को?",
        "ne_roman": "\"{query}\" naam ka dherai jana chan. Ko?",
        "en": "Several people match \"{query}\". Who?",
    },
    "help_body": {
        "hinglish": "Main yeh sab kar sakta hoon. Kuch chuniye ya seedha likhiye:",
        "hi": "मैं ये सब कर सकता हूँ। कुछ चुनिए या सीधे लिखिए:",
        "ne": "म यी सबै गर्न सक्छु। छान्नुहोस् वा सिधै लेख्नुहोस्:",
        "ne_roman": "Ma yi sabai garna sakchhu. Chhannus ya sidhai lekhnus:",
        "en": "Here is what I can do. Pick one or just type:",
    },
    "help_header": {"hinglish": "Hisaab", "hi": "हिसाब", "ne": "हिसाब", "ne_roman": "Hisaab", "en": "Hisaab"},
    "choose": {"hinglish": "Chuniye", "hi": "चुनिए", "ne": "छान्नुहोस्", "ne_roman": "Chhannus", "en": "Choose"},
    "add_it": {"hinglish": "Haan, jodo", "hi": "हाँ, जोड़ो", "ne": "हो, थप्नुहोस्",
               "ne_roman": "Ho, thapnus", "en": "Yes, add it"},
    "as_customer": {"hinglish": "👤 Customer banao", "hi": "👤 ग्राहक बनाइए", "ne": "👤 ग्राहक बनाउनुहोस्",
                    "ne_roman": "👤 Grahak banaunus",
                    "en": "👤 Add as customer"},
    "as_supplier": {"hinglish": "🚚 Supplier banao", "hi": "🚚 सप्लायर बनाइए", "ne": "🚚 सप्लायर बनाउनुहोस्",
                    "ne_roman": "🚚 Supplier banaunus",
                    "en": "🚚 Add as supplier"},
    "undo_it": {"hinglish": "↩️ Haan, hatao", "hi": "↩️ हाँ, हटाइए", "ne": "↩️ हो, हटाउनुहोस्",
                "ne_roman": "↩️ Ho, hataunus", "en": "↩️ Yes, reverse"},
    "keep_it": {"hinglish": "Rehne do", "hi": "रहने दो", "ne": "रहन दिनुहोस्",
                "ne_roman": "Rahana dinus", "en": "Keep it"},
    "role_and_khata": {"hinglish": "Aapka kaam aur khata", "hi": "आपका काम और खाता", "ne": "तपाईंको काम र खाता",
                       "ne_roman": "Tapai ko kaam ra khata",
                       "en": "Your role and account"},
    "role": {"hinglish": "Aapka kaam", "hi": "आपका काम", "ne": "तपाईंको काम",
             "ne_roman": "Tapai ko kaam", "en": "Your role"},
    "khata": {"hinglish": "Aapka khata", "hi": "आपका खाता", "ne": "तपाईंको खाता",
              "ne_roman": "Tapai ko khata", "en": "Your account"},
    "no": {"hinglish": "Nahi", "hi": "नहीं", "ne": "होइन", "ne_roman": "Hoina", "en": "No"},
    "confirm": {"hinglish": "✅ Haan, pakka", "hi": "✅ हाँ, पक्का", "ne": "✅ हो, पक्का",
                "ne_roman": "✅ Ho, pakka", "en": "✅ Yes, confirm"},
    "cancel": {"hinglish": "❌ Cancel", "hi": "❌ रद्द करें", "ne": "❌ रद्द गर्नुहोस्",
               "ne_roman": "❌ Cancel garnus", "en": "❌ Cancel"},
    "create": {"hinglish": "➕ Haan, banao", "hi": "➕ हाँ, बनाइए", "ne": "➕ हो, बनाउनुहोस्",
               "ne_roman": "➕ Ho, banaunus", "en": "➕ Yes, add it"},
    "ask_expense_category": {"hinglish": "Kis cheez ka kharcha tha?", "hi": "किस चीज़ का खर्चा था?",
                             "ne": "केको खर्च हो?", "ne_roman": "K ko kharcha ho?", "en": "What was it spent on?"},
    "offer_new_product": {
        "hinglish": "\"{query}\" naam ka koi product nahi mila. Naya product jodna hai?",
        "hi": "\"{query}\" नाम का कोई प्रोडक्ट नहीं मिला। नया प्रोडक्ट जोड़ना है?",
        "ne": "\"{query}\" नामको कुनै सामान भेटिएन। नयाँ सामान थप्ने?",
        "ne_roman": "\"{query}\" naam ko kunai saman bhetiyena. Naya saman thapne?",
        "en": "I could not find a product called \"{query}\". Add it as a new product?",
    },
    "low_line": {
        "hinglish": "• {name}: {available} {unit} bacha (reorder {reorder})",
        "hi": "• {name}: {available} {unit} बचा (रीऑर्डर {reorder})",
        "ne": "• {name}: {available} {unit} बाँकी (रिअर्डर {reorder})",
        "ne_roman": "• {name}: {available} {unit} baki (reorder {reorder})",
        "en": "• {name}: {available} {unit} left (reorder at {reorder})",
    },
    "reorder_line": {
        "hinglish": "• {mark} {name}: {when}{suggested} {unit} mangwaiye ({available} bacha)",
        "hi": "• {mark} {name}: {when}{suggested} {unit} मँगवाइए ({available} बचा)",
        "ne": "• {mark} {name}: {when}{suggested} {unit} मगाउनुहोस् ({available} बाँकी)",
        "ne_roman": "• {mark} {name}: {when}{suggested} {unit} magaunus ({available} baki)",
        "en": "• {mark} {name}: {when}order {suggested} {unit} ({available} left)",
    },
    "runs_out_now": {"hinglish": "khatam hai, ", "hi": "खत्म है, ", "ne": "सकियो, ", "ne_roman": "sakiyo, ",
                     "en": "out of stock, "},
    "runs_out_in": {"hinglish": "{days} din mein khatam, ", "hi": "{days} दिन में खत्म, ",
                    "ne": "{days} दिनमा सकिन्छ, ", "ne_roman": "{days} din ma sakinchha, ",
                    "en": "runs out in {days} days, "},
    "reorder_why_lead": {"hinglish": " · maal aane mein {days} din", "hi": " · माल आने में {days} दिन",
                         "ne": " · माल आउन {days} दिन", "ne_roman": " · maal aauna {days} din",
                         "en": " · delivery takes {days} days"},
    "reorder_why_point": {"hinglish": " · reorder point {point}", "hi": " · रीऑर्डर पॉइंट {point}",
                          "ne": " · रिअर्डर बिन्दु {point}", "ne_roman": " · reorder bindu {point}",
                          "en": " · reorder point {point}"},
    "reorder_why_festival": {"hinglish": " · {festival}: {lift}× bikri", "hi": " · {festival}: {lift}× बिक्री",
                             "ne": " · {festival}: {lift}× बिक्री", "ne_roman": " · {festival}: {lift}× bikri",
                             "en": " · {festival}: {lift}× sales"},
    "reorder_more": {"hinglish": "\n…aur {count} saamaan", "hi": "\n…और {count} सामान", "ne": "\n…अरू {count} सामान",
                     "ne_roman": "\n…aru {count} saman", "en": "\n…and {count} more"},
    "due_line": {
        "hinglish": "{rank}. {name}: {total}{older}", "hi": "{rank}. {name}: {total}{older}",
        "ne": "{rank}. {name}: {total}{older}", "ne_roman": "{rank}. {name}: {total}{older}",
        "en": "{rank}. {name}: {total}{older}",
    },
    "older_than_30": {
        "hinglish": " ({amount} 30 din se purana)", "hi": " ({amount} 30 दिन से पुराना)",
        "ne": " ({amount} ३० दिनभन्दा पुरानो)",
                  "ne_roman": " ({amount} 30 din bhanda purano)", "en": " ({amount} older than 30 days)",
    },
    "order_line": {"hinglish": "• {name} × {quantity}", "hi": "• {name} × {quantity}", "ne": "• {name} × {quantity}",
                   "ne_roman": "• {name} × {quantity}",
                   "en": "• {name} × {quantity}"},
    "expense_line": {"hinglish": "• {category}: {amount}", "hi": "• {category}: {amount}",
                     "ne": "• {category}: {amount}", "ne_roman": "• {category}: {amount}",
                     "en": "• {category}: {amount}"},
    # selling day: orders, statements, settings
    "step_accept": {"hinglish": "✅ Accept", "hi": "✅ स्वीकार", "ne": "✅ स्वीकार", "en": "✅ Accept", "ne_roman": "✅ Swikar"},
    "step_pack": {"hinglish": "📦 Pack ho gaya", "hi": "📦 पैक हो गया", "ne": "📦 प्याक भयो", "en": "📦 Packed",
                  "ne_roman": "📦 Pack bhayo"},
    "step_dispatch": {"hinglish": "🚚 Bhej diya", "hi": "🚚 भेज दिया", "ne": "🚚 पठाइयो", "en": "🚚 Dispatched",
                      "ne_roman": "🚚 Pathaiyo"},
    "step_deliver": {"hinglish": "🏠 Pahunch gaya", "hi": "🏠 पहुँच गया", "ne": "🏠 पुग्यो", "en": "🏠 Delivered",
                     "ne_roman": "🏠 Pugyo"},
    "step_complete": {"hinglish": "🙏 Poora hua", "hi": "🙏 पूरा हुआ", "ne": "🙏 पूरा भयो", "en": "🙏 Complete",
                      "ne_roman": "🙏 Pura bhayo"},
    "step_reject": {"hinglish": "❌ Mana karo", "hi": "❌ अस्वीकार", "ne": "❌ अस्वीकार", "en": "❌ Reject",
                    "ne_roman": "❌ Aswikar"},
    "send_to_customer": {"hinglish": "📲 Haan, bhejo", "hi": "📲 हाँ, भेजो", "ne": "📲 हो, पठाउनुहोस्", "en": "📲 Yes, send it",
                         "ne_roman": "📲 Ho, pathaunus"},
    "setting_name": {"hinglish": "dukaan ka naam", "hi": "दुकान का नाम", "ne": "पसलको नाम", "en": "shop name",
                     "ne_roman": "pasal ko naam"},
    "setting_address": {"hinglish": "pata", "hi": "पता", "ne": "ठेगाना", "en": "address", "ne_roman": "thegana"},
    "setting_gstin": {"hinglish": "GSTIN", "hi": "GSTIN", "ne": "GSTIN", "en": "GSTIN", "ne_roman": "GSTIN"},
    "setting_upi_vpa": {"hinglish": "UPI id", "hi": "UPI आईडी", "ne": "UPI आईडी", "en": "UPI id", "ne_roman": "UPI id"},
    "setting_reply_language": {"hinglish": "jawab ki bhasha", "hi": "जवाब की भाषा", "ne": "जवाफको भाषा",
                               "en": "reply language", "ne_roman": "jawaf ko bhasa"},
    "setting_daily_summary_time": {"hinglish": "roz ke hisaab ka samay", "hi": "रोज़ के हिसाब का समय",
                                   "ne": "दैनिक हिसाबको समय", "en": "daily summary time",
                                   "ne_roman": "dainik hisab ko samay"},
    # the messages the shop sent (actions/notices.py): what each was, and what became of it
    "notice_reminder": {"hinglish": "reminder", "hi": "रिमाइंडर", "ne": "रिमाइन्डर", "en": "reminder",
                        "ne_roman": "reminder"},
    "notice_payment_receipt": {"hinglish": "payment ki raseed", "hi": "भुगतान की रसीद", "ne": "भुक्तानी रसिद",
                               "en": "payment receipt", "ne_roman": "bhuktani rasid"},
    "notice_credit_receipt": {"hinglish": "udhaar ki raseed", "hi": "उधार की रसीद", "ne": "उधारो रसिद",
                              "en": "credit receipt", "ne_roman": "udharo rasid"},
    "notice_order_update": {"hinglish": "order update", "hi": "ऑर्डर अपडेट", "ne": "अर्डर अपडेट",
                            "en": "order update", "ne_roman": "order update"},
    "notice_low_stock": {"hinglish": "stock kam", "hi": "स्टॉक कम", "ne": "स्टक कम", "en": "low stock",
                         "ne_roman": "stock kam"},
    "notice_payment_received": {"hinglish": "payment aaya", "hi": "भुगतान आया", "ne": "भुक्तानी आयो",
                                "en": "payment received", "ne_roman": "bhuktani aayo"},
    "notice_daily_summary": {"hinglish": "roz ka hisaab", "hi": "रोज़ का हिसाब", "ne": "दैनिक हिसाब",
                             "en": "daily summary", "ne_roman": "dainik hisab"},
    "delivery_pending": {"hinglish": "⏳ jayega", "hi": "⏳ जाएगा", "ne": "⏳ जानेछ", "en": "⏳ to go",
                         "ne_roman": "⏳ janechha"},
    "delivery_sent": {"hinglish": "✓ gaya", "hi": "✓ गया", "ne": "✓ गयो", "en": "✓ sent", "ne_roman": "✓ gayo"},
    "delivery_delivered": {"hinglish": "✓✓ pahuncha", "hi": "✓✓ पहुँचा", "ne": "✓✓ पुग्यो", "en": "✓✓ delivered",
                           "ne_roman": "✓✓ pugyo"},
    "delivery_read": {"hinglish": "✓✓ padha", "hi": "✓✓ पढ़ा", "ne": "✓✓ पढ्नुभयो", "en": "✓✓ read",
                      "ne_roman": "✓✓ padhnu bhayo"},
    "delivery_failed": {"hinglish": "❌ nahi gaya", "hi": "❌ नहीं गया", "ne": "❌ गएन", "en": "❌ failed",
                        "ne_roman": "❌ gaena"},
    "delivery_opted_out": {"hinglish": "🔕 messages band hain", "hi": "🔕 संदेश बंद हैं", "ne": "🔕 सन्देश बन्द छ",
                           "en": "🔕 they turned messages off", "ne_roman": "🔕 message banda chha"},
    "delivery_not_agreed": {"hinglish": "🔕 reminder ki haan nahi", "hi": "🔕 रिमाइंडर की हाँ नहीं",
                            "ne": "🔕 रिमाइन्डरमा हो भन्नुभएन", "en": "🔕 did not agree to reminders",
                            "ne_roman": "🔕 reminder ma ho bhannu bhaena"},
    "delivery_settled": {"hinglish": "✔️ zaroorat nahi rahi", "hi": "✔️ ज़रूरत नहीं रही", "ne": "✔️ आवश्यक परेन",
                         "en": "✔️ no longer needed", "ne_roman": "✔️ aawashyak parena"},
    "sent_line": {"hinglish": "• {time} {who}: {what}, {state}", "hi": "• {time} {who}: {what}, {state}",
                  "ne": "• {time} {who}: {what}, {state}", "en": "• {time} {who}: {what}, {state}",
                  "ne_roman": "• {time} {who}: {what}, {state}"},
    "owner_you": {"hinglish": "aapko", "hi": "आपको", "ne": "तपाईंलाई", "en": "you", "ne_roman": "tapailai"},
    "not_set": {"hinglish": "(nahi hai)", "hi": "(नहीं है)", "ne": "(छैन)", "en": "(none)", "ne_roman": "(chhaina)"},
    "language_hinglish": {"hinglish": "Hinglish", "hi": "हिंग्लिश", "ne": "हिंग्लिस", "en": "Hinglish",
                          "ne_roman": "Hinglish"},
    "language_hi": {"hinglish": "Hindi", "hi": "हिंदी", "ne": "हिन्दी", "en": "Hindi", "ne_roman": "Hindi"},
    "language_ne": {"hinglish": "Nepali", "hi": "नेपाली", "ne": "नेपाली", "en": "Nepali", "ne_roman": "Nepali"},
    "language_en": {"hinglish": "English", "hi": "अंग्रेज़ी", "ne": "अङ्ग्रेजी", "en": "English", "ne_roman": "English"},
    "language_ne_roman": {"hinglish": "Roman Nepali", "hi": "रोमन नेपाली", "ne": "रोमन नेपाली", "en": "Roman Nepali",
                          "ne_roman": "Roman Nepali"},
    "language_auto": {"hinglish": "jaisa likhein waisa", "hi": "जैसा लिखें वैसा", "ne": "जस्तो लेख्नुहुन्छ त्यस्तै",
                      "en": "as each person writes", "ne_roman": "jasto lekhnuhunchha testai"},
    # --- selling day: sales and returns (actions/sale_return_form.py) ---
    "cash_back": {"hinglish": "💵 Cash wapas", "hi": "💵 नकद वापस", "ne": "💵 नगद फिर्ता", "en": "💵 Cash back",
                  "ne_roman": "💵 Nagad phirta"},
    "to_khata": {"hinglish": "📒 Khate mein", "hi": "📒 खाते में", "ne": "📒 खातामा", "en": "📒 To the khata",
                 "ne_roman": "📒 Khata ma"},
    # buying side (actions/stock_form.py, actions/buying.py)
    "no_bill_number": {"hinglish": "Bill number nahi hai", "hi": "बिल नंबर नहीं है", "ne": "बिल नम्बर छैन",
                       "en": "No bill number", "ne_roman": "Bill number chhaina"},
    "no_number": {"hinglish": "(bina number)", "hi": "(बिना नंबर)", "ne": "(नम्बर बिना)", "en": "(no number)",
                  "ne_roman": "(number bina)"},
    "paid_cash": {"hinglish": "💵 Cash diya", "hi": "💵 नकद दिया", "ne": "💵 नगद दिएँ", "en": "💵 Paid cash",
                  "ne_roman": "💵 Nagad diye"},
    "paid_upi": {"hinglish": "📱 UPI se diya", "hi": "📱 UPI से दिया", "ne": "📱 UPI बाट तिरें", "en": "📱 Paid by UPI",
                 "ne_roman": "📱 UPI bata tire"},
    "paid_bank": {"hinglish": "🏦 Bank se diya", "hi": "🏦 बैंक से दिया", "ne": "🏦 बैंकबाट तिरें",
                  "en": "🏦 Paid by bank", "ne_roman": "🏦 Bank bata tire"},
    "paid_card": {"hinglish": "💳 Card se diya", "hi": "💳 कार्ड से दिया", "ne": "💳 कार्डबाट तिरें",
                  "en": "💳 Paid by card", "ne_roman": "💳 Card bata tire"},
    "paid_cheque": {"hinglish": "🧾 Cheque diya", "hi": "🧾 चेक दिया", "ne": "🧾 चेक दिएँ", "en": "🧾 Paid by cheque",
                    "ne_roman": "🧾 Cheque diye"},
    "paid_credit": {"hinglish": "📒 Udhaar (baad mein)", "hi": "📒 उधार (बाद में)", "ne": "📒 उधारो (पछि)",
                    "en": "📒 On credit (later)", "ne_roman": "📒 Udharo (pachhi)"},
    "expiring_line": {"hinglish": "• {name} (batch {batch}): {quantity}, {date} ko, {days} din mein",
                      "hi": "• {name} (बैच {batch}): {quantity}, {date} को, {days} दिन में",
                      "ne": "• {name} (ब्याच {batch}): {quantity}, {date} मा, {days} दिनमा",
                      "en": "• {name} (batch {batch}): {quantity}, on {date}, in {days} days",
                      "ne_roman": "• {name} (batch {batch}): {quantity}, {date} ma, {days} din ma"},
    "expired_line": {"hinglish": "• ⚠️ {name} (batch {batch}): {quantity}, {date} ko expire ho chuka",
                     "hi": "• ⚠️ {name} (बैच {batch}): {quantity}, {date} को एक्सपायर हो चुका",
                     "ne": "• ⚠️ {name} (ब्याच {batch}): {quantity}, {date} मा म्याद सकियो",
                     "en": "• ⚠️ {name} (batch {batch}): {quantity}, expired on {date}",
                     "ne_roman": "• ⚠️ {name} (batch {batch}): {quantity}, {date} ma myad sakiyo"},
    "return_bill": {"hinglish": "bill #{number} ka", "hi": "बिल #{number} का", "ne": "बिल #{number} को",
                    "en": "from bill #{number}", "ne_roman": "bill #{number} ko"},
    "return_invoice": {"hinglish": "invoice {number} ka (credit note banega)",
                       "hi": "इनवॉइस {number} का (क्रेडिट नोट बनेगा)", "ne": "इनभ्वाइस {number} को (क्रेडिट नोट बन्छ)",
                       "en": "from invoice {number} (a credit note is made)",
                       "ne_roman": "invoice {number} ko (credit note banchha)"},
    "return_loose": {"hinglish": "bina bill, aaj ke daam par", "hi": "बिना बिल, आज के दाम पर",
                     "ne": "बिल बिना, आजको मूल्यमा", "en": "without a bill, at today's price",
                     "ne_roman": "bill bina, aaja ko mulya ma"},
    # whom to trust and what sells (actions/khata.py credit check, actions/stock.py demand forecast)
    "risk_low": {"hinglish": "kam jokhim", "hi": "कम जोखिम", "ne": "कम जोखिम", "ne_roman": "kam jokhim",
                 "en": "low risk"},
    "risk_medium": {"hinglish": "madhyam jokhim", "hi": "मध्यम जोखिम", "ne": "मध्यम जोखिम",
                    "ne_roman": "madhyam jokhim", "en": "medium risk"},
    "risk_high": {"hinglish": "zyada jokhim", "hi": "ज़्यादा जोखिम", "ne": "धेरै जोखिम", "ne_roman": "dherai jokhim",
                  "en": "high risk"},
    "credit_on_time": {"hinglish": "{rate} udhaar samay par chukaya", "hi": "{rate} उधार समय पर चुकाया",
                       "ne": "{rate} उधारो समयमै तिर्नुभयो", "ne_roman": "{rate} udharo samayamai tirnubhayo",
                       "en": "paid {rate} on time"},
    "credit_average_delay": {"hinglish": "aam taur par {days} din der se dete hain",
                             "hi": "आम तौर पर {days} दिन देर से देते हैं", "ne": "प्रायः {days} दिन ढिलो तिर्नुहुन्छ",
                             "ne_roman": "prayah {days} din dhilo tirnuhunchha",
                             "en": "usually pays {days} days late"},
    "credit_worst_delay": {"hinglish": "ek baar {days} din der ki", "hi": "एक बार {days} दिन देर की",
                           "ne": "एक पटक {days} दिन ढिलो", "ne_roman": "ek patak {days} din dhilo",
                           "en": "once {days} days late"},
    "credit_defaults": {"hinglish": "{amount} 90 din se zyada se baaki", "hi": "{amount} 90 दिन से ज़्यादा से बाकी",
                        "ne": "{amount} ९० दिनभन्दा बढीदेखि बाँकी", "ne_roman": "{amount} 90 din bhanda badhi dekhi baki",
                        "en": "{amount} unpaid for over 90 days"},
    "credit_purchases": {"hinglish": "mahine mein {days} din khareedte hain ({amount})",
                         "hi": "महीने में {days} दिन खरीदते हैं ({amount})",
                         "ne": "महिनामा {days} दिन किन्नुहुन्छ ({amount})",
                         "ne_roman": "mahina ma {days} din kinnuhunchha ({amount})",
                         "en": "buys on {days} days a month ({amount})"},
    "credit_outstanding": {"hinglish": "{months} mahine ki khareed jitna baaki", "hi": "{months} महीने की खरीद जितना बाकी",
                           "ne": "{months} महिनाको किनमेल जति बाँकी", "ne_roman": "{months} mahina ko kinmel jati baki",
                           "en": "owes {months} months of purchases"},
    "credit_age": {"hinglish": "{months} mahine purana khata", "hi": "{months} महीने पुराना खाता",
                   "ne": "{months} महिना पुरानो खाता", "ne_roman": "{months} mahina purano khata",
                   "en": "khata {months} months old"},
    "lasts_days": {"hinglish": "{days} din chalega", "hi": "{days} दिन चलेगा", "ne": "{days} दिन पुग्छ",
                   "ne_roman": "{days} din pugchha", "en": "lasts {days} days"},
    "lasts_long": {"hinglish": "kaafi hai", "hi": "काफ़ी है", "ne": "पर्याप्त छ", "ne_roman": "paryapta chha",
                   "en": "is plenty"},
    "festival_ahead": {"hinglish": " {festival} aa raha hai, bikri badhegi.", "hi": " {festival} आ रहा है, बिक्री बढ़ेगी।",
                       "ne": " {festival} आउँदैछ, बिक्री बढ्छ।", "ne_roman": " {festival} aaudai chha, bikri badhchha.",
                       "en": " {festival} is coming: sales go up."},
    # a bill read from a photo (actions/photo_form.py)
    "photo_book": {"hinglish": "✅ Chadha do", "hi": "✅ चढ़ा दो", "ne": "✅ चढाउनुहोस्", "ne_roman": "✅ Chadhaunus",
                   "en": "✅ Book it"},
    "photo_change": {"hinglish": "✏️ Badlo", "hi": "✏️ बदलो", "ne": "✏️ बदल्नुहोस्", "ne_roman": "✏️ Badalnus",
                     "en": "✏️ Change"},
    "photo_new": {"hinglish": "naya", "hi": "नया", "ne": "नयाँ", "ne_roman": "naya", "en": "new"},
    "photo_new_supplier": {"hinglish": "naya supplier", "hi": "नया सप्लायर", "ne": "नयाँ सप्लायर",
                           "ne_roman": "naya supplier", "en": "new supplier"},
    "photo_unread_name": {"hinglish": "(naam padha nahi gaya)", "hi": "(नाम पढ़ा नहीं गया)", "ne": "(नाम पढ्न सकिएन)",
                          "ne_roman": "(naam padhna sakiena)", "en": "(name not read)"},
    "photo_check": {"hinglish": "Ye dekh lijiye: {fields}", "hi": "ये देख लीजिए: {fields}",
                    "ne": "यो हेर्नुहोस्: {fields}", "ne_roman": "Yo hernus: {fields}", "en": "Please check: {fields}"},
    "photo_field_total": {"hinglish": "total", "hi": "कुल", "ne": "जम्मा", "ne_roman": "jamma", "en": "total"},
    "photo_field_date": {"hinglish": "tareekh", "hi": "तारीख", "ne": "मिति", "ne_roman": "miti", "en": "date"},
    "photo_field_party": {"hinglish": "party ka naam", "hi": "पार्टी का नाम", "ne": "पार्टीको नाम",
                          "ne_roman": "party ko naam", "en": "party"},
    "photo_field_invoice_no": {"hinglish": "bill number", "hi": "बिल नंबर", "ne": "बिल नम्बर",
                               "ne_roman": "bill number", "en": "bill number"},
    "photo_field_lines": {"hinglish": "items", "hi": "आइटम", "ne": "सामानहरू", "ne_roman": "samanharu",
                          "en": "items"},
    "photo_field_gstin": {"hinglish": "GSTIN", "hi": "GSTIN", "ne": "GSTIN", "ne_roman": "GSTIN", "en": "GSTIN"},
    "photo_owed": {"hinglish": "{party} ko ab kul {owed} dena hai.", "hi": "{party} को अब कुल {owed} देना है।",
                   "ne": "{party}लाई अब जम्मा {owed} तिर्न बाँकी छ।", "ne_roman": "{party} lai aba jamma {owed} tirna baki cha.",
                   "en": "You now owe {party} {owed} in all."},
}

PERIOD_NAMES: dict[str, dict[str, str]] = {
    "today": {"hinglish": "Aaj", "hi": "आज", "ne": "आज", "ne_roman": "Aaja", "en": "Today"},
    "yesterday": {"hinglish": "Kal", "hi": "कल", "ne": "हिजो", "ne_roman": "Hijo", "en": "Yesterday"},
    "this_week": {"hinglish": "Is hafte", "hi": "इस हफ़्ते", "ne": "यो हप्ता",
                  "ne_roman": "Yo hapta", "en": "This week"},
    "last_week": {"hinglish": "Pichhle hafte", "hi": "पिछले हफ़्ते", "ne": "गएको हप्ता",
                  "ne_roman": "Gaeko hapta", "en": "Last week"},
    "this_month": {"hinglish": "Is mahine", "hi": "इस महीने", "ne": "यो महिना",
                   "ne_roman": "Yo mahina", "en": "This month"},
    "last_month": {"hinglish": "Pichhle mahine", "hi": "पिछले महीने", "ne": "गएको महिना",
                   "ne_roman": "Gaeko mahina", "en": "Last month"},
}

UNDONE_NAMES: dict[str, dict[str, str]] = {
    "payment.record": {"hinglish": "payment", "hi": "भुगतान", "ne": "भुक्तानी",
                       "ne_roman": "bhuktani", "en": "payment"},
    "stock.receive": {"hinglish": "stock aaya", "hi": "आया स्टॉक", "ne": "आएको मौज्दात",
                      "ne_roman": "aayeko stock", "en": "stock received"},
    "expense.record": {"hinglish": "kharcha", "hi": "खर्चा", "ne": "खर्च", "ne_roman": "kharcha", "en": "expense"},
    "order.place": {"hinglish": "order", "hi": "ऑर्डर", "ne": "अर्डर", "ne_roman": "order", "en": "order"},
    "stock.write_off": {"hinglish": "kharab maal", "hi": "खराब माल", "ne": "बिग्रेको सामान",
                        "ne_roman": "bigreko saman", "en": "write-off"},
    "stock.count": {"hinglish": "stock ginti", "hi": "स्टॉक गिनती", "ne": "मौज्दात गन्ती",
                    "ne_roman": "stock ganti", "en": "stock count"},
    "product.price": {"hinglish": "rate badla", "hi": "दाम बदला", "ne": "मूल्य परिवर्तन",
                      "ne_roman": "mol pheriyo", "en": "price change"},
}
"""What an undone entry was, by its erp_core operation (one for each of erp_core.undo.UNDOABLE)."""

# (payload, title, description) per language; the payload is an example intent the row stands for.
_HELP_ROWS: dict[str, dict[str, tuple[str, str]]] = {
    "/check_stock": {
        "hinglish": ("Stock dekho", "kitna stock hai Maggi ka?"), "hi": ("स्टॉक देखें", "चावल कितना बचा है?"),
        "ne": ("मौज्दात हेर्नुहोस्", "चामल कति बाँकी छ?"),
        "ne_roman": ("Stock hernus", "chamal kati baki cha?"), "en": ("Check stock", "how much sugar do we have?")},
    "/create_order": {
        "hinglish": ("Order do", "Sharma ji ko 10 kilo chawal bhejo"), "hi": ("ऑर्डर दें", "शर्मा जी को 10 किलो चावल भेजो"),
        "ne": ("अर्डर दिनुहोस्", "५ किलो चिनी पठाउनु"),
        "ne_roman": ("Order dinus", "5 kilo chini pathaunu"), "en": ("Place an order", "send 10 kg rice to Sharma ji")},
    "/check_dues": {
        "hinglish": ("Udhaar / baaki", "Sharma ji ka kitna baaki hai?"), "hi": ("उधार / बाकी", "शर्मा जी का कितना बाकी है?"),
        "ne": ("उधारो / बाँकी", "शर्मा जीको कति बाँकी छ?"),
        "ne_roman": ("Udharo / baki", "Sharma ji ko kati baki cha?"), "en": ("Dues", "how much does Sharma ji owe?")},
    "/sales_summary": {
        "hinglish": ("Bikri", "aaj ki bikri kitni hui?"), "hi": ("बिक्री", "कल की बिक्री कितनी थी?"),
        "ne": ("बिक्री", "आजको बिक्री कति भयो?"),
        "ne_roman": ("Bikri", "aaja ko bikri kati bhayo?"), "en": ("Sales", "what were today's sales?")},
    "/low_stock": {
        "hinglish": ("Kam stock", "kya kya khatam ho raha hai?"), "hi": ("कम स्टॉक", "क्या-क्या खत्म हो रहा है?"),
        "ne": ("कम मौज्दात", "के के सकिँदै छ?"),
        "ne_roman": ("Kam stock", "k k sakidai cha?"), "en": ("Low stock", "what is running low?")},
    "/record_payment": {
        "hinglish": ("Payment likho", "Gupta ji ne 2000 diye"), "hi": ("भुगतान लिखें", "गुप्ता जी ने 2000 दिए"),
        "ne": ("भुक्तानी लेख्नुहोस्", "गुप्ता जीले २००० दिनुभयो"),
        "ne_roman": ("Bhuktani lekhnus", "Gupta ji le 2000 dinu bhayo"),
        "en": ("Record a payment", "Gupta ji paid 2000")},
    "/create_invoice": {
        "hinglish": ("Bill banao", "Verma ji ka bill banao"), "hi": ("बिल बनाएँ", "वर्मा जी का बिल बनाओ"),
        "ne": ("बिल बनाउनुहोस्", "वर्मा जीको बिल बनाउनु"),
        "ne_roman": ("Bill banaunus", "Verma ji ko bill banaunu"), "en": ("Make an invoice", "invoice for Verma ji")},
    "/add_expense": {
        "hinglish": ("Kharcha likho", "500 ka petrol"), "hi": ("खर्चा लिखें", "500 का पेट्रोल"),
        "ne": ("खर्च लेख्नुहोस्", "५०० को पेट्रोल"),
        "ne_roman": ("Kharcha lekhnus", "500 ko petrol"), "en": ("Add an expense", "spent 500 on fuel")},
    "/send_reminder": {
        "hinglish": ("Yaad dilao", "Verma ji ko reminder bhejo"), "hi": ("याद दिलाएँ", "वर्मा जी को याद दिलाओ"),
        "ne": ("सम्झाउनुहोस्", "वर्मा जीलाई सम्झाउनु"),
        "ne_roman": ("Samjhaunus", "Verma ji lai samjhaunu"), "en": ("Payment reminder", "remind Verma ji to pay")},
    "/reorder_suggestions": {
        "hinglish": ("Kya mangwayein", "kya order karna chahiye?"), "hi": ("क्या मँगवाएँ", "क्या मँगवाना चाहिए?"),
        "ne": ("के मगाउने", "के मगाउनुपर्छ?"),
        "ne_roman": ("K magaune", "k magaunu parchha?"), "en": ("What to reorder", "what should I reorder?")},
}
CUSTOMER_HELP = ("/check_stock", "/create_order", "/check_dues")
"""The only things a customer messaging the shop may do."""
_CUSTOMER_ROW_TITLES = {
    "/check_dues": {"hinglish": ("Mera baaki", "mera kitna baaki hai?"), "hi": ("मेरा बाकी", "मेरा कितना बाकी है?"),
                    "ne": ("मेरो बाँकी", "मेरो कति बाँकी छ?"),
                    "ne_roman": ("Mero baki", "mero kati baki cha?"), "en": ("My dues", "how much do I owe?")},
}


def phrase(key: str, language: str, **params: Any) -> str:
    """The phrase `key` in `language` (Hinglish when the language is unknown), filled with `params`."""
    texts = PHRASES[key]
    return texts.get(language, texts["hinglish"]).format(**params)


def period_name(period: str, language: str) -> str:
    return PERIOD_NAMES[period].get(language, PERIOD_NAMES[period]["hinglish"])


def undone_name(operation: str, language: str) -> str:
    return UNDONE_NAMES[operation].get(language, UNDONE_NAMES[operation]["hinglish"])


def help_rows(language: str, customer: bool = False) -> list[tuple[str, str, str]]:
    """The help menu's rows (payload, title, example sentence); a customer's menu has only what they may do."""
    payloads = CUSTOMER_HELP if customer else tuple(_HELP_ROWS)
    rows = []
    for payload in payloads:
        texts = (_CUSTOMER_ROW_TITLES.get(payload) if customer else None) or _HELP_ROWS[payload]
        title, example = texts.get(language, texts["hinglish"])
        rows.append((payload, title, example))
    return rows


WRITE_OFF_REASON_NAMES: dict[str, dict[str, str]] = {
    "damaged": {"hinglish": "kharab", "hi": "खराब", "ne": "बिग्रियो", "en": "damaged", "ne_roman": "bigriyo"},
    "expired": {"hinglish": "expire", "hi": "एक्सपायर", "ne": "म्याद सकियो", "en": "expired", "ne_roman": "myad sakiyo"},
    "lost": {"hinglish": "kho gaya", "hi": "खो गया", "ne": "हरायो", "en": "lost", "ne_roman": "harayo"},
    "stolen": {"hinglish": "chori", "hi": "चोरी", "ne": "चोरी भयो", "en": "stolen", "ne_roman": "chori bhayo"},
    "own_use": {"hinglish": "apne use mein", "hi": "अपने इस्तेमाल में", "ne": "आफ्नो प्रयोग", "en": "own use",
                "ne_roman": "aafno prayog"},
}
"""A write-off's reason (erp_core.enums.StockReason) as said in a confirmation, in each reply language."""


def write_off_reason_name(reason: str, language: str) -> str:
    return WRITE_OFF_REASON_NAMES[reason].get(language, WRITE_OFF_REASON_NAMES[reason]["hinglish"])
