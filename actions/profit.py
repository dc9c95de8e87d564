"""How much the shop made: "pichle mahine ka munafa kitna hua", "is hafte ka profit", "यो महिनाको नाफा".

Sales, cost of goods sold (at the weighted-average cost the goods left with), gross profit and
margin for the period named (this month when none is), from erp_core's sales book. Owners and
managers only: erp_core refuses staff and customers, and the refusal is said in their language.
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


class ActionProfitSummary(ShopAction):
    def name(self) -> str:
        return "action_profit_summary"

    def act(self, turn: Turn) -> list[EventType]:
        name = asked_period(turn, DEFAULT_PERIOD)
        span = shop_period(turn.ctx, name)
        profit = reports.profit_summary(turn.ctx, span.first_day, span.last_day)
        period = period_name(name, turn.language)
        if profit.margin is None:
            turn.say("utter_profit_no_sales", period=period)
            return []
        turn.say("utter_profit_summary", period=period, sales=format_money(profit.sales),
                 tax=format_money(profit.tax), cost=format_money(profit.cost_of_goods),
                 profit=format_money(profit.gross_profit), margin=format_decimal(profit.margin))
        return []
