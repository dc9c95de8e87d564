"""The buying side: supplier bills, goods sent back on debit notes, payments to suppliers, what the shop owes,
and GSTR-3B."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.reports import MonthQuery
from api.routing import Call, Raw, Resource
from api.types import Body, Day, Id, Money, PositiveQuantity, Rate
from erp_core import decimal_json, gstr3b, purchase_reports, purchases
from erp_core.enums import PaymentMode
from erp_core.gstr3b import GstSummary
from erp_core.purchase_reports import PayableRow
from erp_core.purchases import PurchaseLineIn, PurchaseView, ReturnedLineIn, SupplierPaymentResult

api = Resource("purchases", "Purchases")


class PurchaseLine(Body):
    product_id: Id
    quantity: PositiveQuantity
    unit_price: Money | None = None
    """The rate per unit on the bill (default: the product's cost price)."""
    rate: Rate | None = None
    """The GST (or VAT) rate on the bill (default: the product's)."""
    cess_rate: Rate | None = None
    hsn_code: str | None = Field(default=None, pattern=r"^\d{4}(\d{2}){0,2}$")
    discount: Money = 0
    batch_no: str | None = Field(default=None, max_length=30)
    expiry_date: date | None = None


class PurchaseIn(Body):
    supplier_id: Id
    bill_number: str = Field(min_length=1, max_length=30)
    bill_date: Day | None = None
    lines: list[PurchaseLine] = Field(min_length=1, max_length=200)
    prices_include_tax: bool = False
    bill_total: Money | None = None
    """The total printed on the bill: checked against the lines (to the rupee) before anything is booked."""
    payment_mode: PaymentMode = PaymentMode.CREDIT
    paid: Money | None = None
    """With a payment mode other than `credit`: what was paid now (default: all of it)."""


class ReturnedLine(Body):
    product_id: Id
    quantity: PositiveQuantity


class DebitNoteIn(Body):
    lines: list[ReturnedLine] = Field(min_length=1, max_length=200)
    reason: str = Field(default="", max_length=500)


class SupplierPaymentIn(Body):
    supplier_id: Id
    amount: Money
    mode: PaymentMode = PaymentMode.CASH
    reference: str = Field(default="", max_length=100)


class PayablesQuery(Body):
    supplier_id: Id | None = None


class Payables(BaseModel):
    suppliers: list[PayableRow]


@api.post("/purchases", summary="Book a supplier's bill: stock in at cost, the supplier's khata, input tax credit",
          body=PurchaseIn, response=PurchaseView, status=201, errors=(404, 422))
def record_purchase(call: Call) -> PurchaseView:
    """A bill whose `bill_total` differs from its lines by more than a rupee, or one already booked for the
    supplier, is refused with nothing written."""
    b: PurchaseIn = call.body
    lines = [PurchaseLineIn(**line.model_dump()) for line in b.lines]
    return purchases.record_purchase(call.ctx, b.supplier_id, lines, bill_number=b.bill_number,
                                     bill_date=b.bill_date, prices_include_tax=b.prices_include_tax,
                                     bill_total=b.bill_total, payment_mode=b.payment_mode, paid=b.paid,
                                     idempotency_key=call.idempotency_key)


@api.get("/purchases/<purchase_id:int>", summary="One supplier bill or debit note", response=PurchaseView,
         errors=(404,))
def get_purchase(call: Call, purchase_id: int) -> PurchaseView:
    return purchases.get_purchase(call.ctx, purchase_id)


@api.post("/purchases/<purchase_id:int>/debit-notes", summary="Send goods back to the supplier against a bill",
          body=DebitNoteIn, response=PurchaseView, status=201, errors=(404, 422))
def purchase_return(call: Call, purchase_id: int) -> PurchaseView:
    """Stock out, the supplier's khata debited, the input tax credit on the goods reversed."""
    b: DebitNoteIn = call.body
    return purchases.purchase_return(call.ctx, purchase_id, [ReturnedLineIn(**x.model_dump()) for x in b.lines],
                                     reason=b.reason, idempotency_key=call.idempotency_key)


@api.post("/supplier-payments", summary="Money the shop paid a supplier", body=SupplierPaymentIn,
          response=SupplierPaymentResult, status=201, errors=(404, 422))
def pay_supplier(call: Call) -> SupplierPaymentResult:
    b: SupplierPaymentIn = call.body
    return purchases.pay_supplier(call.ctx, b.supplier_id, b.amount, b.mode, reference=b.reference,
                                  idempotency_key=call.idempotency_key)


@api.get("/payables", summary="What the shop owes its suppliers, aged 0-30, 31-60, 61-90 and 90+ days",
         query=PayablesQuery, response=Payables, errors=(404,))
def payables(call: Call) -> Payables:
    return Payables(suppliers=purchase_reports.payables(call.ctx, call.query.supplier_id))


@api.get("/reports/gstr3b", summary="GSTR-3B for a month, as the GST portal's JSON", query=MonthQuery,
         raw_schema={"type": "object", "required": ["gstin", "ret_period", "sup_details", "inter_sup", "itc_elg"],
                     "description": "GSTR-3B in the GST portal's JSON shape; amounts are exact JSON numbers"},
         errors=(422,))
def gstr3b_json(call: Call) -> Raw:
    return Raw(decimal_json.dumps(gstr3b.gstr3b(call.ctx, call.query.year, call.query.month)).encode())


@api.get("/reports/gstr3b.csv", summary="GSTR-3B's tables as CSV", query=MonthQuery, media_type="text/csv",
         raw_schema={"type": "string"}, errors=(422,))
def gstr3b_csv(call: Call) -> Raw:
    q: MonthQuery = call.query
    return Raw(gstr3b.gstr3b_csv(call.ctx, q.year, q.month).encode(), filename=f"gstr3b-{q.year}-{q.month:02d}.csv")


@api.get("/reports/gst-summary", summary="Output tax, input credit and the cash to pay for a month",
         query=MonthQuery, response=GstSummary, errors=(422,))
def gst_summary(call: Call) -> GstSummary:
    return gstr3b.gst_summary(call.ctx, call.query.year, call.query.month)
