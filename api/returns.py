"""Sale returns: goods a customer brought back, against a bill, an invoice (through a credit note) or neither."""

from __future__ import annotations

from pydantic import Field

from api.routing import Call, Resource
from api.types import Body, Id, Money, PositiveQuantity
from erp_core import returns
from erp_core.enums import RefundMode
from erp_core.returns import ReturnLineIn, ReturnResult

api = Resource("returns", "Returns")


class ReturnLine(Body):
    product_id: Id
    quantity: PositiveQuantity
    unit_price: Money | None = None
    """Only without `sale_id` and `invoice_id`: the price paid (default: the selling price)."""


class ReturnIn(Body):
    lines: list[ReturnLine] = Field(min_length=1, max_length=200)
    refund_mode: RefundMode
    """`khata` credits the customer's khata; the others record money paid back."""
    party_id: Id | None = None
    sale_id: Id | None = None
    invoice_id: Id | None = None
    reason: str = Field(default="", max_length=500)


@api.post("/returns", summary="Goods a customer brought back: stock in, money back or the khata credited",
          body=ReturnIn, response=ReturnResult, status=201, errors=(404, 422))
def sale_return(call: Call) -> ReturnResult:
    """Stock comes back at the cost it left with. Against a bill at most what it sold (less earlier returns)
    comes back, at its prices; an invoiced sale comes back through a credit note (`credit_note_number`)."""
    b: ReturnIn = call.body
    lines = [ReturnLineIn(product_id=x.product_id, quantity=x.quantity, unit_price=x.unit_price) for x in b.lines]
    return returns.sale_return(call.ctx, lines, refund_mode=b.refund_mode, party_id=b.party_id, sale_id=b.sale_id,
                               invoice_id=b.invoice_id, reason=b.reason, idempotency_key=call.idempotency_key)
