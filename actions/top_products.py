"""What sells and what does not: "is hafte sabse zyada kya bika", "sabse kam kya bikta hai".

The best and the slowest sellers of the period named (this month when none is), by quantity and
by value, from erp_core's sales book; the slowest include what was in stock and did not sell.
"""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.phrases import period_name
from actions.summaries import asked_period
from erp_core import reports
from erp_core.messages import format_decimal, format_money
from erp_core.periods import shop_period

DEFAULT_PERIOD = "this_month"


def product_lines(rows: list[reports.ProductSales]) -> str:
    """One numbered line a product: "1. Maggi: 30 · ₹420"."""
    return "\n".join(f"{rank}. {row.name}: {format_decimal(row.quantity)} · {format_money(row.value)}"
                     for rank, row in enumerate(rows, 1))


class ActionTopProducts(ShopAction):
    def name(self) -> str:
        return "action_top_products"

    def act(self, turn: Turn) -> list[EventType]:
        name = asked_period(turn, DEFAULT_PERIOD)
        span = shop_period(turn.ctx, name)
        top = reports.top_products(turn.ctx, span.first_day, span.last_day)
        period = period_name(name, turn.language)
        if not top.best_by_quantity:
            turn.say("utter_no_sales_in_period", period=period)
            return []
        turn.say("utter_top_products", period=period, best_quantity=product_lines(top.best_by_quantity),
                 best_value=product_lines(top.best_by_value), slow_quantity=product_lines(top.slowest_by_quantity),
                 slow_value=product_lines(top.slowest_by_value))
        return []
