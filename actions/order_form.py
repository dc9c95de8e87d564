"""Orders in chat: "Sharma ji ko 10 kilo chawal bhejo" → confirm → an order placed (stock reserved).

A cart sent from the shop's WhatsApp catalog (`/catalog_order`, the cart in the channel's metadata)
fills the same form with its items, products found by SKU, and goes through the same confirmation.
"""

from __future__ import annotations

from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import Item, item_lines, quantity_of, selling_prices
from actions.shop import channel_metadata
from erp_core import catalog, orders
from erp_core.messages import format_money
from erp_core.permissions import Permission
from erp_core.sales import LineIn


class ValidateOrderForm(BookForm):
    intent = "create_order"
    permission = Permission.PLACE_ORDER
    needs = ("form_customer", "form_items")
    number_slot = "form_items"

    def name(self) -> str:
        return "validate_order_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        if message.intent == CATALOG_ORDER:
            values["form_items"] = catalog_items(turn) or None
        super().read(turn, values, message, requested)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say("utter_ask_order_customer")
        else:
            ask_items(turn, values)
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        lines, total = item_lines(values["form_items"], selling_prices(turn.ctx, values["form_items"]))
        confirm(turn, "utter_confirm_order", customer=values["form_customer"]["name"], lines=lines,
                total=format_money(total))


CATALOG_ORDER = "catalog_order"


def catalog_items(turn: Turn) -> list[Item]:
    """The items of the cart the person sent from the catalog, each the shop's product with that SKU."""
    order = channel_metadata(turn.tracker).order
    if order is None:
        return []
    products = catalog.products_by_sku(turn.ctx, [item.product_retailer_id for item in order.items])
    return [{"product": product.name, "quantity": str(item.quantity), "unit": product.unit.value,
             "product_id": product.id, "name": product.name, "product_unit": product.unit.value}
            for item, product in zip(order.items, products)]


def ask_items(turn: Turn, values: dict[str, Any]) -> None:
    """Ask how much of the first item without a quantity, or which items at all."""
    without = next((item for item in values["form_items"] or [] if not item.get("quantity")), None)
    if without is not None:
        turn.say("utter_ask_item_quantity", product=without.get("name") or without["product"])
    else:
        turn.say("utter_ask_order_items")


class ActionPlaceOrder(SubmitAction):
    def name(self) -> str:
        return "action_place_order"

    def book(self, turn: Turn, key: str) -> None:
        customer = turn.slot("form_customer")
        lines = [LineIn(product_id=item["product_id"], quantity=quantity_of(item)) for item in turn.slot("form_items")]
        if customer["id"] is None:  # a new number: its khata account opens with its first order
            order = orders.place_own_order(turn.ctx, lines, wa_id=customer["wa_id"], profile_name=customer["name"],
                                           idempotency_key=key)
        else:
            order = orders.place_order(turn.ctx, customer["id"], lines, idempotency_key=key)
        turn.say("utter_order_placed", number=order.number, customer=customer["name"], total=format_money(order.total))
