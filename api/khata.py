"""Payments and the credit ledger (khata): balances, statements, dues and ageing."""

from __future__ import annotations


from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Day, Id, Money
from erp_core import ledger
from erp_core.enums import PaymentMode
from erp_core.ledger import AgeingRow, BalanceView, EntryResult, PaymentResult, PaymentView, StatementLine

payments = Resource("payments", "Payments")
api = Resource("khata", "Khata")


class PaymentIn(Body):
    party_id: Id
    amount: Money
    mode: PaymentMode = PaymentMode.CASH
    reference: str = Field(default="", max_length=100)


class PaymentListQuery(PageQuery):
    party_id: Id | None = None


class ReversalIn(Body):
    reason: str = Field(min_length=1, max_length=500)


class AgeingQuery(Body):
    as_of: Day | None = None
    party_id: Id | None = None


class Dues(BaseModel):
    items: list[BalanceView]


class Ageing(BaseModel):
    items: list[AgeingRow]


class Statement(BaseModel):
    party_id: int
    lines: list[StatementLine]


@payments.get("/payments", summary="List payments", query=PaymentListQuery, response=Page[PaymentView])
def list_payments(call: Call) -> Page[PaymentView]:
    q: PaymentListQuery = call.query
    rows = ledger.list_payments(call.ctx, after_id=q.position or 0, limit=q.limit + 1, party_id=q.party_id)
    return page(rows, q.limit, lambda p: p.id)


@payments.get("/payments/<payment_id:int>", summary="One payment", response=PaymentView, errors=(404,))
def get_payment(call: Call, payment_id: int) -> PaymentView:
    return ledger.payment_details(call.ctx, payment_id)


@payments.post("/payments", summary="Record money received from a party", body=PaymentIn, response=PaymentResult,
               status=201, errors=(404, 422))
def record_payment(call: Call) -> PaymentResult:
    b: PaymentIn = call.body
    return ledger.record_payment(call.ctx, b.party_id, b.amount, b.mode, reference=b.reference,
                                 idempotency_key=call.idempotency_key)


@api.get("/khata/dues", summary="Customers who owe money, largest first", response=Dues)
def dues(call: Call) -> Dues:
    return Dues(items=ledger.dues(call.ctx))


@api.get("/khata/ageing", summary="Dues by age: 0-30, 31-60, 61-90, 90+ days", query=AgeingQuery, response=Ageing)
def ageing(call: Call) -> Ageing:
    return Ageing(items=ledger.ageing(call.ctx, call.query.as_of, call.query.party_id))


@api.get("/khata/<party_id:int>", summary="A party's balance", response=BalanceView, errors=(404,))
def balance(call: Call, party_id: int) -> BalanceView:
    return ledger.balance(call.ctx, party_id)


@api.get("/khata/<party_id:int>/statement", summary="A party's khata with running balance", response=Statement,
         errors=(404,))
def statement(call: Call, party_id: int) -> Statement:
    ledger.balance(call.ctx, party_id)  # 404 for a party that is not this tenant's
    return Statement(party_id=party_id, lines=ledger.statement(call.ctx, party_id))


@api.post("/khata/entries/<entry_id:int>/reverse", summary="Undo an entry with a mirror-image REVERSAL",
          body=ReversalIn, response=EntryResult, status=201, errors=(404, 422))
def reverse(call: Call, entry_id: int) -> EntryResult:
    return ledger.reverse_entry(call.ctx, entry_id, call.body.reason, idempotency_key=call.idempotency_key)
