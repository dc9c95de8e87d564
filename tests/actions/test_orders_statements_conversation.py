"""Moving orders, khata statements and the shop's settings in chat, through the real Rasa server and action
server, in Hinglish, Hindi, Nepali and English, each checked in the books through erp_core afterwards.

A message for the shop's customer comes back from the REST channel as a custom message with a `to` (the
WhatsApp channel sends it to that number: tests/connectors/test_recipient.py).
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from erp_core import ledger, notices, orders, parties, shop_settings
from erp_core.demo import CUSTOMERS, DEMO_STAFF_WA_ID
from erp_core.enums import NoticeKind, OrderStatus, PartyKind
from erp_core.messages import format_money
from erp_core.orders import OrderView
from erp_core.sales import LineIn
from tests.shop_stack import Shop, Stack, buttons, texts

S = OrderStatus
PHONES = {name: phone for name, phone, *_ in CUSTOMERS}
SHARMA_WA_ID = PHONES["Sharma ji"]
PATHS = {S.CONFIRMED: [], S.ACCEPTED: [S.ACCEPTED], S.PACKED: [S.ACCEPTED, S.PACKED],
         S.DISPATCHED: [S.ACCEPTED, S.PACKED, S.DISPATCHED], S.CANCELLED: [S.CANCELLED]}


def custom(replies: list[dict], kind: str) -> list[dict]:
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("type") == kind]


def to_others(replies: list[dict]) -> list[dict]:
    """The messages that go to someone else's WhatsApp."""
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("to")]


@pytest.fixture(scope="module")
def shop(rasa_stack: Stack) -> Shop:
    return rasa_stack.new_shop()


def new_order(shop: Shop, customer: str, status: OrderStatus) -> OrderView:
    """An order of `customer` for 2 packets of Maggi, moved to `status` through erp_core."""
    order = orders.place_order(shop.ctx, shop.party(customer).id,
                               [LineIn(product_id=shop.product("maggi").id, quantity=Decimal(2))])
    for target in PATHS[status]:
        order = orders.transition(shop.ctx, order.id, target)
    return order


def status_of(shop: Shop, order: OrderView) -> OrderStatus:
    return orders.get_order(shop.ctx, order.id).status


def moves(shop: Shop, order: OrderView) -> list[tuple[OrderStatus | None, OrderStatus]]:
    return [(event.from_status, event.to_status) for event in orders.order_history(shop.ctx, order.id)]


def reply_language(shop: Shop, language: str) -> None:
    shop_settings.update_settings(shop.ctx, reply_language=language)


# ---------------------------------------------------------------------- moving an order


def updates_to(shop: Shop, order: OrderView) -> list[tuple[str, str, dict]]:
    """The order-update notices queued for the order's customer: (recipient, step, facts)."""
    return [(n.recipient, n.params["status"], n.params) for n in notices.log(shop.ctx, datetime(2000, 1, 1, tzinfo=UTC),
                                                                            {NoticeKind.ORDER_UPDATE})
            if n.params["number"] == order.number]


@pytest.mark.parametrize("start, message, target, confirm_text", [
    (S.ACCEPTED, "order {n} pack ho gaya hai", S.PACKED, "Pakka karein?"),
    (S.PACKED, "ऑर्डर {n} डिस्पैच कर दीजिए", S.DISPATCHED, "पक्का करें?"),
    (S.CONFIRMED, "अर्डर {n} स्वीकार गर्नुहोस्", S.ACCEPTED, "पक्का गर्ने?"),
    (S.DISPATCHED, "mark order {n} as delivered", S.DELIVERED, "Confirm?"),
])
def test_an_order_moves_once_confirmed_and_its_customer_is_told_once(shop, start, message, target, confirm_text):
    reply_language(shop, "auto")
    order, wa_id = new_order(shop, "Gupta ji", start), shop.owner()
    history = moves(shop, order)
    sent = []
    for _ in range(2):  # the same two WhatsApp messages delivered twice
        asked = shop.say(wa_id, message.format(n=order.number), message_id=f"wamid.move-{order.number}")
        if not sent:
            assert confirm_text in texts(asked) and f"#{order.number}" in texts(asked)
            assert buttons(asked) == ["/affirm", "/stop"]
            assert status_of(shop, order) is start, "nothing is written before the yes"
        sent += shop.say(wa_id, "/affirm", message_id=f"wamid.move-yes-{order.number}")
    assert status_of(shop, order) is target
    assert moves(shop, order) == [*history, (start, target)], "moved once"
    shop_name = shop_settings.shop_settings(shop.ctx).name
    assert to_others(sent) == [], "the notice worker tells the customer (bot/notify), not the reply"
    told = [(to, facts["shop"]) for to, step, facts in updates_to(shop, order) if step == target.value.lower()]
    assert told == [(PHONES["Gupta ji"], shop_name)], "queued once, for their number"


def test_a_missing_number_is_asked_and_the_step_is_offered_from_the_allowed_moves(shop):
    order, wa_id = new_order(shop, "Iyer Madam", S.CONFIRMED), shop.owner()
    # a conversation that starts with a tap has no words to tell its language by: English
    assert texts(shop.say(wa_id, "/update_order")) == 'Which order? Type its number, e.g. "order 12".'
    offered = shop.say(wa_id, str(order.number))
    assert f"#{order.number}" in texts(offered) and "Iyer Madam" in texts(offered)
    assert buttons(offered) == ['/update_order{"order_step": "accept"}', '/update_order{"order_step": "reject"}', "/stop"]
    confirm = texts(shop.say(wa_id, '/update_order{"order_step": "reject"}'))
    assert f"#{order.number}" in confirm and "Confirm?" in confirm
    shop.say(wa_id, "haan")
    assert status_of(shop, order) is S.REJECTED


def test_a_correction_moves_the_other_order_and_a_stop_moves_none(shop):
    first, second = new_order(shop, "Gupta ji", S.ACCEPTED), new_order(shop, "Gupta ji", S.ACCEPTED)
    wa_id = shop.owner()
    assert f"#{first.number}" in texts(shop.say(wa_id, f"order {first.number} pack ho gaya hai"))
    corrected = texts(shop.say(wa_id, f"order {second.number} pack ho gaya hai"))  # said again, the number right
    assert f"#{second.number}" in corrected and f"#{first.number}" not in corrected
    shop.say(wa_id, "/affirm")
    assert (status_of(shop, first), status_of(shop, second)) == (S.ACCEPTED, S.PACKED)
    shop.say(wa_id, f"order {first.number} pack ho gaya hai")
    assert "cancel kar diya" in texts(shop.say(wa_id, "rehne do"))
    shop.say(wa_id, "/affirm")
    assert status_of(shop, first) is S.ACCEPTED


@pytest.mark.parametrize("message, refusal", [
    ("order {n} deliver kar diya", "Order {n} abhi"),
    ("ऑर्डर {n} डिलीवर हो गया", "ऑर्डर {n} अभी"),
])
def test_an_illegal_move_is_erp_cores_refusal_in_the_persons_language(shop, message, refusal):
    order, wa_id = new_order(shop, "Sharma ji", S.CANCELLED), shop.owner()
    history = moves(shop, order)
    said = shop.say(wa_id, message.format(n=order.number))
    assert refusal.format(n=order.number) in texts(said) and buttons(said) == []
    shop.say(wa_id, "/affirm")
    assert moves(shop, order) == history and status_of(shop, order) is S.CANCELLED


def test_a_customer_may_not_move_even_their_own_order(shop):
    order = new_order(shop, "Sharma ji", S.PACKED)
    refused = texts(shop.say(SHARMA_WA_ID, f"order {order.number} dispatch kar dena"))
    assert "permission nahi hai" in refused
    shop.say(SHARMA_WA_ID, "/affirm")
    assert status_of(shop, order) is S.PACKED


# ---------------------------------------------------------------------- statements


def pdf_closing(path: str) -> Decimal:
    """The closing balance printed in the statement PDF at `path` (negative when the shop owes, "Cr")."""
    assert Path(path).read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    amount, side = re.search(r"Closing balance\s+\S*\s*([\d,]+\.\d\d) (Dr|Cr)", text).groups()
    return Decimal(amount.replace(",", "")) * (1 if side == "Dr" else -1)


@pytest.mark.parametrize("message, customer, ready", [
    ("Verma ji ka khata statement bhejna", "Verma ji", "khata statement (Is mahine)"),
    ("गुप्ता जी का स्टेटमेंट भेजिए", "Gupta ji", "खाता स्टेटमेंट (इस महीने)"),
    ("गुप्ता जीको स्टेटमेन्ट पठाउनुहोस्", "Gupta ji", "खाता स्टेटमेन्ट (यो महिना)"),
    ("send me the statement for Verma ji", "Verma ji", "khata statement (This month)"),
])
def test_the_owner_gets_the_statement_pdf_at_once_with_the_ledgers_balance(shop, message, customer, ready):
    wa_id = shop.owner()
    balance = ledger.balance(shop.ctx, shop.party(customer).id).balance
    sent = shop.say(wa_id, message)
    assert ready in texts(sent) and format_money(balance) in texts(sent)
    [document] = custom(sent, "document")
    assert "to" not in document and pdf_closing(document["path"]) == balance
    assert buttons(sent) == [f'/send_statement{{"customer": "{customer}", "period": "this_month", "recipient": "customer"}}']
    assert to_others(sent) == []


def test_a_statement_goes_to_the_customer_once_after_a_yes(shop):
    reply_language(shop, "auto")
    wa_id = shop.owner()
    sent = []
    for _ in range(2):  # the same two WhatsApp messages delivered twice
        asked = shop.say(wa_id, "Iyer Madam ko unka statement bhej do", message_id="wamid.iyer-statement")
        if not sent:
            assert "Iyer Madam" in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
            assert to_others(asked) == [] and custom(asked, "document") == []
        sent += shop.say(wa_id, "/affirm", message_id="wamid.iyer-statement-yes")
    [document] = to_others(sent)
    assert document["type"] == "document" and document["to"] == PHONES["Iyer Madam"]
    assert pdf_closing(document["path"]) == ledger.balance(shop.ctx, shop.party("Iyer Madam").id).balance
    assert "aapka khata statement (Is mahine)" in document["caption"]
    assert "Iyer Madam ko statement bhej diya" in texts(sent)


def test_the_button_after_the_owners_copy_sends_it_to_the_customer_and_no_stops_it(shop):
    wa_id = shop.owner()
    [tap] = buttons(shop.say(wa_id, "Gupta ji ka pichle mahine ka statement bhejo"))
    assert '"period": "last_month"' in tap
    asked = shop.say(wa_id, tap)
    assert "Gupta ji" in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
    assert "nahi bheja" in texts(shop.say(wa_id, "nahi"))
    assert to_others(shop.say(wa_id, "/affirm")) == []
    shop.say(wa_id, tap)
    [document] = to_others(shop.say(wa_id, "/affirm"))
    assert document["to"] == PHONES["Gupta ji"] and "Pichhle mahine" in document["caption"]


def test_a_party_without_a_phone_gets_no_statement_and_the_owner_gets_their_copy(shop):
    parties.add_party(shop.ctx, kind=PartyKind.CUSTOMER, name="Nirmala Devi")
    sent = shop.say(shop.owner(), '/send_statement{"customer": "Nirmala Devi", "recipient": "customer"}')
    assert "Nirmala Devi has no WhatsApp number in the khata" in texts(sent)  # a tap first: English
    assert to_others(sent) == [] and len(custom(sent, "document")) == 1 and buttons(sent) == []


def test_a_customer_may_not_ask_for_anyones_statement(shop):
    refused = shop.say(SHARMA_WA_ID, "Verma ji ka khata statement bhejna")
    assert "permission nahi hai" in texts(refused)
    assert custom(refused, "document") == [] and to_others(refused) == []


# ---------------------------------------------------------------------- shop settings


@pytest.mark.parametrize("message, field, value, old_to_new", [
    ("mera UPI id ganesh.store@okhdfc set kar do", "upi_vpa", "ganesh.store@okhdfc", "→ ganesh.store@okhdfc"),
    ("जीएसटी नंबर 27AAPFU0939F2ZU है", "gstin", "27AAPFU0939F2ZU", "27AAPFU0939F1ZV → 27AAPFU0939F2ZU"),
    ("पसलको नाम साहु किराना राख्नुहोस्", "name", "साहु किराना", "→ साहु किराना"),
    ("send the daily summary at 8 pm", "daily_summary_time", "20:00", "→ 20:00"),
])
def test_the_owner_changes_a_setting_once_after_seeing_old_and_new(shop, message, field, value, old_to_new):
    wa_id = shop.owner()
    asked = shop.say(wa_id, message, message_id=f"wamid.setting-{field}")
    assert old_to_new in texts(asked) and buttons(asked) == ["/affirm", "/stop"]
    assert getattr(shop_settings.shop_settings(shop.ctx), field) != value, "nothing is written before the yes"
    shop.say(wa_id, "/affirm", message_id=f"wamid.setting-{field}-yes")
    assert getattr(shop_settings.shop_settings(shop.ctx), field) == value
    shop_settings.update_settings(shop.ctx, **{field: {"daily_summary_time": "07:00", "name": "Other Name"}.get(field, "")})
    changed = getattr(shop_settings.shop_settings(shop.ctx), field)
    shop.say(wa_id, message, message_id=f"wamid.setting-{field}")  # the same two WhatsApp messages again
    shop.say(wa_id, "/affirm", message_id=f"wamid.setting-{field}-yes")
    assert getattr(shop_settings.shop_settings(shop.ctx), field) == changed, "the replay wrote nothing"


def test_a_bad_gstin_is_refused_before_the_confirmation_and_a_correction_confirms_again(shop):
    wa_id = shop.owner()
    refused = texts(shop.say(wa_id, "GSTIN 27AAPFU0939F1ZX hai"))
    assert "27AAPFU0939F1ZX sahi GSTIN nahi hai" in refused and "GSTIN kya rakhein?" in refused
    asked = texts(shop.say(wa_id, "GSTIN 27AAPFU0939F2ZU"))
    assert "→ 27AAPFU0939F2ZU" in asked
    corrected = texts(shop.say(wa_id, "nahi, UPI id ganesh@okicici"))
    assert "→ 27AAPFU0939F2ZU" in corrected and "→ ganesh@okicici" in corrected
    shop.say(wa_id, "haan")
    settings = shop_settings.shop_settings(shop.ctx)
    assert (settings.gstin, settings.upi_vpa) == ("27AAPFU0939F2ZU", "ganesh@okicici")


def test_a_reply_language_is_offered_as_buttons_and_stop_writes_nothing(shop):
    wa_id = shop.owner()
    reply_language(shop, "auto")
    assert buttons(shop.say(wa_id, "/shop_settings")) == [f'/shop_settings{{"setting": "{field}"}}' for field in (
        "name", "address", "gstin", "upi_vpa", "reply_language", "daily_summary_time")]
    offered = shop.say(wa_id, '/shop_settings{"setting": "reply_language"}')
    assert '/shop_settings{"reply_language": "ne"}' in buttons(offered)
    asked = texts(shop.say(wa_id, '/shop_settings{"reply_language": "ne"}'))
    assert "as each person writes → Nepali" in asked
    assert texts(shop.say(wa_id, "/stop")) == "OK, cancelled. Nothing was recorded."  # taps only: English
    assert shop_settings.shop_settings(shop.ctx).reply_language.value == "auto"


@pytest.mark.parametrize("wa_id, message, refusal", [
    (DEMO_STAFF_WA_ID, "mera UPI id staff.ka@okaxis set kar do", "permission nahi hai"),
    (DEMO_STAFF_WA_ID, "दुकान का नाम स्टाफ स्टोर रखो", "अनुमति नहीं है"),
    (SHARMA_WA_ID, "mera UPI id sharma.ji@okaxis set kar do", "permission nahi hai"),
])
def test_staff_and_customers_may_not_change_settings(shop, wa_id, message, refusal):
    before = shop_settings.shop_settings(shop.ctx)
    said = shop.say(wa_id, message)
    settings_button = next((b for b in buttons(said) if b.startswith("/shop_settings")), None)
    if settings_button is not None:  # the model was unsure and asked which one: the settings are still refused
        said = shop.say(wa_id, settings_button)
    assert refusal in texts(said) and "/affirm" not in buttons(said)
    shop.say(wa_id, "/affirm")
    assert shop_settings.shop_settings(shop.ctx) == before


def test_roman_nepali_sends_the_statement_to_the_party_and_sets_the_reply_language(shop):
    reply_language(shop, "auto")
    wa_id = shop.owner()
    asked = shop.say(wa_id, "Iyer Madam lai statement pathaidinus")
    assert "Iyer Madam" in texts(asked) and buttons(asked) == ["/affirm", "/stop"] and to_others(asked) == []
    [document] = to_others(shop.say(wa_id, "/affirm"))
    assert document["type"] == "document" and document["to"] == PHONES["Iyer Madam"]
    assert "→ Nepali" in texts(shop.say(wa_id, "reply nepali ma dinus"))
    shop.say(wa_id, "/affirm")
    assert shop_settings.shop_settings(shop.ctx).reply_language.value == "ne"
    reply_language(shop, "auto")
