"""Invoices in chat: customer and items (or a bare amount) → confirm → the invoice, its PDF as a document,
and a UPI link with its QR code."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from actions.base import Turn
from actions.forms import BookForm, Message, SubmitAction, confirm
from actions.items import item_lines, quantity_of, selling_prices
from actions.order_form import ask_items
from erp_core import invoices, upi
from erp_core.invoice_pdf import render_invoice
from erp_core.invoice_views import InvoiceView
from erp_core.invoices import InvoiceLineIn
from erp_core.messages import format_money
from erp_core.permissions import Permission


def documents_dir() -> Path:
    """Where invoice PDFs and QR codes are written for the channel to upload (`HISAAB_DOCUMENTS_DIR`)."""
    return Path(os.environ.get("HISAAB_DOCUMENTS_DIR") or "var/documents").resolve()


class ValidateInvoiceForm(BookForm):
    intent = "create_invoice"
    permission = Permission.POST_SALE
    needs = ("form_customer", "form_items")

    def name(self) -> str:
        return "validate_invoice_form"

    def read(self, turn: Turn, values: dict[str, Any], message: Message, requested: str | None) -> None:
        super().read(turn, values, message, requested)
        values["form_amount"] = message.value("amount") or values["form_amount"]

    def filled(self, values: dict[str, Any], slot: str) -> bool:
        """Items, or a bare amount ("Verma ji ka 500 ka bill") when no items were named."""
        if slot == "form_items" and not values["form_items"] and values["form_amount"]:
            return True
        return super().filled(values, slot)

    def ask(self, turn: Turn, values: dict[str, Any], slot: str) -> str:
        if slot == "form_customer":
            turn.say("utter_ask_invoice_customer")
        else:
            ask_items(turn, values)
        return slot

    def summarise(self, turn: Turn, values: dict[str, Any]) -> None:
        if not values["form_items"]:
            confirm(turn, "utter_confirm_invoice_amount", customer=values["form_customer"]["name"],
                    amount=format_money(Decimal(values["form_amount"])))
            return
        lines, total = item_lines(values["form_items"], selling_prices(turn.ctx, values["form_items"]))
        confirm(turn, "utter_confirm_invoice", customer=values["form_customer"]["name"], lines=lines,
                total=format_money(total))


class ActionCreateInvoice(SubmitAction):
    def name(self) -> str:
        return "action_create_invoice"

    def book(self, turn: Turn, key: str) -> None:
        customer, items = turn.slot("form_customer"), turn.slot("form_items")
        if items:
            invoice = invoices.create_invoice(turn.ctx, [
                InvoiceLineIn(product_id=item["product_id"], quantity=quantity_of(item)) for item in items
            ], party_id=customer["id"], idempotency_key=key)
        else:
            invoice = invoices.invoice_for_amount(turn.ctx, turn.slot("form_amount"), party_id=customer["id"],
                                                  idempotency_key=key)
        send_invoice(turn, invoice)


def send_invoice(turn: Turn, invoice: InvoiceView) -> None:
    """The invoice as a PDF document, then the UPI link and its QR code when the shop has a UPI id."""
    folder = documents_dir() / str(turn.ctx.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9-]", "-", invoice.number)
    pdf = folder / f"{stem}.pdf"
    pdf.write_bytes(render_invoice(invoice))
    turn.say("utter_invoice_created", number=invoice.number, customer=invoice.buyer_name,
             total=format_money(invoice.total))
    turn.dispatcher.utter_message(json_message={"type": "document", "path": str(pdf), "filename": f"{stem}.pdf",
                                                "caption": f"{invoice.number} · {format_money(invoice.total)}"})
    if invoice.upi_vpa and invoice.due > 0:
        link = upi.pay_link(invoice.upi_vpa, invoice.seller_name, invoice.due, invoice.number)
        qr = folder / f"{stem}-upi.png"
        qr.write_bytes(upi.qr_png(link))
        turn.say("utter_invoice_upi", link=link, amount=format_money(invoice.due))
        turn.dispatcher.utter_message(json_message={"type": "image", "path": str(qr), "caption": link})
