"""The write-off, count, price and credit-limit forms step by step (no Rasa server), with `FormChat`
playing Rasa's part; the books are read back through erp_core. The same forms through the real servers,
in every language: tests/actions/test_stock_price_conversation.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rasa_sdk.forms import REQUESTED_SLOT
from ruamel.yaml import YAML

from actions import shop as shop_module
from actions.count_form import ActionCountStock, ValidateStockCountForm
from actions.forms import BookForm, SubmitAction
from actions.credit_limit_form import ActionSetCreditLimit, ValidateCreditLimitForm
from actions.price_form import ActionUpdatePrice, ValidatePriceForm
from actions.write_off_form import ActionWriteOff, ValidateWriteOffForm
from erp_core import catalog, inventory, ledger, parties, prices
from erp_core.context import Context
from erp_core.db import Database
from erp_core.messages import format_decimal
from erp_core.enums import PartyKind, Role, StockReason
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant, add_user
from tests.actions.test_forms import FormChat, buttons

ROOT = Path(__file__).resolve().parents[2]
BUSINESS, OWNER, STAFF, CUSTOMER = "5550151", "919800001501", "919800001502", "919800001503"
D = Decimal


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    url = f"sqlite:///{tmp_path_factory.mktemp('stock-forms') / 'erp.db'}"
    db = Database(url)
    db.migrate()
    ctx = Context(db, add_tenant(db, phone_number_id=BUSINESS, name="Stock Kirana").id, Actor.system())
    add_user(ctx, wa_id=OWNER, role=Role.OWNER, name="owner")
    add_user(ctx, wa_id=STAFF, role=Role.STAFF, name="counter")
    sharma = parties.add_party(ctx, kind=PartyKind.CUSTOMER, name="Sharma ji", phone=CUSTOMER)
    add_user(ctx, wa_id=CUSTOMER, role=Role.CUSTOMER, party_id=sharma.id)
    maggi = catalog.add_product(ctx, name="Maggi", unit="packet", selling_price=14, cost_price=12, mrp=15)
    inventory.receive_stock(ctx, maggi.id, 100, 12)
    catalog.add_product(ctx, name="Naya Saabun", unit="packet", selling_price=30, cost_price=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_DATABASE_URL", url)
        shop_module.database.cache_clear()
        yield ctx
        shop_module.database.cache_clear()
    db.dispose()


def chat_with(form: BookForm, submit: SubmitAction, wa_id: str = OWNER) -> FormChat:
    return FormChat(form, submit, wa_id, BUSINESS)


def on_hand(books: Context, name: str) -> Decimal:
    return inventory.stock_of(books, catalog.resolve_product(books, name).id).on_hand


def test_a_write_off_without_a_reason_asks_it_with_a_button_each_then_books_once(books):
    chat = chat_with(ValidateWriteOffForm(), ActionWriteOff())
    said = chat.send("2 maggi gaye", "write_off", product="maggi", quantity="2")
    assert chat.responses() == ["utter_ask_write_off_reason"] and chat.slots[REQUESTED_SLOT] == "form_reason"
    assert said[0]["quantity"] == "2" and said[0]["product"] == "Maggi"
    chat.send('/write_off{"write_off_reason": "expired"}', "write_off", write_off_reason="expired")
    assert chat.responses() == ["utter_confirm_write_off"] and buttons(chat.said) == ["/affirm", "/stop"]
    assert (chat.said[0]["value"], chat.said[0]["cost"], chat.said[0]["reason"]) == ("₹24", "₹12", "expire")
    before = on_hand(books, "Maggi")
    for _ in range(2):  # the confirming message delivered twice
        chat.send("haan", "affirm", message_id="wamid.write-off-yes")
    assert on_hand(books, "Maggi") == before - 2
    [entry] = [m for m in inventory.movements(books, catalog.resolve_product(books, "Maggi").id)
               if m.reason is not None]
    assert entry.reason is StockReason.EXPIRED and entry.on_hand_delta == D(-2)


def test_a_write_off_of_a_product_without_a_cost_says_so_in_words(books):
    chat = chat_with(ValidateWriteOffForm(), ActionWriteOff())
    inventory.receive_stock(books, catalog.resolve_product(books, "Naya Saabun").id, 5)
    chat.send("1 naya saabun kharab", "write_off", product="naya saabun", quantity="1", write_off_reason="damaged")
    assert chat.responses() == ["utter_confirm_write_off_no_cost"]
    assert "cost" not in chat.said[0] and "value" not in chat.said[0]


def test_a_count_shows_the_books_the_count_and_the_difference_and_a_correction_reconfirms(books):
    chat = chat_with(ValidateStockCountForm(), ActionCountStock())
    books_figure = on_hand(books, "Maggi")
    chat.send("maggi ginti 90 packet", "stock_count", product="maggi", quantity="90")
    assert chat.responses() == ["utter_confirm_count"]
    assert (chat.said[0]["books"], chat.said[0]["counted"]) == (format_decimal(books_figure), "90")
    assert chat.said[0]["difference"] == f"−{format_decimal(books_figure - 90)}"
    chat.send("nahi, 91", "deny", quantity="91")
    assert chat.said[0]["counted"] == "91"
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_stock_counted"] and on_hand(books, "Maggi") == D(91)
    chat.send("maggi 91 hai", "stock_count", product="maggi", quantity="91")
    assert chat.responses() == ["utter_confirm_count_same"]
    chat.send("rehne do", "stop")
    assert chat.responses() == ["utter_form_cancelled"] and on_hand(books, "Maggi") == D(91)


def test_a_price_change_shows_old_and_new_and_an_mrp_message_changes_the_mrp(books):
    maggi = catalog.resolve_product(books, "Maggi")
    chat = chat_with(ValidatePriceForm(), ActionUpdatePrice())
    chat.send("maggi ka rate 13", "update_price", product="maggi", amount="13")
    assert chat.responses() == ["utter_confirm_price"] and (chat.said[0]["old"], chat.said[0]["new"]) == ("₹14", "₹13")
    chat.send("haan", "affirm")
    chat.send("maggi ka MRP 16 karo", "update_price", product="maggi", amount="16")
    assert chat.responses() == ["utter_confirm_mrp"] and (chat.said[0]["old"], chat.said[0]["new"]) == ("₹15", "₹16")
    chat.send("haan", "affirm")
    [mrp_change, price_change] = prices.price_history(books, maggi.id)[:2]
    assert (price_change.old_selling_price, price_change.new_selling_price) == (D(14), D(13))
    assert (mrp_change.old_mrp, mrp_change.new_mrp, mrp_change.new_selling_price) == (D(15), D(16), D(13))


def test_staff_may_write_off_but_not_change_a_price_or_a_limit_and_a_customer_may_do_none(books):
    maggi = catalog.resolve_product(books, "Maggi")
    history = len(prices.price_history(books, maggi.id))
    for wa_id, form, submit, text, intent, entities in [
        (STAFF, ValidatePriceForm(), ActionUpdatePrice(), "maggi ka rate 20", "update_price",
         {"product": "maggi", "amount": "20"}),
        (STAFF, ValidateCreditLimitForm(), ActionSetCreditLimit(), "Sharma ji limit 100", "set_credit_limit",
         {"customer": "Sharma ji", "amount": "100"}),
        (CUSTOMER, ValidateWriteOffForm(), ActionWriteOff(), "1 maggi kharab", "write_off",
         {"product": "maggi", "quantity": "1", "write_off_reason": "damaged"}),
        (CUSTOMER, ValidateStockCountForm(), ActionCountStock(), "maggi 5 hai", "stock_count",
         {"product": "maggi", "quantity": "5"}),
    ]:
        chat = chat_with(form, submit, wa_id)
        chat.send(text, intent, **entities)
        assert not chat.active and all(m["response"] is None for m in chat.said), (wa_id, form.name())
        chat.send("haan", "affirm")
    assert len(prices.price_history(books, maggi.id)) == history
    assert ledger.balance(books, parties.resolve_party(books, "Sharma ji").id).credit_limit is None
    staff = chat_with(ValidateWriteOffForm(), ActionWriteOff(), STAFF)
    staff.send("1 maggi kharab", "write_off", product="maggi", quantity="1", write_off_reason="damaged")
    assert staff.responses() == ["utter_confirm_write_off"]


def test_a_credit_limit_asks_the_amount_and_confirms_with_no_limit_yet(books):
    chat = chat_with(ValidateCreditLimitForm(), ActionSetCreditLimit())
    chat.send("Sharma ji ki limit", "set_credit_limit", customer="Sharma ji")
    assert chat.responses() == ["utter_ask_limit_amount"]
    chat.send("5000", "nlu_fallback")
    assert chat.responses() == ["utter_confirm_first_credit_limit"] and chat.said[0]["new"] == "₹5,000"
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_credit_limit_set"]
    assert ledger.balance(books, parties.resolve_party(books, "Sharma ji").id).credit_limit == D(5000)


MODULES = ["write_off_form", "count_form", "price_form", "credit_limit_form"]
OWN_BLOCK = "  # --- selling day: stock and prices"
"""Where this group's responses begin in domain.yml (the shared ones they also say, such as
utter_ask_item_quantity, are checked by test_book_responses.py)."""


@pytest.mark.parametrize("module", MODULES)
def test_every_response_these_forms_say_has_five_languages_with_the_same_values(module):
    domain = (ROOT / "domain.yml").read_text()
    responses = YAML(typ="safe").load(domain)["responses"]
    own = set(re.findall(r"^  (utter_\w+):$", domain[domain.index(OWN_BLOCK):], re.M))
    said = set(re.findall(r'"(utter_[a-z_]+)"', (ROOT / "actions" / f"{module}.py").read_text()))
    assert said - {"utter_ask_item_quantity"} <= own
    said &= own
    for name in said:
        variations = responses[name]
        languages = [c["value"] for v in variations for c in v.get("condition", [])]
        assert sorted(languages) == ["en", "hi", "ne", "ne_roman"], name
        assert [v for v in variations if "condition" not in v] == variations[-1:], f"{name}: Hinglish default last"
        assert len({frozenset(re.findall(r"{(\w+)}", v["text"])) for v in variations}) == 1, name
        assert all(" -." not in v["text"] and ": -" not in v["text"] for v in variations), name
