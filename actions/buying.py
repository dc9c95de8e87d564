"""The buying side's questions: what the shop owes its suppliers, what is about to expire, and the month's tax.

"Gupta Traders ko kitna dena hai", "kis kis ko paisa dena hai" (payables, aged by the unpaid bills), "60 din
mein kya expire hoga" (batches by expiry), "is mahine kitna GST bharna hai" (output tax, input credit, net).
Payables and tax are for owners and managers: erp_core refuses staff, and the refusal is said in their language.
"""

from __future__ import annotations

import re

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.choices import Choice, offer, payload
from actions.items import first_number
from actions.khata import ranked_dues
from actions.phrases import phrase
from actions.summaries import asked_period
from erp_core import batches, catalog, parties, purchase_reports, tax_due
from erp_core.enums import PartyKind
from erp_core.errors import AmbiguousParty
from erp_core.messages import format_decimal, format_money

EXPIRING_SHOWN = 10
_MONTH_WORDS = re.compile(r"mahin|mahee|month|महीन|महिन|mhina|mahina", re.IGNORECASE)
_WEEK_WORDS = re.compile(r"hafte|hafta|week|हफ़्त|हफ्त|हप्ता|hapta", re.IGNORECASE)


def expiry_window(text: str) -> int:
    """The expiry window asked for, as one of erp_core's (30, 60, 90 days): the smallest that covers it.

    >>> [expiry_window(t) for t in ("kya expire hoga", "60 din mein", "agle 2 mahine", "3 months", "२ हप्ता")]
    [30, 60, 60, 90, 30]
    >>> expiry_window("next 45 days"), expiry_window("200 din")
    (60, 90)
    """
    number = first_number(text)
    if number is None:
        return batches.EXPIRY_WINDOWS[0]
    days = float(number) * (30 if _MONTH_WORDS.search(text) else 7 if _WEEK_WORDS.search(text) else 1)
    return next((window for window in batches.EXPIRY_WINDOWS if days <= window), batches.EXPIRY_WINDOWS[-1])


class ActionCheckPayables(ShopAction):
    def name(self) -> str:
        return "action_check_payables"

    def act(self, turn: Turn) -> list[EventType]:
        name = turn.entity("supplier") or turn.entity("customer")
        supplier_id = None
        if name:
            try:
                supplier_id = parties.resolve_party(turn.ctx, name, PartyKind.SUPPLIER).id
            except AmbiguousParty as error:
                offer(turn, phrase("which_party", turn.language, query=name),
                      [Choice(payload("check_payables", supplier=candidate), candidate)
                       for candidate in error.params["candidates"]], as_list=True)
                return []
        rows = purchase_reports.payables(turn.ctx, supplier_id)
        if supplier_id is not None:
            row = rows[0]
            turn.say("utter_payable_one" if row.owed > 0 else "utter_payable_one_none", supplier=row.name,
                     owed=format_money(row.owed), days_0_30=format_money(row.days_0_30),
                     days_31_60=format_money(row.days_31_60), days_61_90=format_money(row.days_61_90),
                     days_over_90=format_money(row.days_over_90))
            return []
        if not rows:
            turn.say("utter_payables_none")
            return []
        turn.say("utter_payables_list", items=ranked_dues(turn, [(row.name, row.owed, row.days_0_30) for row in rows]),
                 count=len(rows), total=format_money(sum(row.owed for row in rows)))
        return []


class ActionExpiringStock(ShopAction):
    def name(self) -> str:
        return "action_expiring_stock"

    def act(self, turn: Turn) -> list[EventType]:
        days = expiry_window(turn.tracker.latest_message.get("text") or "")
        rows = batches.expiring(turn.ctx, days)
        named = turn.entity("product")
        if named:
            product_id = catalog.resolve_product(turn.ctx, named).id
            rows = [row for row in rows if row.product_id == product_id]
        if not rows:
            turn.say("utter_expiring_none", days=days)
            return []
        lines = [phrase("expired_line" if row.days_left < 0 else "expiring_line", turn.language, name=row.name,
                        batch=row.batch_no, quantity=format_decimal(row.on_hand), date=row.expiry_date.strftime("%d-%m-%Y"),
                        days=abs(row.days_left))
                 for row in rows[:EXPIRING_SHOWN]]
        turn.say("utter_expiring_stock", days=days, items="\n".join(lines), count=len(rows))
        return []


class ActionGstSummary(ShopAction):
    def name(self) -> str:
        return "action_gst_summary"

    def act(self, turn: Turn) -> list[EventType]:
        due = tax_due.tax_due(turn.ctx, previous_month=asked_period(turn, "this_month") == "last_month")
        turn.say("utter_tax_due" if due.payable > 0 else "utter_tax_due_none", tax=due.tax, month=due.month,
                 output=format_money(due.output_tax), credit=format_money(due.input_credit),
                 payable=format_money(due.payable), left=format_money(due.credit_left))
        return []
