"""The sale and sale-return forms step by step with rasa_sdk Trackers (no Rasa server): what each asks, in
which order, and what it books (`FormChat` plays Rasa's part, as in test_forms.py)."""

from __future__ import annotations

from decimal import Decimal

from rasa_sdk.forms import REQUESTED_SLOT

from actions.sale_form import ActionRecordSale, ValidateSaleForm
from actions.sale_return_form import ActionSaleReturn, ValidateSaleReturnForm
from erp_core import catalog, ledger, parties, sales
from erp_core.enums import RefundMode
from erp_core.sales import LineIn
from tests.actions.test_forms import FormChat, books, buttons  # noqa: F401 (books: the shop fixture)


def last_bill(ctx) -> sales.SaleView:
    return sales.list_sales(ctx, limit=1000)[-1]


def test_part_payment_asks_whose_khata_then_books_the_rest_there(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat = FormChat(ValidateSaleForm(), ActionRecordSale())
    chat.send("5 kilo chawal becha 200 cash", "record_sale", quantity="5", unit="kg", product="chawal",
              amount="200", payment_mode="cash")
    assert chat.responses() == ["utter_ask_sale_customer"] and chat.said[0]["due"] == "₹50"
    said = chat.send("Sharma ji", "nlu_fallback", customer="Sharma")
    assert chat.responses() == ["utter_confirm_sale_part"] and buttons(said) == ["/affirm", "/stop"]
    assert (said[0]["total"], said[0]["paid"], said[0]["due"]) == ("₹250", "₹200", "₹50")
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_sale_recorded_party"]
    bill = last_bill(books)
    assert (bill.party_id, bill.total, bill.paid, bill.due) == (sharma, Decimal(250), Decimal(200), Decimal(50))
    assert ledger.balance(books, sharma).balance == before + 50


def test_an_amount_without_a_quantity_asks_it_and_more_paid_than_the_bill_is_asked_again(books):
    chat = FormChat(ValidateSaleForm(), ActionRecordSale())
    chat.send("200 ka chawal becha", "record_sale", amount="200", product="chawal")
    assert chat.responses() == ["utter_ask_sale_quantity"] and chat.said[0]["price"] == "₹50"
    chat.send("2", "nlu_fallback", amount="2")
    assert chat.responses() == ["utter_sale_overpaid"] and chat.slots[REQUESTED_SLOT] == "form_amount"
    assert (chat.said[0]["total"], chat.said[0]["paid"]) == ("₹100", "₹200")
    chat.send("100", "nlu_fallback", amount="100")
    assert chat.responses() == ["utter_confirm_sale"]
    chat.send("haan", "affirm")
    bill = last_bill(books)
    assert (bill.party_id, bill.total, bill.paid, bill.payment_mode.value) == (None, Decimal(100), Decimal(100),
                                                                                "cash")


def test_udhaar_to_a_customer_books_all_of_it_to_the_khata(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    before = ledger.balance(books, sharma).balance
    chat = FormChat(ValidateSaleForm(), ActionRecordSale())
    chat.send("Sharma ji ko 1 kilo chawal udhaar", "record_sale", customer="Sharma", quantity="1", unit="kg",
              product="chawal", payment_mode="credit")
    assert chat.responses() == ["utter_confirm_sale_credit"]
    chat.send("haan", "affirm")
    assert ledger.balance(books, sharma).balance == before + 50 and last_bill(books).paid == 0


def test_a_customer_is_refused_a_sale_and_nothing_is_asked(books):
    before = len(sales.list_sales(books, limit=1000))
    chat = FormChat(ValidateSaleForm(), ActionRecordSale(), wa_id="919800000002")
    said = chat.send("1 kilo chawal becha", "record_sale", quantity="1", unit="kg", product="chawal")
    assert [m["text"] for m in said] == ["Maaf kijiye, aapko iski permission nahi hai."]
    assert len(sales.list_sales(books, limit=1000)) == before


def test_a_return_goes_against_the_customers_bill_to_the_khata_or_as_cash_on_a_tap(books):
    sharma = parties.resolve_party(books, "Sharma ji").id
    rice = catalog.resolve_product(books, "chawal").id
    bill = sales.post_sale(books, [LineIn(product_id=rice, quantity=Decimal(4))], party_id=sharma,
                           payment_mode="credit")
    chat = FormChat(ValidateSaleReturnForm(), ActionSaleReturn())
    said = chat.send("Sharma ji ne 1 kilo chawal wapas kiya", "sale_return", customer="Sharma", quantity="1",
                     unit="kg", product="chawal")
    assert chat.responses() == ["utter_confirm_return_khata"] and f"#{bill.number}" in said[0]["against"]
    assert buttons(said) == ["/affirm", '/sale_return{"payment_mode": "cash"}', "/stop"]
    assert chat.slots["form_document"]["sale_id"] == bill.sale_id
    said = chat.send("cash", "sale_return", payment_mode="cash")
    assert chat.responses() == ["utter_confirm_return_paid"] and said[0]["mode"] == "cash"
    before = ledger.balance(books, sharma).balance
    chat.send("haan", "affirm")
    assert chat.responses() == ["utter_sale_returned_paid"]
    assert ledger.balance(books, sharma).balance == before  # credited for the goods, and paid back in cash
    [line] = sales.sale_details(books, bill.sale_id).lines
    assert line.quantity == 4  # the bill is as it was; the return is its own document


def test_a_walk_in_return_without_a_customer_is_cash_back_and_khata_asks_whose(books):
    chat = FormChat(ValidateSaleReturnForm(), ActionSaleReturn())
    said = chat.send("1 kilo chawal wapas aaya", "sale_return", quantity="1", unit="kg", product="chawal")
    assert chat.responses() == ["utter_confirm_return_paid"] and said[0]["total"] == "₹50"
    assert buttons(said) == ["/affirm", "/stop"] and chat.slots["form_document"] is None
    chat.send("khate mein", "sale_return", payment_mode="credit")
    assert chat.responses() == ["utter_ask_return_customer"]
    said = chat.send("Sharma ji", "nlu_fallback", customer="Sharma")
    assert chat.responses() == ["utter_confirm_return_khata"]
    assert chat.slots["form_mode"] == RefundMode.KHATA.value
