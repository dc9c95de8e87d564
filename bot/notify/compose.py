"""A notice as WhatsApp messages in the recipient's language: the domain response's variation, filled with the
notice's facts (amounts in rupees, the owner's summary with its chart), or, outside WhatsApp's 24-hour window, the
approved template with the same facts (connectors/templates.py). A reminder with a UPI link comes with the
link's QR code, the closing with its chart. A customer never asked whether they want such
messages gets the question after the first one (`utter_notice_consent_ask`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from actions.phrases import phrase
from actions.reorder_words import reorder_item
from actions.responses import variation
from connectors import outbound, templates
from connectors.outbound import Outgoing
from erp_core import sales_chart, upi
from erp_core.enums import NoticeKind
from erp_core.messages import format_money
from erp_core.notices import NoticeView

RECEIPTS = {NoticeKind.PAYMENT_RECEIPT: "utter_notice_payment_receipt",
            NoticeKind.CREDIT_RECEIPT: "utter_notice_credit_receipt"}
ORDER_RESPONSES = {"accepted": "utter_customer_order_accepted", "packed": "utter_customer_order_packed",
                   "dispatched": "utter_customer_order_dispatched", "delivered": "utter_customer_order_delivered",
                   "completed": "utter_customer_order_completed", "rejected": "utter_customer_order_rejected"}
"""What the customer is told when their order moves to each step."""
ORDER_STEPS = {
    "accepted": {"hinglish": "accept ho gaya", "hi": "स्वीकार हो गया", "en": "accepted"},
    "packed": {"hinglish": "pack ho gaya", "hi": "पैक हो गया", "en": "packed"},
    "dispatched": {"hinglish": "bhej diya gaya", "hi": "भेज दिया गया", "en": "on its way"},
    "delivered": {"hinglish": "pahunch gaya", "hi": "पहुँच गया", "en": "delivered"},
    "completed": {"hinglish": "poora hua", "hi": "पूरा हुआ", "en": "complete"},
    "rejected": {"hinglish": "nahi ho payega", "hi": "नहीं हो पाएगा", "en": "declined"},
}
"""An order's step as the `order_update` template's third parameter, per template language."""
NOTHING = "—"
TEMPLATE_ITEMS = 5
"""Products the weekly list's template names (a template parameter is one line)."""
AT_THE_SHOP = {"hinglish": "dukaan par", "hi": "दुकान पर", "en": "at the shop"}
"""The reminder template's link when the shop has no UPI id: pay at the shop."""


@dataclass(frozen=True)
class Composed:
    """What goes for one notice, and its words as the person reads them (for logs and `bot notify --dry-run`)."""

    outgoing: list[Outgoing]
    text: str
    as_template: bool


def _money(value: str) -> str:
    return format_money(Decimal(value))


def _day(value: str) -> str:
    return f"{date.fromisoformat(value):%d %b}"


def facts(notice: NoticeView, shop: str) -> tuple[str, dict[str, Any], str, dict[str, str]]:
    """(domain response, its values, template name, the template's values) for a notice."""
    p = notice.params
    if notice.kind is NoticeKind.REMINDER:
        values = {"customer": p["name"], "shop": p["shop"], "amount": _money(p["amount"]), "days": p["days"],
                  "link": p.get("link") or ""}
        response = "utter_notice_reminder" if values["link"] else "utter_notice_reminder_no_link"
        return response, values, "payment_reminder", values
    if notice.kind in (NoticeKind.PAYMENT_RECEIPT, NoticeKind.CREDIT_RECEIPT):
        values = {"shop": p["shop"], "amount": _money(p["amount"]), "balance": _money(p["balance"])}
        return RECEIPTS[notice.kind], values, notice.kind.value, values
    if notice.kind is NoticeKind.ORDER_UPDATE:
        values = {"shop": p["shop"], "number": p["number"]}
        return (ORDER_RESPONSES[p["status"]], values, "order_update",
                {"shop": p["shop"], "order": str(p["number"]), "status": p["status"]})
    if notice.kind is NoticeKind.LOW_STOCK:
        values = {"product": p["product"], "left": f"{p['left']} {p['unit']}", "reorder": f"{p['reorder']} {p['unit']}"}
        return "utter_notice_low_stock", values, "low_stock_alert", values
    if notice.kind is NoticeKind.PAYMENT_RECEIVED:
        values = {"customer": p["name"], "amount": _money(p["amount"]), "mode": p["mode"],
                  "balance": _money(p["balance"])}
        return "utter_notice_payment_received", values, "payment_received_alert", values
    if notice.kind is NoticeKind.DAILY_SUMMARY:
        money = {name: _money(p[name]) for name in ("sales", "cash_sales", "digital_sales", "credit_sales",
                                                   "collections", "expenses", "cash")}
        values = {"day": _day(p["day"]), "bills": p["bills"], **money, "new_dues": money["credit_sales"], "top": ", ".join(p["top"]) or NOTHING,
                  "low": ", ".join(p["low"]) or NOTHING}
        return ("utter_notice_daily_summary", values, "daily_summary",
                {"shop": shop, "day": values["day"], "sales": money["sales"], "collections": money["collections"],
                 "expenses": money["expenses"], "cash": money["cash"]})
    if notice.kind is NoticeKind.REORDER_PLAN:
        values = {"count": p["count"], "urgent": p["urgent"], "items": p["items"],
                  "more": p["count"] - len(p["items"])}
        first = [f"{item['name']} {item['suggested']} {item['unit']}" for item in p["items"][:TEMPLATE_ITEMS]]
        return ("utter_notice_reorder_plan", values, "reorder_plan",
                {"shop": shop, "count": str(p["count"]), "urgent": str(p["urgent"]), "items": ", ".join(first)})
    raise ValueError(f"no words for a {notice.kind} notice")


def reorder_items(values: dict[str, Any], language: str) -> dict[str, Any]:
    """The weekly list's values with its lines in `language` (each with why), and how many more there are."""
    lines = "\n".join(reorder_item(
        language, priority=item["priority"], name=item["name"], days=item["days"], suggested=Decimal(item["suggested"]),
        unit=item["unit"], available=Decimal(item["available"]), lead_time_days=item["lead_time_days"],
        reorder_point=Decimal(item["reorder_point"]), festival=item["festival"], lift=float(item["lift"]))
        for item in values["items"])
    more = phrase("reorder_more", language, count=values["more"]) if values["more"] > 0 else ""
    return {**values, "items": lines, "more": more}


def _said(response: dict[str, Any]) -> str:
    titles = [button["title"] for button in response.get("buttons") or []]
    return response.get("text", "") + (f"  [{' | '.join(titles)}]" if titles else "")


class Composer:
    """Turns notices into messages with the domain's responses; images (charts, QR codes) are written under
    `files`."""

    def __init__(self, domain: dict[str, Any], files: Path) -> None:
        self.domain, self.files = domain, files

    def response(self, name: str, language: str, values: dict[str, Any]) -> dict[str, Any]:
        """A domain response's variation for `language`, filled."""
        chosen = variation(self.domain, name, language)
        return {**chosen, "text": chosen["text"].format(**values)}

    def compose(self, notice: NoticeView, language: str, shop: str, *, template: bool, ask: bool,
                tenant_id: int = 0, draw: bool = True) -> Composed:
        """The messages for `notice` to someone reading `language` (`draw`: the summary's chart too; without it,
        only the words, for a dry run)."""
        response, values, template_name, template_values = facts(notice, shop)
        if template:
            if template_name == "order_update":
                steps = ORDER_STEPS[template_values["status"]]
                template_values = {**template_values, "status": steps.get(language, steps["en"])}
            if template_name == "payment_reminder" and not template_values["link"]:
                template_values = {**template_values, "link": AT_THE_SHOP.get(language, AT_THE_SHOP["en"])}
            name, code = templates.approved_name(template_name, language)
            text = templates.text_of(template_name, language, template_values)
            titles = [title for title, _ in templates.buttons_of(template_name, language)]
            message = outbound.template_message(name, code, templates.components(template_name, template_values))
            return Composed([message], text + (f"  [{' | '.join(titles)}]" if titles else ""), True)
        if notice.kind is NoticeKind.REORDER_PLAN:
            values = reorder_items(values, language)
        said = [self.response(response, language, values)]
        if notice.kind is NoticeKind.REMINDER and values["link"]:
            said.append({"image": str(self.qr(values["link"])) if draw else "", "text": f"UPI · {values['amount']}"})
        if notice.kind is NoticeKind.DAILY_SUMMARY:
            said.append({"image": str(self.chart(notice, tenant_id)) if draw else "",
                         "text": self.response("utter_notice_sales_chart", language, {})["text"]})
        if ask:
            said.append(self.response("utter_notice_consent_ask", language, {"shop": shop}))
        outgoing: list[Outgoing] = []
        for part in said:
            if part.get("image"):
                outgoing.append(outbound.media_message("image", part["image"], caption=part["text"]))
            else:
                outgoing += outbound.render(part)
        return Composed(outgoing, "\n".join(_said(part) if "image" not in part else f"[🖼 {part['text']}]"
                                            for part in said), False)

    def qr(self, link: str) -> Path:
        """The QR code of a UPI link as a PNG file (named by the link: one file however often it goes)."""
        path = self.files / f"upi-{hashlib.sha256(link.encode()).hexdigest()[:16]}.png"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(upi.qr_png(link))
        return path

    def chart(self, notice: NoticeView, tenant_id: int) -> Path:
        """The summary's chart as a PNG file (written once a notice)."""
        path = self.files / str(tenant_id) / f"sales-{notice.id}.png"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            days = [(date.fromisoformat(day), Decimal(total)) for day, total in notice.params["last_days"]]
            path.write_bytes(sales_chart.render(days))
        return path
