"""How the shop did: "aaj ki bikri kitni hui?", "कल की बिक्री कितनी थी?", "is mahine ka kharcha?".

The `period` entity (today, yesterday, this_week, last_week, this_month, last_month) is read in the
shop's own time zone; without one the answer is for today.
"""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.phrases import period_name, phrase
from erp_core import expenses, reports
from erp_core.messages import format_money
from erp_core.periods import PERIODS, shop_period

DEFAULT_PERIOD = "today"


def asked_period(turn: Turn, default: str = DEFAULT_PERIOD) -> str:
    """The period the latest message names (its `period` entity), else `default`."""
    value = turn.entity("period")
    return value if value in PERIODS else default


class ActionSalesSummary(ShopAction):
    def name(self) -> str:
        return "action_sales_summary"

    def act(self, turn: Turn) -> list[EventType]:
        name = asked_period(turn)
        span = shop_period(turn.ctx, name)
        summary = reports.sales_summary(turn.ctx, span.start, span.end)
        turn.say("utter_sales_summary", period=period_name(name, turn.language), total=format_money(summary.total),
                 bills=summary.bills, paid=format_money(summary.paid), due=format_money(summary.due))
        if summary.profit is not None and summary.bills:
            turn.say("utter_sales_profit", profit=format_money(summary.profit))
        return []


class ActionExpenseSummary(ShopAction):
    def name(self) -> str:
        return "action_expense_summary"

    def act(self, turn: Turn) -> list[EventType]:
        name = asked_period(turn)
        span = shop_period(turn.ctx, name)
        summary = expenses.expense_summary(turn.ctx, span.first_day, span.last_day)
        if not summary.by_category:
            turn.say("utter_no_expenses", period=period_name(name, turn.language))
            return []
        items = "\n".join(phrase("expense_line", turn.language, category=row.category, amount=format_money(row.amount))
                          for row in summary.by_category)
        turn.say("utter_expense_summary", period=period_name(name, turn.language), total=format_money(summary.total),
                 items=items)
        return []
