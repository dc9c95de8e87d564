"""UPI payment requests: `upi://pay` deep links and their QR codes.

The link carries the payee's address (pa), name (pn), the amount (am, two
decimals), the currency (cu=INR), a note (tn) and the transaction reference
(tr, the invoice number). Values are percent-encoded, spaces as `%20`. Any UPI
app opens the link or scans its QR code with the amount filled in.

>>> link = pay_link("sharma.kirana@okicici", "Sharma Kirana & Sons", Decimal("1250.5"), "INV/25-26/0042")
>>> link
'upi://pay?pa=sharma.kirana@okicici&pn=Sharma%20Kirana%20%26%20Sons&am=1250.50&cu=INR&tn=Invoice%20INV%2F25-26%2F0042&tr=INV%2F25-26%2F0042'
>>> parse_link(link).amount, parse_link(link).reference
(Decimal('1250.50'), 'INV/25-26/0042')
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlsplit

import segno

from erp_core.errors import ValidationError
from erp_core.ids import vpa
from erp_core.values import money

_SAFE = "@.-_"


@dataclass(frozen=True)
class UpiPayment:
    """What a `upi://pay` link asks for."""

    payee: str
    name: str
    amount: Decimal
    note: str
    reference: str
    currency: str = "INR"


def pay_link(payee: str, name: str, amount: Decimal | int | str, reference: str, note: str | None = None) -> str:
    """A `upi://pay` link for `amount` rupees to `payee` (a UPI id), referencing `reference` (the invoice number)."""
    address = vpa.validate(payee)
    value = money(amount, positive=True)
    if not name.strip():
        raise ValidationError(field="name", reason="the payee's name is needed")
    params = [("pa", address), ("pn", name.strip()), ("am", f"{value:.2f}"), ("cu", "INR"),
              ("tn", note if note is not None else f"Invoice {reference}"), ("tr", reference)]
    return "upi://pay?" + "&".join(f"{key}={quote(text, safe=_SAFE)}" for key, text in params if text)


def parse_link(link: str) -> UpiPayment:
    """Read a `upi://pay` link back (the payee and the amount are checked)."""
    parts = urlsplit(link)
    if parts.scheme != "upi" or parts.netloc != "pay":
        raise ValidationError(field="link", reason="a UPI payment link starts with upi://pay")
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "pa" not in params or "am" not in params:
        raise ValidationError(field="link", reason="the link has no payee or no amount")
    return UpiPayment(payee=vpa.validate(params["pa"]), name=params.get("pn", ""),
                      amount=money(params["am"], positive=True), note=params.get("tn", ""),
                      reference=params.get("tr", ""), currency=params.get("cu", "INR"))


def qr_code(link: str) -> segno.QRCode:
    """The QR code of a link (error correction M, as payment apps print them)."""
    return segno.make(link, error="m", micro=False)


def qr_png(link: str, scale: int = 8) -> bytes:
    """The QR code as a PNG, to send on WhatsApp."""
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
