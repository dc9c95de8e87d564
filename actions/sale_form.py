"""Counter sales: "5 kilo chawal becha 200 cash" → confirm → one bill (erp_core.sales.post_sale).

Goods already handed over, at the price in force. An amount in the message is what was paid (cash unless a
payment mode is named); less than the bill leaves the rest in the customer's khata, udhaar leaves all of it.
A customer is asked for only then: a walk-in counter sale has none. More paid than the bill is asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import Item, item_lines, quantity_of, selling_prices
from erp_core import sales
from erp_core.enums import PaymentMode
from erp_core.messages import format_decimal, format_money
from erp_core.permissions import Permission
from erp_core.sales import LineIn

CREDIT = PaymentMode.CREDIT.value
MODES = {mode.value for mode in PaymentMode}


@dataclass(frozen=True)
class Bill:
    """The bill the form would post: its lines as a summary, total, and what is paid now."""

    lines: str
    total: Decimal
    paid: Decimal
    mode: str

    @property
    def due(self) -> Decimal:
        """What goes to the customer's khata."""
        return self.total - self.paid


def paid_now(total: Decimal, amount: str | None, mode: str) -> Decimal:
    """What is paid at the counter: nothing on udhaar, the amount said, else the whole bill.

    >>> paid_now(Decimal(180), None, "cash"), paid_now(Decimal(180), "100", "upi")
    (Decimal('180'), Decimal('100'))
    >>> paid_now(Decimal(180), "50", "credit")
    Decimal('0')
    """
    if mode == CREDIT:
        return Decimal(0)
    return total if amount is None else Decimal(amount)


def payment_of(entities: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The payment mode and the amount paid a message names. With a paying mode beside udhaar ("500 cash baaki
    udhaar") the mode is the paying one and the amount paid the one nearest it; udhaar alone pays nothing.

    >>> def e(kind, value, start): return {"entity": kind, "value": value, "start": start}
    >>> payment_of([e("amount", "200", 13), e("payment_mode", "cash", 17)])
    ('cash', '200')
    >>> payment_of([e("amount", "1200", 40), e("amount", "500", 49), e("payment_mode", "cash", 53),
    ...             e("payment_mode", "credit", 64)])
    ('cash', '500')
    >>> payment_of([e("amount", "500", 4), e("payment_mode", "credit", 20)]), payment_of([])
    (('credit', None), (None, None))
    """
    modes = [e for e in entities if e.get("entity") == "payment_mode" and e.get("value") in MODES]
    amounts = [e for e in entities if e.get("entity") == "amount" and e.get("value")]
    paying = next((e for e in modes if e["value"] != CREDIT), None)
    if paying is None:
        return (CREDIT, None) if modes else (None, str(amounts[0]["value"]) if amounts else None)
    if not amounts:
        return paying["value"], None
    nearest = min(amounts, key=lambda a: abs((a.get("start") or 0) - (paying.get("start") or 0)))
    return paying["value"], str(nearest["value"])


def bill_of(turn: Turn, values: dict[str, Any]) -> Bill:
    """The bill the form's resolved items make at today's prices."""
    lines, total = item_lines(values["form_items"], selling_prices(turn.ctx, values["form_items"]))
    mode = values["form_mode"] or PaymentMode.CASH.value
    return Bill(lines, total, paid_now(total, values["form_amount"], mode), mode)


class ValidateSaleForm(BookForm):
    intent = "record_sale"
    permission = Permission.POST_SALE
    needs = ("form_items", "form_customer")

    def name(self) -> str:
        return "validate_sale_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        mode, paid = payment_of(message.entities)
        if requested == "form_items" and not message.value("product"):
            paid = None  # a bare number answering "how much?" is a quantity
        elif paid is None:
            paid = self.amount(message, requested)
        values["form_amount"] = paid or values["form_amount"]
        values["form_mode"] = mode or values["form_mode"] or PaymentMode.CASH.value

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        if slot == "form_customer":  # optional: `resolve` asks for one when money stays due
            return values["form_customer"] is None or "id" in values["form_customer"]
        return super().filled(values, slot)

    def resolve(self, turn: Turn, values: dict[str, Any], slot: str) -> str | None:
        asked = super().resolve(turn, values, slot)
        if asked or slot != "form_customer" or not self.filled(values, "form_items"):
            return asked
        bill = bill_of(turn, values)
        if bill.paid > bill.total:
            values["form_amount"] = None
            turn.say("utter_sale_overpaid", total=format_money(bill.total), paid=format_money(bill.paid))
            return "form_amount"
        if bill.due > 0 and values["form_customer"] is None:
            turn.say("utter_ask_sale_customer", due=format_money(bill.due))
            return "form_customer"
        return None

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        without = next((item for item in values["form_items"] or [] if not item.get("quantity")), None)
        if without is None:
            turn.say("utter_ask_sale_items")
        elif without.get("product_id"):
            price = selling_prices(turn.ctx, [without])[without["product_id"]]
            turn.say("utter_ask_sale_quantity", product=without["name"], price=format_money(price),
                     unit=without["product_unit"])
        else:
            turn.say("utter_ask_item_quantity", product=without["product"])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        bill = bill_of(turn, values)
        customer = (values["form_customer"] or {}).get("name")
        params = {"lines": bill.lines, "total": format_money(bill.total), "paid": format_money(bill.paid),
                  "mode": bill.mode, "due": format_money(bill.due), "customer": customer}
        if bill.paid == 0:
            confirm(turn, "utter_confirm_sale_credit", **params)
        elif bill.due > 0:
            confirm(turn, "utter_confirm_sale_part", **params)
        else:
            confirm(turn, "utter_confirm_sale_to" if customer else "utter_confirm_sale", **params)

    def new_product_price(self, values: dict[str, Any]) -> str | None:
        """A product first met in a sale of one item with its price paid: that price per unit."""
        items: list[Item] = values["form_items"] or []
        amount = values.get("form_amount")
        if len(items) != 1 or amount is None or not items[0].get("quantity"):
            return None
        return format_decimal((Decimal(amount) / Decimal(items[0]["quantity"])).quantize(Decimal("0.01")))


class ActionRecordSale(SubmitAction):
    def name(self) -> str:
        return "action_record_sale"

    def book(self, turn: Turn, key: str) -> None:
        customer = turn.slot("form_customer")
        mode = turn.slot("form_mode") or PaymentMode.CASH.value
        lines = [LineIn(product_id=item["product_id"], quantity=quantity_of(item)) for item in turn.slot("form_items")]
        amount = turn.slot("form_amount")
        result = sales.post_sale(turn.ctx, lines, party_id=customer["id"] if customer else None, payment_mode=mode,
                                 paid=None if mode == CREDIT or amount is None else amount, idempotency_key=key)
        if customer is None:
            turn.say("utter_sale_recorded", number=result.number, total=format_money(result.total))
        else:
            turn.say("utter_sale_recorded_party", number=result.number, total=format_money(result.total),
                     customer=customer["name"], balance=format_money(result.party_balance or Decimal(0)))
            if "credit_limit_exceeded" in result.warnings:
                turn.say("utter_sale_over_credit_limit", customer=customer["name"],
                         balance=format_money(result.party_balance or Decimal(0)),
                         limit=format_money(result.credit_limit or Decimal(0)))
