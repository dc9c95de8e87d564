"""The invoice as a PDF (reportlab): seller and buyer, HSN-wise lines with their taxes,
the tax summary by rate, totals with the round-off, the amount in words and a UPI QR
code for the amount due.

Fonts are Debian's Noto Sans (Latin, ₹) and Noto Sans Devanagari, embedded. reportlab
cannot shape Devanagari without uharfbuzz (vowel signs would land on the wrong side
of their consonant), so Devanagari text is drawn as a shaped image rendered by
Pillow's Raqm layout, with the same text laid invisibly on top in the embedded
Devanagari font: it reads correctly and stays searchable and extractable.
"""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from functools import lru_cache
from itertools import groupby

from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from erp_core import upi
from erp_core.enums import Country, InvoiceKind
from erp_core.fiscal_year import bs_date
from erp_core.gst import Supply
from erp_core.ids.states import STATES
from erp_core.invoice_views import InvoiceView
from erp_core.messages import format_decimal
from erp_core.words import rupees_in_words

FONT_DIR = os.environ.get("HISAAB_FONT_DIR", "/usr/share/fonts/truetype/noto")
LATIN, LATIN_BOLD, DEVANAGARI = "NotoSans", "NotoSans-Bold", "NotoSansDevanagari"
_FONT_FILES = {LATIN: "NotoSans-Regular.ttf", LATIN_BOLD: "NotoSans-Bold.ttf",
               DEVANAGARI: "NotoSansDevanagari-Regular.ttf"}
_DEVANAGARI_TEXT = re.compile(r"[\u0900-\u097F]")
_DEVANAGARI_RUN = re.compile(r"[\u0900-\u097F\u200C\u200D]+(?:\s+[\u0900-\u097F\u200C\u200D]+)*")
_PIXELS_PER_POINT = 4
WIDTH, HEIGHT = A4
MARGIN = 32.0
# reportlab ASCII85-encodes every stream by default, in pure Python: a third of the
# rendering time and a quarter more bytes. PDF readers take binary streams.
rl_config.useA85 = 0
TITLES = {InvoiceKind.TAX_INVOICE: "TAX INVOICE", InvoiceKind.BILL_OF_SUPPLY: "BILL OF SUPPLY",
          InvoiceKind.CREDIT_NOTE: "CREDIT NOTE"}


def _register_fonts() -> None:
    for name, filename in _FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(FONT_DIR, filename)))


@lru_cache(maxsize=8)
def _pillow_font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(os.path.join(FONT_DIR, _FONT_FILES[DEVANAGARI]), size_px,
                              layout_engine=ImageFont.Layout.RAQM)


@lru_cache(maxsize=256)
def _shaped(text: str, size: float) -> tuple[ImageReader, float, float, float]:
    """Devanagari `text` shaped by Raqm: the image, its width, ascent and descent in points."""
    font = _pillow_font(round(size * _PIXELS_PER_POINT))
    ascent, descent = font.getmetrics()
    width = max(1, round(font.getlength(text)) + 2)
    image = Image.new("LA", (width, ascent + descent), (0, 0))
    ImageDraw.Draw(image).text((0, ascent), text, font=font, fill=(0, 255), anchor="ls")
    return (ImageReader(image), width / _PIXELS_PER_POINT, ascent / _PIXELS_PER_POINT,
            descent / _PIXELS_PER_POINT)


def _runs(text: str) -> list[tuple[bool, str]]:
    """`text` split into Devanagari and other runs, in order."""
    runs, at = [], 0
    for match in _DEVANAGARI_RUN.finditer(text):
        if match.start() > at:
            runs.append((False, text[at:match.start()]))
        runs.append((True, match.group()))
        at = match.end()
    if at < len(text):
        runs.append((False, text[at:]))
    return runs


class _Page:
    """A canvas with the few drawing verbs an invoice needs."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas

    def text(self, x: float, y: float, text: str, size: float = 8.5, *, bold: bool = False,
             align: str = "left") -> None:
        """Draw `text` at baseline `y`; Devanagari runs shaped, everything else in Noto Sans."""
        font = LATIN_BOLD if bold else LATIN
        if not _DEVANAGARI_TEXT.search(text):
            self.c.setFont(font, size)
            draw = {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}
            draw[align](x, y, text)
            return
        runs = [(deva, run, _shaped(run, size) if deva else None) for deva, run in _runs(text)]
        width = sum(shaped[1] if shaped else pdfmetrics.stringWidth(run, font, size) for _, run, shaped in runs)
        x = x - width if align == "right" else x - width / 2 if align == "center" else x
        for deva, run, shaped in runs:
            if shaped is None:
                self.c.setFont(font, size)
                self.c.drawString(x, y, run)
                x += pdfmetrics.stringWidth(run, font, size)
                continue
            image, run_width, ascent, descent = shaped
            self.c.drawImage(image, x, y - descent, run_width, ascent + descent, mask="auto")
            self.c.saveState()
            hidden = self.c.beginText(x, y)
            hidden.setTextRenderMode(3)
            hidden.setFont(DEVANAGARI, size)
            hidden.setHorizScale(100 * run_width / max(pdfmetrics.stringWidth(run, DEVANAGARI, size), 0.01))
            hidden.textOut(run)
            self.c.drawText(hidden)
            self.c.restoreState()
            x += run_width

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(x1, y1, x2, y2)

    def qr(self, x: float, y: float, size: float, link: str) -> None:
        """The QR code of `link` as vector squares, bottom-left at (x, y).

        Dark modules of a row are merged into runs and written as one filled path in
        module units (integers), which keeps the page stream small and quick to build.
        """
        matrix = upi.qr_code(link).matrix
        count = len(matrix)
        module = size / count
        runs = []
        for r, row in enumerate(matrix):
            col = 0
            for dark, group in groupby(row):
                length = sum(1 for _ in group)
                if dark:
                    runs.append(f"{col} {count - 1 - r} {length} 1 re")
                col += length
        self.c.addLiteral(f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.2f} {y:.2f} cm {' '.join(runs)} f Q")


def _amount(value: Decimal) -> str:
    """Indian digit grouping: 120500.00 → 1,20,500.00."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    head, tail = whole[:-3], whole[-3:]
    groups = [head[max(i - 2, 0):i] for i in range(len(head), 0, -2)][::-1]
    return sign + ",".join([g for g in groups if g] + [tail]) + "." + fraction


def _currency_mark(invoice: InvoiceView) -> str:
    """₹ for Indian rupees; Nepalese rupees are written Rs."""
    return "Rs." if invoice.country is Country.NP else "₹"


def _state(code: str | None) -> str:
    return f"{STATES[code]} ({code})" if code in STATES else ""


def _wrap(text: str, width: float, size: float) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if _DEVANAGARI_TEXT.search(candidate) or pdfmetrics.stringWidth(candidate, LATIN, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines or [""]


def _columns(invoice: InvoiceView) -> list[tuple[str, float, str, str]]:
    """(heading, width, line attribute, alignment) for the line table of this kind of invoice."""
    cols = [("#", 16, "#", "left"), ("Description", 0, "description", "left")]
    if invoice.country is Country.IN:
        cols.append(("HSN/SAC", 44, "hsn_code", "left"))
    cols += [("Qty", 40, "quantity", "right"), ("Rate", 50, "unit_price", "right")]
    cess = any(line.cess for line in invoice.lines)
    if invoice.supply is Supply.INTRA_STATE:
        cols += [("Taxable", 58, "taxable_value", "right"), ("CGST", 54, "cgst", "right"),
                 ("SGST", 54, "sgst", "right")]
    elif invoice.supply is Supply.INTER_STATE:
        cols += [("Taxable", 60, "taxable_value", "right"), ("IGST", 60, "igst", "right")]
    elif invoice.supply is Supply.VAT:
        cols += [("Taxable", 60, "taxable_value", "right"), ("VAT 13%", 56, "vat", "right")]
    if cess:
        cols.append(("Cess", 46, "cess", "right"))
    cols.append(("Amount", 62, "total", "right"))
    fixed = sum(width for _, width, _, _ in cols)
    return [(h, w or (WIDTH - 2 * MARGIN - fixed), a, al) for h, w, a, al in cols]


def render_invoice(invoice: InvoiceView) -> bytes:
    """The invoice (or Bill of Supply, or credit note) as PDF bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=LATIN)
    canvas.setTitle(f"{TITLES[invoice.kind]} {invoice.number}")
    canvas.setAuthor(invoice.seller_name)
    page = _Page(canvas)
    y = _header(page, invoice)
    cols = _columns(invoice)
    y = _table_head(page, cols, y)
    for index, line in enumerate(invoice.lines, start=1):
        desc_width = next(w for h, w, _, _ in cols if h == "Description") - 4
        desc_lines = _wrap(line.description, desc_width, 8)
        height = 11 * len(desc_lines) + (9 if line.rate or line.cess_rate else 0) + 3
        if y - height < 200:
            canvas.showPage()
            y = _table_head(page, cols, HEIGHT - MARGIN - 10)
        x = MARGIN
        for heading, width, attr, align in cols:
            if attr == "description":
                for i, text in enumerate(desc_lines):
                    page.text(x + 2, y - 11 * i, text, 8)
                if line.rate or line.cess_rate:
                    rate_note = f"@ {format_decimal(line.rate)}%" + (
                        f" + cess {format_decimal(line.cess_rate)}%" if line.cess_rate else "")
                    page.text(x + 2, y - 11 * len(desc_lines) + 2, rate_note, 6.5)
            else:
                value = _cell(line, attr, index)
                page.text(x + width - 2 if align == "right" else x + 2, y, value, 8, align=align)
            x += width
        y -= height
    page.line(MARGIN, y + 6, WIDTH - MARGIN, y + 6)
    _footer(page, invoice, y - 6)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cell(line: object, attr: str, index: int) -> str:
    if attr == "#":
        return str(index)
    value = getattr(line, attr)
    if attr == "quantity":
        return f"{format_decimal(value)} {line.unit}"  # type: ignore[attr-defined]
    if value is None:
        return ""
    return _amount(value) if isinstance(value, Decimal) else str(value)


def _header(page: _Page, invoice: InvoiceView) -> float:
    top = HEIGHT - MARGIN
    title = TITLES[invoice.kind]
    page.text(WIDTH / 2, top, title, 13, bold=True, align="center")
    y = top - 20
    page.text(MARGIN, y, invoice.seller_name, 12, bold=True)
    for text in _wrap(invoice.seller_address, 270, 8.5) if invoice.seller_address else []:
        y -= 11
        page.text(MARGIN, y, text)
    if invoice.seller_tax_id:
        y -= 12
        label = "PAN/VAT No" if invoice.country is Country.NP else "GSTIN"
        page.text(MARGIN, y, f"{label}: {invoice.seller_tax_id}", 9, bold=True)
    if invoice.seller_state:
        y -= 11
        page.text(MARGIN, y, f"State: {_state(invoice.seller_state)}")
    right = WIDTH - MARGIN
    ry = top - 20
    details = [("Invoice No" if invoice.kind is not InvoiceKind.CREDIT_NOTE else "Credit Note No", invoice.number),
               ("Date", invoice.invoice_date.strftime("%d-%m-%Y"))]
    if invoice.country is Country.NP:
        details.append(("Date (BS)", bs_date(invoice.invoice_date)))
    details.append(("Fiscal year" if invoice.country is Country.NP else "Financial year", invoice.financial_year))
    if invoice.place_of_supply:
        details.append(("Place of supply", _state(invoice.place_of_supply)))
    if invoice.country is Country.IN and invoice.kind is not InvoiceKind.BILL_OF_SUPPLY:
        details.append(("Reverse charge", "No"))  # rule 46(p): a shop's sales are never under reverse charge
    if invoice.original_number:
        details.append(("Against invoice", invoice.original_number))
    for label, value in details:
        page.text(right - 150, ry, f"{label}:", 8.5)
        page.text(right, ry, value, 8.5, bold=True, align="right")
        ry -= 12
    y = min(y, ry) - 14
    page.line(MARGIN, y + 8, WIDTH - MARGIN, y + 8)
    page.text(MARGIN, y - 4, "Bill to" if invoice.kind is not InvoiceKind.CREDIT_NOTE else "Credit to", 8,
              bold=True)
    y -= 18
    page.text(MARGIN, y, invoice.buyer_name or "Cash customer (unregistered)", 10.5, bold=True)
    for text in _wrap(invoice.buyer_address, 320, 8.5) if invoice.buyer_address else []:
        y -= 11
        page.text(MARGIN, y, text)
    if invoice.buyer_gstin:
        y -= 12
        page.text(MARGIN, y, f"GSTIN: {invoice.buyer_gstin}", 9, bold=True)
    if invoice.reason:
        y -= 12
        page.text(MARGIN, y, f"Reason: {invoice.reason}")
    return y - 20


def _table_head(page: _Page, cols: list[tuple[str, float, str, str]], y: float) -> float:
    page.line(MARGIN, y + 12, WIDTH - MARGIN, y + 12)
    x = MARGIN
    for heading, width, _, align in cols:
        page.text(x + width - 2 if align == "right" else x + 2, y, heading, 8, bold=True, align=align)
        x += width
    page.line(MARGIN, y - 5, WIDTH - MARGIN, y - 5)
    return y - 17


def _footer(page: _Page, invoice: InvoiceView, y: float) -> None:
    right = WIDTH - MARGIN
    totals = [("Taxable value", invoice.taxable_value)]
    totals += [(name, getattr(invoice, attr)) for name, attr in
               (("CGST", "cgst"), ("SGST", "sgst"), ("IGST", "igst"), ("Cess", "cess"), ("VAT", "vat"))
               if getattr(invoice, attr)]
    totals.append(("Round off", invoice.round_off))
    ty = y
    for label, value in totals:
        page.text(right - 170, ty, label, 9)
        page.text(right, ty, _amount(value), 9, align="right")
        ty -= 13
    page.line(right - 170, ty + 8, right, ty + 8)
    page.text(right - 170, ty - 5, "Total", 11, bold=True)
    page.text(right, ty - 5, f"{_currency_mark(invoice)} {_amount(invoice.total)}", 11, bold=True, align="right")
    ty -= 20
    if invoice.kind is not InvoiceKind.CREDIT_NOTE:
        for label, value in (("Paid", invoice.paid), ("Credit notes", invoice.credited), ("Amount due", invoice.due)):
            if value or label == "Amount due":
                page.text(right - 170, ty, label, 9, bold=label == "Amount due")
                page.text(right, ty, _amount(value), 9, bold=label == "Amount due", align="right")
                ty -= 13
    currency = "Nepalese Rupees" if invoice.country is Country.NP else "Rupees"
    page.text(MARGIN, y, "Amount in words:", 8.5, bold=True)
    wy = y - 12
    for text in _wrap(rupees_in_words(invoice.total, currency), 300, 8.5):
        page.text(MARGIN, wy, text, 8.5)
        wy -= 11
    sy = wy - 10
    if invoice.supply is not Supply.NO_TAX:
        sy = _tax_summary(page, invoice, sy)
    else:
        page.text(MARGIN, sy, "Composition taxable person / unregistered supplier: not eligible to collect tax"
                  if invoice.country is Country.IN else "", 7.5)
        sy -= 12
    if invoice.upi_vpa and invoice.due > 0 and invoice.kind is not InvoiceKind.CREDIT_NOTE:
        link = upi.pay_link(invoice.upi_vpa, invoice.seller_name, invoice.due, invoice.number)
        size = 92
        qy = min(sy, ty) - size - 6
        page.qr(MARGIN, qy, size, link)
        page.text(MARGIN + size + 8, qy + size - 14, f"Scan to pay {_currency_mark(invoice)} {_amount(invoice.due)}",
                  9.5, bold=True)
        page.text(MARGIN + size + 8, qy + size - 27, "with any UPI app", 8.5)
        page.text(MARGIN + size + 8, qy + size - 40, f"UPI: {invoice.upi_vpa}", 8.5)
    page.text(right, MARGIN + 26, f"For {invoice.seller_name}", 9, bold=True, align="right")
    page.text(right, MARGIN, "Authorised signatory", 8, align="right")


def _tax_summary(page: _Page, invoice: InvoiceView, y: float) -> float:
    page.text(MARGIN, y, "Tax summary by rate", 8.5, bold=True)
    y -= 12
    heads = ["Rate", "Taxable"] + (["CGST", "SGST"] if invoice.supply is Supply.INTRA_STATE else
                                   ["IGST"] if invoice.supply is Supply.INTER_STATE else ["VAT"])
    has_cess = bool(invoice.cess)
    if has_cess:
        heads.append("Cess")
    widths = [40] + [58] * (len(heads) - 1)
    x = MARGIN
    for head, width in zip(heads, widths):
        page.text(x + width - 2, y, head, 7.5, bold=True, align="right")
        x += width
    for row in invoice.tax_summary():
        y -= 10
        taxes = ([row.cgst, row.sgst] if invoice.supply is Supply.INTRA_STATE else
                 [row.igst] if invoice.supply is Supply.INTER_STATE else [row.vat])
        cells = [f"{format_decimal(row.rate)}%", _amount(row.taxable_value), *map(_amount, taxes)]
        if has_cess:
            cells.append(_amount(row.cess))
        x = MARGIN
        for cell, width in zip(cells, widths):
            page.text(x + width - 2, y, cell, 7.5, align="right")
            x += width
    return y - 14
