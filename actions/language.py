"""Which language to answer in: the one the person wrote in, in the script they wrote it in.

Words, not substrings, decide: the Nepali "छ" must not be found inside the
Hindi "कुछ" or "पूछ". In Roman script each language's own words are counted;
words both Hindi and Nepali use ("ko", "ma", "le", "naya", "baki") count for
neither, and "ji", more often Hinglish, for half a Hinglish word.

>>> reply_language("चामल कति बाँकी छ?")
'ne'
>>> reply_language("कुछ चावल बचा है?")
'hi'
>>> reply_language("chamal kati baki cha")
'ne_roman'
>>> reply_language("Sharma ji ko 500 baki cha")
'ne_roman'
>>> reply_language("naya customer thap gar")
'ne_roman'
>>> reply_language("kitna stock hai Maggi ka?")
'hinglish'
>>> reply_language("naya customer banao")
'hinglish'
>>> reply_language("how much sugar do we have")
'en'
>>> reply_language("mujhe 2 packet maggi bhej do")
'hinglish'
>>> reply_language("5 kilo chawal becha 200 cash")
'hinglish'
>>> reply_language("Maggi 20", default="ne_roman")
'ne_roman'
>>> reply_language("/affirm", previous="hi")
'hi'
>>> reply_language("ok", previous="ne_roman")
'ne_roman'
"""

from __future__ import annotations

import re

# Letters, digits and Devanagari (its vowel signs are not \w in Python), without the danda "।".
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097F]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")

_NEPALI_DEVANAGARI = frozenset(
    "छ छन् छैन छु छौ कति बाँकी कस्तो गर गर्नु गर्नुस् गर्नुहोस् गरिदेउ भयो हजुर दाइ दिदी चामल पिठो चिनी नुन "
    "मौज्दात पनि अझै सक्छौ सक्नुहुन्छ मा लाई रुपैयाँ दिनुभयो पठाइदिनुस् पठाउनुहोस् होइन हुन्छ हस् नाइँ ल "
    "यो त्यो त्यही अहिले पछि भोलि हिजो ठिक पसल सेटिङ थप थपिदेउ नयाँ कहिले कहाँ मेरो हाल्नु आउँछ बाट र केजी "
    "अर्डर प्याकेट स्टक लिटर गोटा वटा बोरा नगर धेरै मुरी राम्रो सन्चै जवाफ देउ हालखबर लागि हाल खोल काट लेख "
    "जाँच साता अघिल्लो गल्ला हप्ता नगद इसेवा कुन फेरि सय रु दिऊँ".split()
)
_HINDI = frozenset(
    "है हैं था थी का की कितना कितनी कितने क्या क्यों करो करें कर दो दे दीजिए भेजो भेज दिखाओ बताओ नहीं "
    "हाँ हां ठीक जी कल बाकी बचा बची गया गई हुआ हुई मेरा मेरी अभी सब भी और में से ने पर".split()
)
"""Hindi words; "के" (Nepali "what", Hindi "of"), "को" and "आज" are both languages' and count for neither."""
_NEPALI_ENDING = re.compile(r"^(?!(उस|इस|मुझ|किस|सब|आप|तुम|हम|उन|इन|जिस|जिन|किन)को$)..+"
                            r"(लाई|को|न्छ|्छ|्छु|्छौ|्छन्|ौँला|ौंला|नुहोस्|नुस्|देउ|दैन|छौं|एँ|ेँ|यो|ाउ|एन|ियो"
                            r"|िन्|इन्|हरू)$")
"""Nepali endings written onto the word: "पसलको", "शर्मालाई", "हुन्छ", "भेटौँला", "आयो", "देखाउ" (not the Hindi
pronouns "उसको", "आपको")."""
_NEPALI_ROMAN_ENDING = re.compile(r"^(?!kyo$)..+(lai|nchha|ncha|nxa|nchhu|nchu|nus|nuhos|deu|daina|aula|yo|[^bt]au)$")
"""The same in Roman script: "sharmalai", "hunchha", "bhetaula", "garnus", "diyo", "dekhau" (not Hinglish "kyo",
"batau", "tau")."""
_NEPALI_ROMAN = frozenset(
    # is, isn't, how much, happened, do (every form a shopkeeper types), give, send
    "cha chha xa chaina chhaina xaina chu chhu chau chhau hunchha huncha hunxa hudaina hoina kati ota wata "
    "bhayo vayo bhaeko bhako bhane bhanera gar gara garnu garnus garnuhos garnuhola garne garchu gardai garera "
    "garyo gareko garidinu garidinus gardinus garde dinu dinus dinuhos dinuhola dide dieko diyo liyo aayo gayo "
    "pathau pathaunu pathaunus pathaidinu pathaidinus pathaideu pathayo pathako "
    # people, words and goods only Nepali has
    "hajur dai bhauju sahuji tapai tapain tapaai timi timro mero hamro uhaa uhan lai lae "
    "chamal pitho nun chini tarkari ghiu masu sakyo sakiyo sakincha sakchau sakchha sakinchha "
    "ahile ajhai ajha ani kina kasto kasari kun kunai yo tyo yeta hijo aaja bholi parsi "
    "udharo bhuktani tiryo tirnu tireko kinyo kineko bechyo bikyo thiyo thyo rahecha ni hola "
    "la ta naai nagara hoina arko tei thik ekdam dhanyabad dhanyabaad dherai pachi pachhi aba sanchai "
    "bhetaula janchu janchhu k halkhabar chahiyo chahidaina chahinchha kura esewa khalti pugyo pugena gayena "
    "bhaena aayena sima kine hera lekha tirna tirne haru lagi thap rakha hal thalyo thale garin diyin tirin radda "
    "dui saya".split()
)
_HINGLISH = frozenset(
    "hai hain kitna kitni kitne ka kya bacha bachi bache batao dikhao karo kar karna kardo kijiye "
    "nahi nahin kaise mein aur abhi kuch hua hui tha thi yaar bhejo bhejna bhej bhejiye diye diya de dena dijiye "
    "banao banana mujhe mujhko hume humko humein chahiye wale waali kab kaun kaunsa aaj rupaye rupaiye "
    "liye liya lena lo becha bechi beche bika biki bike bikri gaya gayi gaye aaya aayi aaye wapas kharab "
    "gya raha rahi rahe se ne par pe bhi sab wahi yeh woh iska uska mera meri apna hamara tum aap "
    "chawal cheeni doodh aata namak sabzi udhaar udhar kharcha jama bhaiya sahab hoon hu chalo chal chaliye achha acha "
    "baat phir fir milenge karenge karte itna bas jaata".split()
)
"""Hindi in Roman script; "ho" ("ho gaya", Nepali "ho" = is), "ko", "ke" (Hindi "of", Nepali "what"), "ki", "bata"
(tell, Nepali "from") and "wala" count for neither."""

_ENGLISH = frozenset(
    "the a an of to is are was how much many what which send give gave paid pay has have does did we our my "
    "please show tell for from with and by sold bought add new left on in at been gone out any update it this that "
    "all today yesterday tomorrow week month morning you your me i im no not yes go see good thanks thank pls later "
    "now can should there hey his her their will would need want were got came into put take make wrong right "
    "correct remove delete help packets bags boxes items via owes don t s received sent ordered deliveries hundred "
    "thousand sugar milk rice potatoes onions expenses yeah sure cheers undo as mark".split()
)
"""English words that outweigh a Hinglish "ji" or "hai" in an English sentence ("send 2 packets to Gupta ji")."""


LANGUAGES = ("hinglish", "hi", "ne", "ne_roman", "en")
"""The reply languages, as the `language` slot and the domain's response conditions name them.

"hinglish" is Hindi in Roman script, "ne_roman" Nepali in Roman script."""

def reply_language(text: str, previous: str | None = None, default: str = "en") -> str:
    """One of LANGUAGES, from the script and the words of `text`.

    Devanagari text is Nepali when it has more Nepali words and endings than
    Hindi words, else Hindi. Roman text
    is Nepali or Hinglish by which has more of its own words (a tie is Hinglish,
    unless the conversation is already Roman Nepali), and English when common
    English words outnumber both. A button payload ("/affirm"), a bare number
    or a short reply without cues ("ok", "5 kg") keeps the `previous` language;
    Roman text without any cue is `previous`, else `default` (the shop's usual one),
    and a payload without one (a link's "/create_order") English.
    """
    payload = text.startswith("/")
    if previous and (payload or not re.search(r"[^\W\d_]", text)):
        return previous
    words = _WORD.findall(text.lower())
    if _DEVANAGARI.search(text):
        nepali = sum(word in _NEPALI_DEVANAGARI or bool(_NEPALI_ENDING.match(word)) for word in words)
        return "ne" if nepali > sum(word in _HINDI for word in words) else "hi"
    nepali = sum(word in _NEPALI_ROMAN or bool(_NEPALI_ROMAN_ENDING.match(word)) for word in words)
    hinglish = sum(word in _HINGLISH for word in words) + sum(word == "ji" for word in words) / 2
    english = sum(word in _ENGLISH for word in words)
    local = max(nepali, hinglish)
    if local and local >= english:
        if nepali > hinglish or (nepali == hinglish and previous == "ne_roman"):
            return "ne_roman"
        return "hinglish"
    if english and (len(words) >= 3 or not previous):
        return "en"
    return previous or ("en" if payload else default)
