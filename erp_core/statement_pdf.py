"""A khata statement as a PDF: the shop and the party, the balance brought forward, every entry of the period
with its running balance, the closing balance, and a UPI QR code for what is due when the shop has a UPI id.

Drawn like the invoice (`erp_core.invoice_pdf`: reportlab, embedded Noto fonts, Devanagari shaped), so names
and notes in any of the shop's scripts print correctly.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from erp_core import upi
from erp_core.context import Context
from erp_core.enums import Country, EntryKind
from erp_core.invoice_pdf import HEIGHT, LATIN, MARGIN, WIDTH, _amount, _Page, _register_fonts, _wrap
from erp_core.statements import Statement, statement

KIND_NAMES = {EntryKind.OPENING: "Opening balance", EntryKind.SALE: "Sale", EntryKind.ORDER: "Order",
              EntryKind.PAYMENT: "Payment", EntryKind.REVERSAL: "Reversal", EntryKind.CREDIT_NOTE: "Credit note",
              EntryKind.RETURN: "Goods returned", EntryKind.REFUND: "Refund"}
# (heading, width, alignment); the particulars take what is left.
COLUMNS = [("Date", 62, "left"), ("Particulars", 0, "left"), ("Debit", 78, "right"), ("Credit", 78, "right"),
           ("Balance", 86, "right")]
_BOTTOM = MARGIN + 170
"""Rows stop here on the last page, leaving room for the totals and the QR code."""


def _columns() -> list[tuple[str, float, str]]:
    fixed = sum(width for _, width, _ in COLUMNS)
    return [(h, w or (WIDTH - 2 * MARGIN - fixed), a) for h, w, a in COLUMNS]


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _balance(value: Decimal, mark: str = "") -> str:
    """A balance with Dr (the party owes) or Cr (the shop owes them)."""
    return f"{mark} {_amount(abs(value))} {'Dr' if value >= 0 else 'Cr'}".strip()


def render_statement(view: Statement) -> bytes:
    """The statement as PDF bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=LATIN)
    canvas.setTitle(f"Statement of account: {view.party_name}")
    canvas.setAuthor(view.shop_name)
    page = _Page(canvas)
    mark = "Rs." if view.country is Country.NP else "₹"
    cols = _columns()
    y = _table_head(page, cols, _header(page, view, mark))
    rows = [(view.first_day, "Balance brought forward", None, None, view.opening_balance)] if view.first_day else []
    rows += [(e.entry_date, " ".join(filter(None, (KIND_NAMES[e.kind], e.note and f"({e.note})"))), e.debit,
              e.credit, e.balance) for e in view.entries]
    for day, particulars, debit, credit, running in rows:
        text_lines = _wrap(particulars, cols[1][1] - 4, 8)
        if y - 11 * len(text_lines) < _BOTTOM:
            canvas.showPage()
            y = _table_head(page, cols, HEIGHT - MARGIN - 10)
        cells = [_day(day), None, _amount(debit) if debit else "", _amount(credit) if credit else "",
                 _balance(running)]
        x = MARGIN
        for (heading, width, align), cell in zip(cols, cells):
            if cell is None:
                for i, text in enumerate(text_lines):
                    page.text(x + 2, y - 11 * i, text, 8)
            else:
                page.text(x + width - 2 if align == "right" else x + 2, y, cell, 8, align=align)
            x += width
        y -= 11 * len(text_lines) + 4
    page.line(MARGIN, y + 6, WIDTH - MARGIN, y + 6)
    _footer(page, view, y - 8, mark)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header(page: _Page, view: Statement, mark: str) -> float:
    top = HEIGHT - MARGIN
    page.text(WIDTH / 2, top, "STATEMENT OF ACCOUNT", 13, bold=True, align="center")
    page.text(MARGIN, top - 22, view.shop_name, 12, bold=True)
    page.text(MARGIN, top - 42, view.party_name, 10.5, bold=True)
    period = f"{_day(view.first_day)} to {_day(view.last_day)}" if view.first_day else f"up to {_day(view.last_day)}"
    right = WIDTH - MARGIN
    page.text(right, top - 22, f"Period: {period}", 8.5, align="right")
    page.text(right, top - 34, f"Closing balance: {_balance(view.closing_balance, mark)}", 8.5, bold=True,
              align="right")
    page.line(MARGIN, top - 52, right, top - 52)
    return top - 66


def _table_head(page: _Page, cols: list[tuple[str, float, str]], y: float) -> float:
    x = MARGIN
    for heading, width, align in cols:
        page.text(x + width - 2 if align == "right" else x + 2, y, heading, 8, bold=True, align=align)
        x += width
    page.line(MARGIN, y - 5, WIDTH - MARGIN, y - 5)
    return y - 17


def _footer(page: _Page, view: Statement, y: float, mark: str) -> None:
    right = WIDTH - MARGIN
    totals = [("Opening balance", _balance(view.opening_balance, mark)),
              ("Total debit", f"{mark} {_amount(view.total_debit)}"),
              ("Total credit", f"{mark} {_amount(view.total_credit)}"),
              ("Closing balance", _balance(view.closing_balance, mark))]
    for label, value in totals:
        bold = label == "Closing balance"
        page.text(right - 200, y, label, 9, bold=bold)
        page.text(right, y, value, 9, bold=bold, align="right")
        y -= 13
    if view.shop_upi_vpa and view.closing_balance > 0:
        link = upi.pay_link(view.shop_upi_vpa, view.shop_name, view.closing_balance,
                            f"KHATA-{view.party_id}-{view.last_day:%Y%m%d}", note=f"Khata up to {_day(view.last_day)}")
        size = 92
        qy = max(y - size - 6, MARGIN)
        page.qr(MARGIN, qy, size, link)
        page.text(MARGIN + size + 8, qy + size - 14, f"Scan to pay {mark} {_amount(view.closing_balance)}", 9.5,
                  bold=True)
        page.text(MARGIN + size + 8, qy + size - 27, "with any UPI app", 8.5)
        page.text(MARGIN + size + 8, qy + size - 40, f"UPI: {view.shop_upi_vpa}", 8.5)


def statement_pdf(ctx: Context, party_id: int, first_day: date | None = None, last_day: date | None = None) -> bytes:
    """`statements.statement` printed: the PDF to send to the owner or the customer."""
    return render_statement(statement(ctx, party_id, first_day, last_day))
