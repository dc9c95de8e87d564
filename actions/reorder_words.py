"""A reorder line in the person's language: "🔴 Maggi: 3 din mein khatam, 10 packet mangwaiye (4 bacha) · maal
aane mein 5 din", for the chat's list (actions/stock.py) and the owner's weekly message (bot/notify)."""

from __future__ import annotations

from decimal import Decimal

from actions.phrases import phrase
from erp_core.messages import format_decimal

MARKS = {"urgent": "🔴", "soon": "🟡", "monitor": "🟢"}


def runs_out(days: int | None, language: str) -> str:
    """"3 din mein khatam, " (or "khatam hai, ") before the quantity to order; "" when not within the forecast."""
    if days is None:
        return ""
    return phrase("runs_out_now", language) if days == 0 else phrase("runs_out_in", language, days=days)


def reorder_item(language: str, *, priority: str, name: str, days: int | None, suggested: Decimal, unit: str,
                 available: Decimal, lead_time_days: int | None = None, reorder_point: Decimal | None = None,
                 festival: str | None = None, lift: float = 1.0) -> str:
    """One product's line with why: the supplier's lead time when it runs out first, the reorder point reached,
    a festival that sells more."""
    line = phrase("reorder_line", language, mark=MARKS[priority], name=name, when=runs_out(days, language),
                  suggested=format_decimal(suggested), unit=unit, available=format_decimal(available))
    if priority == "urgent" and days and lead_time_days:
        line += phrase("reorder_why_lead", language, days=lead_time_days)
    elif priority == "soon" and reorder_point is not None and available <= reorder_point:
        line += phrase("reorder_why_point", language, point=format_decimal(reorder_point))
    if festival:
        line += phrase("reorder_why_festival", language, festival=festival, lift=f"{lift:.1f}")
    return line
