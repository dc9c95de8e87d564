"""Sale returns: "Sharma ji ne 1 tel ka dabba wapas kiya" → confirm → one return (erp_core.returns.sale_return).

With a named customer the money is credited to their khata (a button offers cash back instead), against their
latest bill or invoice that sold the goods, so stock comes back at the cost it left with (and an invoice gets a
credit note); without one, cash back at the price in force.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction
from actions.items import item_lines, quantity_of, selling_prices
from actions.phrases import phrase
from erp_core import parties, returns
from erp_core.enums import PartyKind, RefundMode
from erp_core.errors import DomainError
from erp_core.messages import format_money
from erp_core.permissions import Permission
from erp_core.returns import ReturnLineIn

REFUNDS = {"cash": RefundMode.CASH, "upi": RefundMode.UPI, "card": RefundMode.CARD, "bank": RefundMode.BANK,
           "credit": RefundMode.KHATA}
"""The payment_mode entity → how the money goes back ("udhaar"/"khate mein" is the khata)."""


def refund_of(mode: str | None, customer: dict[str, Any] | None) -> RefundMode:
    """How the money goes back: as said, else to a named customer's khata, else cash.

    >>> refund_of(None, {"id": 1}), refund_of(None, None), refund_of("cash", {"id": 1})
    (<RefundMode.KHATA: 'khata'>, <RefundMode.CASH: 'cash'>, <RefundMode.CASH: 'cash'>)
    """
    if mode is not None:
        return RefundMode(mode)
    return RefundMode.KHATA if customer else RefundMode.CASH


def against(document: dict[str, Any] | None, language: str) -> str:
    """What the return is against, in words: a bill, an invoice, or neither (today's price)."""
    if document is None:
        return phrase("return_loose", language)
    return phrase("return_bill" if document["sale_id"] else "return_invoice", language, number=document["number"])


class ValidateSaleReturnForm(BookForm):
    intent = "sale_return"
    permission = Permission.RETURN_GOODS
    needs = ("form_items", "form_customer")

    def name(self) -> str:
        return "validate_sale_return_form"

    def handover(self, turn: Turn, message: Message) -> tuple[str, str] | None:
        """Goods going back to one of the shop's suppliers ("returned 3 kg sugar to Balaji Traders") are a purchase
        return: the shop sends them back, no customer brings them."""
        name = message.value("supplier") or message.value("customer")
        try:
            party = parties.resolve_party(turn.ctx, name) if name else None
        except DomainError:
            return None
        return ("purchase_return", "purchase_return_form") if party and party.kind is PartyKind.SUPPLIER else None

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        mode = message.value("payment_mode")
        if mode in REFUNDS:
            values["form_mode"] = REFUNDS[mode].value

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        if slot == "form_customer":  # optional: a walk-in customer gets cash back
            return values["form_customer"] is None or "id" in values["form_customer"]
        return super().filled(values, slot)

    def resolve(self, turn: Turn, values: dict[str, Any], slot: str) -> str | None:
        asked = super().resolve(turn, values, slot)
        if asked is None and slot == "form_customer" and values["form_customer"] is None \
                and values["form_mode"] == RefundMode.KHATA.value:
            turn.say("utter_ask_return_customer")
            return "form_customer"
        return asked

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        without = next((item for item in values["form_items"] or [] if not item.get("quantity")), None)
        if without is None:
            turn.say("utter_ask_return_items")
        else:
            turn.say("utter_ask_item_quantity", product=without.get("name") or without["product"])
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        items, customer = values["form_items"], values["form_customer"]
        wanted = {item["product_id"]: quantity_of(item) for item in items}
        source = returns.return_source(turn.ctx, customer["id"], wanted) if customer else None
        values["form_document"] = None if source is None else {
            "sale_id": source.sale_id, "invoice_id": source.invoice_id, "number": source.number}
        lines, total = item_lines(items, source.unit_prices if source else selling_prices(turn.ctx, items))
        refund = refund_of(values["form_mode"], customer)
        language = turn.language
        buttons = [{"title": phrase("confirm", language), "payload": "/affirm"}]
        if refund is RefundMode.KHATA:
            response, extra = "utter_confirm_return_khata", {"customer": customer["name"]}
            buttons.append({"title": phrase("cash_back", language), "payload": '/sale_return{"payment_mode": "cash"}'})
        else:
            response, extra = "utter_confirm_return_paid", {"mode": refund.value}
            if customer:
                buttons.append({"title": phrase("to_khata", language),
                                "payload": '/sale_return{"payment_mode": "credit"}'})
        buttons.append({"title": phrase("cancel", language), "payload": "/stop"})
        turn.dispatcher.utter_message(response=response, buttons=buttons, lines=lines, total=format_money(total),
                                      against=against(values["form_document"], language), **extra)


class ActionSaleReturn(SubmitAction):
    def name(self) -> str:
        return "action_sale_return"

    def book(self, turn: Turn, key: str) -> None:
        customer, document = turn.slot("form_customer"), turn.slot("form_document") or {}
        lines = [ReturnLineIn(product_id=item["product_id"], quantity=quantity_of(item))
                 for item in turn.slot("form_items")]
        result = returns.sale_return(turn.ctx, lines, refund_mode=refund_of(turn.slot("form_mode"), customer),
                                     party_id=customer["id"] if customer else None, sale_id=document.get("sale_id"),
                                     invoice_id=document.get("invoice_id"), idempotency_key=key)
        params = {"number": result.number, "total": format_money(result.total)}
        if result.refund_mode is RefundMode.KHATA:
            turn.say("utter_sale_returned_khata", customer=customer["name"],
                     balance=format_money(result.party_balance or Decimal(0)), **params)
        else:
            turn.say("utter_sale_returned_paid", mode=result.refund_mode.value, **params)
