"""Stock questions: "kitna stock hai Maggi ka?", "चावल कितना बचा है?", "चामल कति बाँकी छ?", what is low, what to reorder."""

from __future__ import annotations

import re
from decimal import Decimal

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.choices import Choice, offer, payload
from actions.phrases import phrase
from actions.reorder_words import reorder_item
from erp_core import catalog, inventory, reorder
from erp_core.catalog import ProductRef
from erp_core.errors import AmbiguousProduct, UnknownProduct
from erp_core.messages import format_decimal
from erp_core.permissions import Permission


def named_product(turn: Turn, intent: str) -> ProductRef | None:
    """The product the message names; None once the person was asked which (no name, or several match: a list
    whose rows ask `intent` again about one). `UnknownProduct` for a name the catalog does not know."""
    product_name = turn.entity("product")
    if not product_name:
        turn.say("utter_ask_product")
        return None
    try:
        return catalog.resolve_product(turn.ctx, product_name)
    except AmbiguousProduct as error:
        offer(turn, phrase("which_product", turn.language, query=product_name),
              [Choice(payload(intent, product=name), name) for name in error.params["candidates"]], as_list=True)
        return None


class ActionCheckStock(ShopAction):
    def name(self) -> str:
        return "action_check_stock"

    def act(self, turn: Turn) -> list[EventType]:
        product_name = turn.entity("product")
        try:
            product = named_product(turn, "check_stock")
        except UnknownProduct:
            if not turn.ctx.actor.can(Permission.MANAGE_CATALOG):
                raise
            offer(turn, phrase("offer_new_product", turn.language, query=product_name), [
                Choice(payload("add_product", product=product_name), phrase("add_it", turn.language)),
                Choice("/deny", phrase("no", turn.language)),
            ])
            return []
        if product is None:
            return []
        stock = inventory.stock_of(turn.ctx, product.id)
        turn.say("utter_stock_level", product=stock.name, quantity=format_decimal(stock.available),
                 unit=stock.unit.value)
        return []


class ActionLowStock(ShopAction):
    def name(self) -> str:
        return "action_low_stock"

    def act(self, turn: Turn) -> list[EventType]:
        levels = inventory.low_stock(turn.ctx)
        if not levels:
            turn.say("utter_low_stock_none")
            return []
        items = "\n".join(phrase("low_line", turn.language, name=level.name, available=format_decimal(level.available),
                                 unit=level.unit.value, reorder=format_decimal(level.reorder_point))
                          for level in levels)
        turn.say("utter_low_stock", items=items, count=len(levels))
        return []


class ActionReorderSuggestions(ShopAction):
    def name(self) -> str:
        return "action_reorder_suggestions"

    def act(self, turn: Turn) -> list[EventType]:
        lines = reorder.reorder_suggestions(turn.ctx)
        if not lines:
            turn.say("utter_low_stock_none")
            return []
        items = "\n".join(reorder_item(
            turn.language, priority=line.priority, name=line.name, days=line.days_to_stockout,
            suggested=line.suggested, unit=line.unit.value, available=line.available,
            lead_time_days=line.lead_time_days, reorder_point=line.reorder_point, festival=line.festival,
            lift=line.festival_lift) for line in lines)
        turn.say("utter_reorder_suggestions", items=items)
        return []


_MONTH = re.compile(r"mahin|month|महीन|महिन|महिना|mahina", re.IGNORECASE)
_TOMORROW = re.compile(r"\bkal\b|tomorrow|कल|भोलि|bholi", re.IGNORECASE)


def forecast_days(text: str) -> int:
    """How far ahead a question about sales looks: a month, tomorrow, else a week."""
    return 30 if _MONTH.search(text) else 1 if _TOMORROW.search(text) else 7


class ActionDemandForecast(ShopAction):
    """"agle hafte kitni maggi bikegi": the product's expected sales, its range, and how long the stock lasts."""

    def name(self) -> str:
        return "action_demand_forecast"

    def act(self, turn: Turn) -> list[EventType]:
        product = named_product(turn, "demand_forecast")
        if product is None:
            return []
        expected = reorder.product_forecast(turn.ctx, product.id, forecast_days(turn.tracker.latest_message.get(
            "text") or ""))
        lasts = (phrase("lasts_days", turn.language, days=expected.days_to_stockout)
                 if expected.days_to_stockout is not None else phrase("lasts_long", turn.language))
        festival = phrase("festival_ahead", turn.language, festival=expected.festival) if expected.festival else ""
        turn.say("utter_demand_forecast", product=expected.name, days=str(expected.days), unit=expected.unit.value,
                 expected=format_decimal(expected.expected.quantize(Decimal(1))),
                 lower=format_decimal(expected.lower.quantize(Decimal(1))),
                 upper=format_decimal(expected.upper.quantize(Decimal(1))),
                 available=format_decimal(expected.available), lasts=lasts, festival=festival)
        return []
