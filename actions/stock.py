"""Stock questions: "kitna stock hai Maggi ka?", "चावल कितना बचा है?", "चामल कति बाँकी छ?"."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from erp_core import catalog, inventory
from erp_core.messages import format_decimal


class ActionCheckStock(ShopAction):
    def name(self) -> str:
        return "action_check_stock"

    def act(self, turn: Turn) -> list[EventType]:
        product_name = turn.entity("product")
        if not product_name:
            turn.say("utter_ask_product")
            return []
        product = catalog.resolve_product(turn.ctx, product_name)
        stock = inventory.stock_of(turn.ctx, product.id)
        turn.say("utter_stock_level", product=stock.name, quantity=format_decimal(stock.available),
                 unit=stock.unit.value)
        return []
