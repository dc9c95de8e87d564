"""One-shot questions and commands, through the real Rasa server and action server.

Each action answers at least one real sentence; Hinglish, Hindi, Nepali and English each appear.
Figures are checked against erp_core reads of the same shop, a fresh copy of the demo shop. A step that
stands for a tap sends the button's payload, as WhatsApp would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from erp_core import catalog, expenses, inventory, ledger, notices, orders, parties, reorder, reports, upi
from erp_core.context import Context
from erp_core.credit_score import credit_score
from erp_core.demo import CUSTOMERS
from erp_core.enums import NoticeKind, OrderStatus, PartyKind, Role
from erp_core.errors import AmbiguousProduct, UnknownProduct
from erp_core.invoice_settings import configure_invoicing
from erp_core.messages import format_decimal, format_money
from erp_core.periods import shop_period
from erp_core.sales import LineIn
from erp_core.tenants import actor_for
from tests.shop_stack import Shop, Stack

ROOT = Path(__file__).resolve().parents[2]
SHOP_UPI = "shreeganesh@okicici"
SHARMA_WA_ID = CUSTOMERS[0][1]
"""Sharma ji is a customer of the demo shop with a WhatsApp account of their own."""


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> tuple[Shop, Context]:
    """A copy of the demo shop (with a UPI id, two look-alike soaps and an expense) on the shared Rasa server."""
    running = rasa_stack.new_shop()
    ctx = running.ctx
    configure_invoicing(ctx, upi_vpa=SHOP_UPI)
    for name in ("Lux Soap Rose 100g", "Lux Soap Sandal 100g"):
        catalog.add_product(ctx, name=name, unit="pcs", selling_price=35, reorder_point=5, aliases=[name.lower()])
    expenses.record_expense(ctx, 350, "fuel", note="scooty petrol")
    expenses.record_expense(ctx, 120, "food", note="chai")
    return running, ctx


class Chat:
    """One person's conversation with the shop (a distinct wa_id per test keeps conversations apart)."""

    def __init__(self, shop: Shop, wa_id: str) -> None:
        self.shop, self.wa_id = shop, wa_id

    def __call__(self, text: str) -> list[dict]:
        return self.shop.say(self.wa_id, text)


def owner(shop: tuple[Shop, Context], wa_id: str) -> Chat:
    """A new owner of the shop on their own number, so each test starts a fresh conversation."""
    running, ctx = shop
    from erp_core.tenants import add_user

    add_user(ctx, wa_id=wa_id, role=Role.OWNER, name=f"owner {wa_id}")
    return Chat(running, wa_id)


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies if r.get("text"))


def custom(replies: list[dict], kind: str) -> dict:
    found = [r["custom"] for r in replies if isinstance(r.get("custom"), dict) and r["custom"].get("type") == kind]
    assert found, f"no {kind} message in {replies}"
    return found[0]


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons", [])]


def payload_with_entities(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


# ---------------------------------------------------------------- stock


def test_an_ambiguous_name_gets_a_list_and_a_tap_answers(shop):
    chat, ctx = owner(shop, "919700000001"), shop[1]
    with pytest.raises(AmbiguousProduct):
        catalog.resolve_product(ctx, "lux soap")
    listing = custom(chat("lux soap kitna bacha hai?"), "list")
    rows = {row["title"]: row["id"] for row in listing["sections"][0]["rows"]}
    assert set(rows) == {"Lux Soap Rose 100g", "Lux Soap Sandal 100g"}
    assert rows["Lux Soap Rose 100g"] == payload_with_entities("check_stock", product="Lux Soap Rose 100g")
    answer = texts(chat(rows["Lux Soap Rose 100g"]))
    assert answer == "Lux Soap Rose 100g: 0 pcs bacha hai."


def test_an_unknown_product_is_offered_to_be_added_with_its_price(shop):
    chat, ctx = owner(shop, "919700000002"), shop[1]
    with pytest.raises(UnknownProduct):
        catalog.resolve_product(ctx, "pista")
    chat("namaste ji")
    replies = chat(payload_with_entities("check_stock", product="pista"))
    assert "pista" in texts(replies) and "jodna hai" in texts(replies)
    offer = {b["title"]: b["payload"] for b in buttons(replies)}
    assert offer["Haan, jodo"] == payload_with_entities("add_product", product="pista")
    assert "selling price" in texts(chat(offer["Haan, jodo"]))
    confirm = chat("450")
    assert 'Naya product "pista", ₹450 per pcs' in texts(confirm)
    assert [b["payload"] for b in buttons(confirm)] == ["/affirm", "/deny"]
    assert "jud gaya" in texts(chat("/affirm"))
    product = catalog.product_details(ctx, catalog.resolve_product(ctx, "pista").id)
    assert (product.name, product.selling_price) == ("pista", Decimal("450.00"))


def test_low_stock_in_hindi_lists_what_is_at_or_under_its_reorder_level(shop):
    chat, ctx = owner(shop, "919700000003"), shop[1]
    low = inventory.low_stock(ctx)
    assert low
    answer = texts(chat("क्या क्या खत्म होने वाला है?"))
    assert answer.startswith(f"ये सामान कम हैं ({len(low)}):")
    for level in low:
        assert f"{level.name}: {format_decimal(level.available)} {level.unit.value} बचा" in answer


def test_reorder_suggestions_in_english(shop):
    chat, ctx = owner(shop, "919700000004"), shop[1]
    lines = reorder.reorder_suggestions(ctx)
    answer = texts(chat("what should I reorder?"))
    assert answer.startswith("Suggested reorder:")
    for line in lines:
        assert f"{line.name}: " in answer and f"order {format_decimal(line.suggested)} {line.unit.value}" in answer


# ---------------------------------------------------------------- khata


def test_one_customers_dues_in_hinglish(shop):
    chat, ctx = owner(shop, "919700000005"), shop[1]
    verma = parties.resolve_party(ctx, "Verma ji")
    balance = ledger.balance(ctx, verma.id).balance
    assert texts(chat("Verma ji ka kitna baaki hai?")) == f"Verma ji ka {format_money(balance)} baaki hai."


def test_the_dues_list_in_nepali_has_the_largest_first_and_the_total(shop):
    chat, ctx = owner(shop, "919700000006"), shop[1]
    rows = ledger.ageing(ctx)
    chat("नमस्ते हजुर")
    answer = texts(chat("/check_dues"))
    assert answer.startswith("सबैभन्दा धेरै बाँकी:")
    assert f"1. {rows[0].name}: {format_money(rows[0].total)}" in answer
    assert f"({len(rows)} ग्राहक): {format_money(sum((r.total for r in rows), Decimal(0)))}" in answer


def test_credit_check(shop):
    chat, ctx = owner(shop, "919700000007"), shop[1]
    sharma = parties.resolve_party(ctx, "Sharma ji")
    check = ledger.credit_check(ctx, sharma.id, 5000)
    answer = texts(chat("Sharma ji ko 5000 ka udhaar de sakte hain?"))
    if check.within_limit:
        assert answer.startswith("Haan, Sharma ji ko ₹5,000 ka udhaar de sakte hain.")
        assert f"{format_money(check.headroom)} tak ki jagah" in answer
    else:
        assert answer.startswith(f"Nahi, Sharma ji ka baaki {format_money(check.balance)} hai")


def test_an_owners_credit_check_adds_the_customers_score_band_limit_and_reasons(shop):
    chat, ctx = owner(shop, "919700000057"), shop[1]
    sharma = parties.resolve_party(ctx, "Sharma ji")
    scored = credit_score(ctx, sharma.id)
    answer = texts(chat("Sharma ji ko 700 ka udhaar de sakte hain kya"))
    if scored.new_customer:
        assert f"Sharma ji naye grahak hain: do mahine ka hisaab hone tak score {scored.score}/100" in answer
    else:
        assert f"Sharma ji ka bharosa score {scored.score}/100" in answer
        assert f"Sujhai udhaar limit: {format_money(scored.recommended_limit)}" in answer


def test_a_products_sales_ahead_in_hindi(shop):
    chat, ctx = owner(shop, "919700000058"), shop[1]
    maggi = catalog.resolve_product(ctx, "maggi")
    week = reorder.product_forecast(ctx, maggi.id, 7)
    answer = texts(chat("अगले सात दिन में मैगी कितनी बिक जाएगी"))
    assert answer.startswith(f"{week.name}: अगले 7 दिन में लगभग")
    assert f"स्टॉक {format_decimal(week.available)} {week.unit.value}" in answer


REORDER_ASKED = [
    # (phone, language, message, the answer's first line, "out of stock", "runs out in N days")
    ("919700000060", "hinglish", "is hafte kya kya mangwana padega", "Itna mangwa lijiye:", "khatam hai",
     "{days} din mein khatam"),
    ("919700000061", "hi", "दुकान के लिए क्या क्या मँगवाना पड़ेगा", "इतना मँगवा लीजिए:", "खत्म है", "{days} दिन में खत्म"),
    ("919700000062", "ne", "पसलको लागि के के सामान मगाउनु पर्ला", "यति मगाउनुहोस्:", "सकियो", "{days} दिनमा सकिन्छ"),
    ("919700000063", "ne_roman", "pasal ko lagi ke ke saman magaunu parla", "Yati magaunus:", "sakiyo",
     "{days} din ma sakinchha"),
    ("919700000064", "en", "which items do I need to restock", "Suggested reorder:", "out of stock",
     "runs out in {days} days"),
]


@pytest.mark.parametrize("wa_id, language, message, first, out, within", REORDER_ASKED,
                         ids=[r[1] for r in REORDER_ASKED])
def test_what_to_order_in_every_language_says_when_each_runs_out(shop, wa_id, language, message, first, out, within):
    chat, ctx = owner(shop, wa_id), shop[1]
    lines = reorder.reorder_suggestions(ctx)
    assert {line.days_to_stockout == 0 for line in lines} == {True, False}, "the demo shop: one out, some soon"
    answer = texts(chat(message))
    assert answer.startswith(first)
    for line in lines:
        row = next(row for row in answer.splitlines() if f" {line.name}: " in row)
        assert f"{format_decimal(line.suggested)} {line.unit.value}" in row
        if line.days_to_stockout is not None:
            assert (out if line.days_to_stockout == 0 else within.format(days=line.days_to_stockout)) in row


FORECAST_ASKED = [
    # (phone, message, the answer's start, whether the name fits two products and a tap chooses)
    ("919700000065", "agle saat din mein maggi kitni bik jayegi", "{name}: agle 7 din mein lagbhag", False),
    ("919700000066", "अर्को हप्ता म्यागी कति बिक्ला", "{name}: अर्को 7 दिनमा करिब", True),
    ("919700000067", "arko hapta maggi kati bikla", "{name}: arko 7 din ma karib", False),
    ("919700000068", "how many maggi packets will we sell in the coming week", "{name}: about ", False),
]


@pytest.mark.parametrize("wa_id, message, first, tap", FORECAST_ASKED, ids=["hinglish", "ne", "ne_roman", "en"])
def test_a_products_sales_ahead_in_every_language(shop, wa_id, message, first, tap):
    chat, ctx = owner(shop, wa_id), shop[1]
    maggi = catalog.resolve_product(ctx, "maggi")
    week = reorder.product_forecast(ctx, maggi.id, 7)
    replies = chat(message)
    if tap:
        rows = [row for section in custom(replies, "list")["sections"] for row in section["rows"]]
        assert {row["title"] for row in rows} == {"Maggi Noodles 70g", "Maggi Noodles 280g Family Pack"}
        replies = chat(next(row["id"] for row in rows if row["title"] == week.name))
    answer = texts(replies)
    assert answer.startswith(first.format(name=week.name))
    assert f"{format_decimal(week.available)} {week.unit.value}" in answer


CREDIT_ASKED = [
    ("919700000069", "शर्मा जी को 700 का उधार दे सकते हैं क्या", "स्कोर"),
    ("919700000070", "शर्मा जीलाई ७०० उधारो दिन हुन्छ?", "अंक"),
    ("919700000071", "Sharma ji lai 700 udharo dida hunchha?", "anka"),
    ("919700000072", "can I give Sharma ji 700 on credit", "score"),
]


@pytest.mark.parametrize("wa_id, message, word", CREDIT_ASKED, ids=["hi", "ne", "ne_roman", "en"])
def test_an_owners_credit_check_in_every_language_has_the_score(shop, wa_id, message, word):
    chat, ctx = owner(shop, wa_id), shop[1]
    scored = credit_score(ctx, parties.resolve_party(ctx, "Sharma ji").id)
    answer = texts(chat(message))
    assert word in answer and f"{scored.score}/100" in answer
    if not scored.new_customer:
        assert format_money(scored.recommended_limit) in answer


def test_a_reminder_goes_to_the_customer_with_a_upi_link_for_exactly_the_due(shop):
    chat, ctx = owner(shop, "919700000008"), shop[1]
    verma = parties.resolve_party(ctx, "Verma ji")
    balance = ledger.balance(ctx, verma.id).balance
    answer = texts(chat("Verma ji ko reminder bhejo"))
    assert answer == f"📨 Verma ji ko {format_money(balance)} ka reminder bhej raha hoon, payment link ke saath."
    [queued] = [n for n in notices.log(ctx, datetime(2000, 1, 1, tzinfo=UTC), {NoticeKind.REMINDER})
                if n.party_id == verma.id]
    assert queued.recipient == "919833333333" and queued.params["by_owner"] is True
    link = upi.parse_link(queued.params["link"])
    assert (link.amount, link.payee) == (balance, SHOP_UPI)
    again = texts(chat("Verma ji ko reminder bhejo"))   # today's went already: the text to forward by hand
    assert f"Namaste Verma ji 🙏\nShree Ganesh Kirana Store mein aapka {format_money(balance)} baaki hai." in again


def test_a_payment_link_in_hindi_asks_which_verma_and_comes_with_its_qr_code(shop):
    """"वर्मा" reads close to both "Verma" and "Sharma": the bot asks with a list, the tap names one."""
    chat, ctx = owner(shop, "919700000009"), shop[1]
    verma = parties.resolve_party(ctx, "Verma ji")
    balance = ledger.balance(ctx, verma.id).balance
    listing = custom(chat("वर्मा जी को पेमेंट लिंक भेजो"), "list")
    rows = {row["title"]: row["id"] for row in listing["sections"][0]["rows"]}
    assert rows["Verma ji"] == payload_with_entities("send_payment_link", customer="Verma ji")
    replies = chat(rows["Verma ji"])
    answer = texts(replies)
    assert f"Verma ji के लिए {format_money(balance)} का UPI लिंक:" in answer
    link = answer.split("लिंक: ", 1)[1].split()[0]
    assert upi.parse_link(link).amount == balance
    image = custom(replies, "image")
    assert Path(image["path"]).read_bytes().startswith(b"\x89PNG")


# ---------------------------------------------------------------- orders


def test_order_status_by_number(shop):
    chat, ctx = owner(shop, "919700000010"), shop[1]
    order = orders.order_by_number(ctx, 1)
    answer = texts(chat("order 1 ka status kya hai"))
    gupta = parties.party_details(ctx, order.party_id).name
    assert answer.startswith(f"Order #1 ({gupta}): confirm ho gaya. Kul {format_money(order.total)}")


def test_cancelling_an_order_asks_first_and_returns_the_stock(shop):
    chat, ctx = owner(shop, "919700000011"), shop[1]
    verma = parties.resolve_party(ctx, "Verma ji")
    dal = catalog.resolve_product(ctx, "Toor Dal")
    before = inventory.stock_of(ctx, dal.id)
    order = orders.place_order(ctx, verma.id, [LineIn(product_id=dal.id, quantity=Decimal(3))])
    assert inventory.stock_of(ctx, dal.id).reserved == before.reserved + 3
    asked = chat(f"order {order.number} cancel karo")
    assert f"Order #{order.number} (Verma ji, {format_money(order.total)}) cancel karein?" in texts(asked)
    assert orders.get_order(ctx, order.id).status is OrderStatus.CONFIRMED
    assert texts(chat("/affirm")).startswith(f"Order #{order.number} cancel ho gaya")
    assert orders.get_order(ctx, order.id).status is OrderStatus.CANCELLED
    assert inventory.stock_of(ctx, dal.id).reserved == before.reserved


def test_saying_no_keeps_the_order(shop):
    chat, ctx = owner(shop, "919700000012"), shop[1]
    gupta = parties.resolve_party(ctx, "Gupta ji")
    order = orders.place_order(ctx, gupta.id, [LineIn(product_id=catalog.resolve_product(ctx, "atta").id,
                                                      quantity=Decimal(1))])
    chat("namaste ji")
    chat(payload_with_entities("cancel_order", order_id=str(order.number)))
    assert texts(chat("/deny")) == "Theek hai, kuch nahi kiya."
    assert orders.get_order(ctx, order.id).status is OrderStatus.CONFIRMED


# ---------------------------------------------------------------- summaries


@pytest.mark.parametrize("wa_id, message, period, expected", [
    ("919700000021", "aaj kitni bikri hui hai", "today", "Aaj ki bikri: {total} ({bills} bill)."),
    ("919700000022", "कल बिक्री कितनी हुई थी?", "yesterday", "कल की बिक्री: {total} ({bills} बिल)।"),
])
def test_sales_summary_for_a_period(shop, wa_id, message, period, expected):
    chat, ctx = owner(shop, wa_id), shop[1]
    span = shop_period(ctx, period)
    summary = reports.sales_summary(ctx, span.start, span.end)
    answer = texts(chat(message))
    assert answer.startswith(expected.format(total=format_money(summary.total), bills=summary.bills))


def test_expense_summary_this_month(shop):
    chat, ctx = owner(shop, "919700000013"), shop[1]
    span = shop_period(ctx, "this_month")
    summary = expenses.expense_summary(ctx, span.first_day, span.last_day)
    answer = texts(chat("is mahine ka kharcha kitna hua"))
    assert answer.startswith(f"Is mahine ka kharcha: {format_money(summary.total)}")
    assert "• fuel: ₹350" in answer and "• food: ₹120" in answer


# ---------------------------------------------------------------- parties


def test_adding_a_customer_in_one_line(shop):
    chat, ctx = owner(shop, "919700000014"), shop[1]
    confirm = chat("naya customer add karo Ramesh Kumar 9876543210")
    assert 'Naya customer "Ramesh Kumar" (919876543210) jod doon?' in texts(confirm)
    assert not parties.find_parties(ctx, "Ramesh Kumar")
    assert texts(chat("/affirm")) == "✅ Ramesh Kumar customer list mein jud gaye."
    added = parties.party_details(ctx, parties.resolve_party(ctx, "Ramesh Kumar").id)
    assert (added.kind, added.phone, added.balance) == (PartyKind.CUSTOMER, "919876543210", Decimal("0.00"))


def test_adding_a_customer_without_a_name_asks_for_it(shop):
    chat, ctx = owner(shop, "919700000015"), shop[1]
    chat("namaste ji")
    assert texts(chat("/add_customer")) == "Naye customer ka naam kya hai?"
    assert 'Naya customer "Kavya Traders" jod doon?' in texts(chat("Kavya Traders"))
    chat("/affirm")
    assert parties.resolve_party(ctx, "Kavya Traders").name == "Kavya Traders"


# ---------------------------------------------------------------- help and fallback


def test_help_is_a_list_of_what_the_bot_can_do(shop):
    chat = owner(shop, "919700000016")
    listing = custom(chat("help"), "list")
    ids = [row["id"] for row in listing["sections"][0]["rows"]]
    assert ids[:3] == ["/check_stock", "/create_order", "/check_dues"] and len(ids) == 10


def test_an_out_of_scope_message_gets_the_help_menu(shop):
    chat = owner(shop, "919700000017")
    listing = custom(chat("kal subah 6 baje ka alarm laga do"), "list")
    assert len(listing["sections"][0]["rows"]) == 10


def test_thanks(shop):
    chat = owner(shop, "919700000018")
    assert texts(chat("thank you")) == "You're welcome! 🙏"


# ---------------------------------------------------------------- a customer's rights


def test_a_customer_sees_availability_and_their_own_dues_only(shop):
    running, ctx = shop
    chat = Chat(running, SHARMA_WA_ID)
    sharma = actor_for(ctx.db, ctx.tenant_id, SHARMA_WA_ID)
    assert sharma.role is Role.CUSTOMER
    own = ledger.balance(ctx, sharma.party_id).balance
    maggi = inventory.stock_of(ctx, catalog.resolve_product(ctx, "maggi").id)
    notice, *answer = chat("maggi hai kya?")  # a customer's first message to the shop gets the privacy notice first
    assert notice["text"].startswith("🔒 Privacy: dukaan aapka number")
    assert texts(answer) == f"Maggi Noodles 70g: {format_decimal(maggi.available)} packet bacha hai."
    assert texts(chat("mera kitna baaki hai?")) == f"Aapka {format_money(own)} baaki hai."
    assert texts(chat("Gupta ji ka kitna baaki hai?")).startswith("Maaf kijiye, aap sirf apna khata dekh sakte hain.")
    assert texts(chat("aaj kitni bikri hui hai")) == "Maaf kijiye, aapko iski permission nahi hai."
    assert texts(chat("Verma ji ko reminder bhejo")) == "Maaf kijiye, aapko iski permission nahi hai."
    menu = custom(chat("help"), "list")
    assert [row["id"] for row in menu["sections"][0]["rows"]] == ["/check_stock", "/create_order", "/check_dues"]
