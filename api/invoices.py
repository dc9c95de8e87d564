"""Invoices: issue one from lines or from a posted bill, fetch it, its PDF, UPI link and QR, a Razorpay
payment link, payments against it, and credit notes for goods returned."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from api.orders import Line
from api.pagination import Page, PageQuery, page
from api.routing import Call, Raw, Resource
from api.types import Body, Day, Id, Money, PositiveQuantity
from erp_core import credit_notes, invoice_payments, invoice_views, invoices, razorpay_payments, upi
from erp_core.enums import InvoiceKind, InvoiceStatus, PaymentMode
from erp_core.errors import ValidationError
from erp_core.invoice_pdf import render_invoice
from erp_core.credit_notes import ReturnLineIn
from erp_core.invoice_views import InvoiceView
from erp_core.invoices import InvoiceLineIn
from erp_core.razorpay_payments import PaymentLinkView

api = Resource("invoices", "Invoices")
Series = Field(default=None, min_length=1, max_length=20)


class InvoiceIn(Body):
    lines: list[Line] = Field(min_length=1, max_length=200)
    party_id: Id | None = None
    """Without a party the buyer is a walk-in consumer (B2C)."""
    discount: Money = 0
    payment_mode: PaymentMode = PaymentMode.CREDIT
    """Anything but `credit` books the whole total as paid at once."""
    series: str | None = Series


class FromSaleIn(Body):
    sale_id: Id
    series: str | None = Series


class ReturnLine(Body):
    product_id: Id
    quantity: PositiveQuantity


class CreditNoteIn(Body):
    returns: list[ReturnLine] | None = Field(default=None, min_length=1, max_length=200)
    """Omit for everything on the invoice that has not come back yet."""
    reason: str = Field(min_length=1, max_length=500)
    series: str | None = Series


class InvoicePaymentIn(Body):
    amount: Money
    mode: PaymentMode = PaymentMode.CASH
    reference: str = Field(default="", max_length=100)


class PaymentLinkIn(Body):
    upi_only: bool = False


class InvoiceListQuery(PageQuery):
    kind: InvoiceKind | None = None
    status: InvoiceStatus | None = None
    party_id: Id | None = None
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")


class UpiLink(BaseModel):
    invoice_id: int
    link: str
    """A `upi://pay` deep link with the amount due filled in."""
    amount: Decimal
    reference: str


@api.post("/invoices", summary="Issue a GST invoice (stock goes out, the khata is debited)", body=InvoiceIn,
          response=InvoiceView, status=201, errors=(404, 422))
def create_invoice(call: Call) -> InvoiceView:
    b: InvoiceIn = call.body
    lines = [InvoiceLineIn(product_id=x.product_id, quantity=x.quantity, unit_price=x.unit_price) for x in b.lines]
    return invoices.create_invoice(call.ctx, lines, party_id=b.party_id, discount=b.discount,
                                   payment_mode=b.payment_mode, series=b.series,
                                   idempotency_key=call.idempotency_key)


@api.post("/invoices/from-sale", summary="The invoice for a bill already posted", body=FromSaleIn,
          response=InvoiceView, status=201, errors=(404, 422))
def invoice_for_sale(call: Call) -> InvoiceView:
    return invoices.invoice_for_sale(call.ctx, call.body.sale_id, series=call.body.series,
                                     idempotency_key=call.idempotency_key)


@api.get("/invoices", summary="List invoices and credit notes", query=InvoiceListQuery, response=Page[InvoiceView])
def list_invoices(call: Call) -> Page[InvoiceView]:
    q: InvoiceListQuery = call.query
    rows = invoice_views.list_invoices(call.ctx, after_id=q.position or 0, limit=q.limit + 1, kind=q.kind,
                                  status=q.status, party_id=q.party_id, first_day=q.start, last_day=q.end)
    return page(rows, q.limit, lambda i: i.id)


@api.get("/invoices/<invoice_id:int>", summary="One invoice or credit note", response=InvoiceView, errors=(404,))
def get_invoice(call: Call, invoice_id: int) -> InvoiceView:
    return invoice_views.get_invoice(call.ctx, invoice_id)


@api.get("/invoices/<invoice_id:int>/pdf", summary="The printable invoice (A4 PDF)", media_type="application/pdf",
         errors=(404,))
def invoice_pdf(call: Call, invoice_id: int) -> Raw:
    invoice = invoice_views.get_invoice(call.ctx, invoice_id)
    return Raw(render_invoice(invoice), filename=f"{invoice.number.replace('/', '-')}.pdf")


def _upi_link(call: Call, invoice_id: int) -> UpiLink:
    invoice = invoice_views.get_invoice(call.ctx, invoice_id)
    if invoice.upi_vpa is None:
        raise ValidationError(field="upi_vpa", reason="the shop has no UPI id yet")
    if invoice.kind is InvoiceKind.CREDIT_NOTE or invoice.due <= 0:
        raise ValidationError(field="invoice_id", reason=f"nothing is due on {invoice.number}")
    link = upi.pay_link(invoice.upi_vpa, invoice.seller_name, invoice.due, invoice.number)
    return UpiLink(invoice_id=invoice.id, link=link, amount=invoice.due, reference=invoice.number)


@api.get("/invoices/<invoice_id:int>/upi", summary="A UPI payment link for what is due", response=UpiLink,
         errors=(404, 422))
def upi_link(call: Call, invoice_id: int) -> UpiLink:
    return _upi_link(call, invoice_id)


@api.get("/invoices/<invoice_id:int>/upi/qr", summary="The UPI link as a QR code (PNG)", media_type="image/png",
         errors=(404, 422))
def upi_qr(call: Call, invoice_id: int) -> Raw:
    return Raw(upi.qr_png(_upi_link(call, invoice_id).link))


@api.post("/invoices/<invoice_id:int>/payment-link", summary="A Razorpay payment link for what is due",
          body=PaymentLinkIn, response=PaymentLinkView, status=201, errors=(404, 422, 502))
def payment_link(call: Call, invoice_id: int) -> PaymentLinkView:
    """The same link comes back while the amount due is unchanged. Needs the shop's Razorpay keys."""
    return razorpay_payments.create_payment_link(call.ctx, invoice_id, upi_only=call.body.upi_only)


@api.post("/invoices/<invoice_id:int>/payments", summary="Money received against an invoice",
          body=InvoicePaymentIn, response=InvoiceView, status=201, errors=(404, 422))
def record_payment(call: Call, invoice_id: int) -> InvoiceView:
    b: InvoicePaymentIn = call.body
    return invoice_payments.record_invoice_payment(call.ctx, invoice_id, b.amount, b.mode, reference=b.reference,
                                           idempotency_key=call.idempotency_key)


@api.post("/invoices/<invoice_id:int>/credit-notes", summary="A credit note for goods returned (stock back in)",
          body=CreditNoteIn, response=InvoiceView, status=201, errors=(404, 422))
def credit_note(call: Call, invoice_id: int) -> InvoiceView:
    b: CreditNoteIn = call.body
    returns = None if b.returns is None else [ReturnLineIn(product_id=r.product_id, quantity=r.quantity)
                                               for r in b.returns]
    return credit_notes.credit_note(call.ctx, invoice_id, returns, reason=b.reason, series=b.series,
                                idempotency_key=call.idempotency_key)
