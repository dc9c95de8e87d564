"""Goods received: "20 kilo cheeni aayi" → confirm → STOCK_IN at the given or the default cost.

Named with a supplier ("Gupta Traders se 50 kilo cheeni aayi 2000 ka") the goods come on the supplier's bill:
the form asks for the bill's amount when none was said, its number (a button when there is none) and whether
it was paid now or is owed, then books a purchase (erp_core.purchases.record_purchase): stock in at landed
cost, the supplier's khata credited, the input tax credit recorded, anything paid now settled at once.
"""

from __future__ import annotations

import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import Item, item_lines, quantity_of
from actions.order_form import ask_items
from actions.phrases import phrase
from erp_core import catalog, inventory, purchases
from erp_core.enums import PartyKind, PaymentMode
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission
from erp_core.purchases import PurchaseLineIn

BILL = "form_document"
"""The supplier's bill: {"number": "4512" or None when it has none, "per_unit": the amount is a rate}."""
_BILL_NUMBER = re.compile(r"(?:bill|बिल|invoice)\s*(?:no\.?|number|nambar|नं\.?|नंबर|नम्बर|#)?\s*[:#-]?\s*"
                          r"(?P<number>[A-Za-z0-9/-]*\d[A-Za-z0-9/-]*)", re.IGNORECASE)
_RATE_WORDS = re.compile(r"bhav|bhaav|rate|ke hisaab|\bper\b|prati|/\s*(?:kg|kilo|pc|packet)|each|\bdar\b|भाव|रेट|दर|"
                         r"प्रति|हिसाब", re.IGNORECASE)
_PAISA = Decimal("0.01")
_SENT_BACK = re.compile(r"\bback to\b|\b(?:sent|gave|give|given|handed) back\b|\breturned\b|\breturn (?:to|kiy|kar)|"
                        r"wapas (?:bhej|kiy|kar|de)|vapas (?:bhej|kiy|kar|de)|\blauta|phirta|वापस (?:भेज|किय|कर|दे)|लौटा|"
                        r"फिर्ता", re.IGNORECASE)
"""Goods going back, not coming in: "sent 3 kg sugar back to Balaji Traders", "Gupta ko 2 bori wapas bheji"."""


def bill_number(text: str) -> str | None:
    """The supplier's bill number as written in `text` ("bill no. 4512", "bill A-77").

    >>> bill_number("Gupta se 5 bori aayi, bill no. 4512"), bill_number("बिल नंबर GT/889 है"), bill_number("bill")
    ('4512', 'GT/889', None)
    """
    match = _BILL_NUMBER.search(text)
    return match["number"] if match else None


def unit_prices(items: list[Item], amount: Decimal, per_unit: bool, costs: dict[int, Decimal]) -> dict[int, Decimal]:
    """The price per unit (tax included) of each item: the rate said, or the bill's amount shared out by the
    items' usual cost (by quantity when none has one).

    >>> items = [{"product_id": 1, "quantity": "10", "product_unit": "kg"}, {"product_id": 2, "quantity": "5",
    ...          "product_unit": "kg"}]
    >>> unit_prices(items, Decimal(600), False, {1: Decimal(40), 2: Decimal(40)})
    {1: Decimal('40.00'), 2: Decimal('40.00')}
    >>> unit_prices(items, Decimal(45), True, {})
    {1: Decimal('45.00'), 2: Decimal('45.00')}
    """
    if per_unit:
        return {item["product_id"]: amount.quantize(_PAISA) for item in items}
    weights = {item["product_id"]: quantity_of(item) * costs.get(item["product_id"], Decimal(0)) for item in items}
    if not any(weights.values()):
        weights = {item["product_id"]: quantity_of(item) for item in items}
    whole = sum(weights.values())
    return {item["product_id"]: (amount * weights[item["product_id"]] / whole / quantity_of(item))
            .quantize(_PAISA, ROUND_HALF_UP) for item in items}


class ValidateStockForm(BookForm):
    intent = "add_stock"
    permission = Permission.MOVE_STOCK
    needs = ("form_items", "form_customer", "form_amount", BILL, "form_mode")
    number_slot = "form_items"
    text_slots = frozenset({BILL})

    def name(self) -> str:
        return "validate_stock_form"

    def party_kind(self) -> PartyKind | None:
        return PartyKind.SUPPLIER

    def handover(self, turn: Turn, message: Message) -> tuple[str, str] | None:
        """Goods named with a supplier and going back to them are a purchase return, not stock coming in."""
        if message.value("supplier") and _SENT_BACK.search(message.text):
            return "purchase_return", "purchase_return_form"
        return super().handover(turn, message)

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        cost = self.amount(message, requested) if requested == "form_amount" else message.value("amount")
        bill = dict(values[BILL] or {})
        if cost is not None:
            values["form_amount"] = cost
            bill["per_unit"] = bool(_RATE_WORDS.search(message.text)) and requested != "form_amount"
        number = bill_number(message.text)
        if number == message.value("amount"):
            number = None  # "bill 450 ka": the bill's amount, not its number
        if requested == BILL and message.intent == "deny" and not any(c.isdigit() for c in message.text):
            bill["number"] = None  # "no number" (the button, "nahi hai"): one is made when the bill is booked
        elif requested == BILL and number is None and not message.is_payload and not message.entities:
            text = message.text.strip()
            number = text[:30] if any(c.isdigit() for c in text) and len(text.split()) <= 2 else None
        if number:
            bill["number"] = number
        values[BILL] = bill or None
        mode = message.value("payment_mode")
        if mode in {m.value for m in PaymentMode}:
            values["form_mode"] = mode

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        """Without a supplier the goods come in on their own: only the items are needed."""
        on_a_bill = bool(values["form_customer"])
        if slot == "form_customer":
            return not on_a_bill or "id" in values["form_customer"]
        if slot == BILL:
            return not on_a_bill or "number" in (values[BILL] or {})
        if slot in ("form_amount", "form_mode"):
            return not on_a_bill or values[slot] is not None
        return super().filled(values, slot)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        supplier = (values["form_customer"] or {}).get("name")
        if slot == "form_amount":
            turn.say("utter_ask_purchase_amount", supplier=supplier)
        elif slot == BILL:
            turn.dispatcher.utter_message(response="utter_ask_purchase_bill_number", supplier=supplier, buttons=[
                {"title": phrase("no_bill_number", turn.language), "payload": "/deny"}])
        elif slot == "form_mode":
            turn.dispatcher.utter_message(response="utter_ask_purchase_paid", supplier=supplier, buttons=[
                {"title": phrase(f"paid_{mode}", turn.language), "payload": f'/add_stock{{"payment_mode": "{mode}"}}'}
                for mode in ("cash", "upi", "bank", "credit")])
        elif values["form_items"]:
            ask_items(turn, values)
        else:
            turn.say("utter_ask_stock_items")
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        """The goods and their cost; without one, say the product's saved cost will be used. On a supplier's
        bill: the bill, its lines at the prices it gives, and how it was paid."""
        if values.get("form_customer"):
            prices = self.bill_prices(turn, values)
            lines, total = item_lines(values["form_items"], prices)
            number = values[BILL].get("number") or phrase("no_number", turn.language)
            confirm(turn, "utter_confirm_purchase", supplier=values["form_customer"]["name"], number=number,
                    lines=lines, total=format_money(total), paid=phrase(f"paid_{values['form_mode']}", turn.language))
            return
        lines, _ = item_lines(values["form_items"])
        cost = values["form_amount"]
        if cost is None:
            confirm(turn, "utter_confirm_stock_usual_cost", lines=lines)
        else:
            confirm(turn, "utter_confirm_stock", lines=lines, cost=format_money(Decimal(cost)))

    @staticmethod
    def bill_prices(turn: Turn, values: dict[str, Any]) -> dict[int, Decimal]:
        items = values["form_items"]
        ids = [item["product_id"] for item in items]
        costs = {p.id: p.cost_price for p in catalog.list_products(turn.ctx, ids=ids, limit=len(ids))}
        return unit_prices(items, Decimal(values["form_amount"]), bool(values[BILL].get("per_unit")), costs)

    def new_product_price(self, values: dict[str, Any]) -> str | None:
        return values.get("form_amount")


class ActionAddStock(SubmitAction):
    def name(self) -> str:
        return "action_add_stock"

    def book(self, turn: Turn, key: str) -> None:
        if turn.slot("form_customer"):
            self.book_bill(turn, key)
            return
        cost = turn.slot("form_amount")
        for number, item in enumerate(turn.slot("form_items")):
            result = inventory.receive_stock(turn.ctx, item["product_id"], quantity_of(item), cost,
                                             note="whatsapp", idempotency_key=f"{key}:{number}")
            turn.say("utter_stock_added", product=item["name"], quantity=format_decimal(quantity_of(item)),
                     unit=item["product_unit"], stock=format_decimal(result.stock.on_hand))

    @staticmethod
    def book_bill(turn: Turn, key: str) -> None:
        """The supplier's bill: a bill without a number gets one made from the confirming message."""
        supplier, bill, items = turn.slot("form_customer"), turn.slot(BILL), turn.slot("form_items")
        values = {"form_items": items, "form_amount": turn.slot("form_amount"), BILL: bill}
        prices = ValidateStockForm.bill_prices(turn, values)
        number = bill.get("number") or "WA-" + hashlib.sha256(key.encode()).hexdigest()[:8]
        view = purchases.record_purchase(
            turn.ctx, supplier["id"], [PurchaseLineIn(product_id=item["product_id"], quantity=quantity_of(item),
                                                      unit_price=prices[item["product_id"]]) for item in items],
            bill_number=number, prices_include_tax=True, payment_mode=turn.slot("form_mode"), idempotency_key=key)
        turn.say("utter_purchase_recorded_credit" if view.paid == 0 else "utter_purchase_recorded_paid",
                 supplier=supplier["name"], number=view.bill_number, total=format_money(view.total),
                 paid=format_money(view.paid), tax=format_money(view.cgst + view.sgst + view.igst + view.cess + view.vat))
        if turn.ctx.actor.can(Permission.VIEW_PAYABLES):  # staff book bills but do not see what is owed
            turn.say("utter_supplier_owed", supplier=supplier["name"], owed=format_money(view.owed))
