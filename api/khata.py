"""Payments and the credit ledger (khata): balances, statements (JSON and PDF), dues, ageing and credit limits."""

from __future__ import annotations


from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Raw, Resource
from api.types import Body, Day, Id, Money
from erp_core import credit_limits, ledger, statements
from erp_core.credit_limits import CreditLimitView
from erp_core.credit_score import CreditScore, credit_score
from erp_core.enums import PaymentMode
from erp_core.ledger import AgeingRow, BalanceView, EntryResult, PaymentResult, PaymentView, StatementLine
from erp_core.statement_pdf import render_statement
from erp_core.statements import Statement as PeriodStatement

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


class PeriodQuery(Body):
    start: Day | None = Field(default=None, alias="from")
    """Default: from the first entry."""
    end: Day | None = Field(default=None, alias="to")
    """Default: today in the shop's calendar."""


class CreditLimitIn(Body):
    credit_limit: Money | None
    """`null` removes the limit."""


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


@api.get("/khata/<party_id:int>/credit-score", summary="A customer's credit score (0-100), band, recommended limit "
         "and the factors for and against", response=CreditScore, errors=(404,))
def score(call: Call, party_id: int) -> CreditScore:
    return credit_score(call.ctx, party_id)


@api.post("/khata/entries/<entry_id:int>/reverse", summary="Undo an entry with a mirror-image REVERSAL",
          body=ReversalIn, response=EntryResult, status=201, errors=(404, 422))
def reverse(call: Call, entry_id: int) -> EntryResult:
    return ledger.reverse_entry(call.ctx, entry_id, call.body.reason, idempotency_key=call.idempotency_key)


@api.get("/khata/<party_id:int>/period-statement", summary="A party's statement for a period: opening balance, "
         "every entry, closing balance", query=PeriodQuery, response=PeriodStatement, errors=(404, 422))
def period_statement(call: Call, party_id: int) -> PeriodStatement:
    """Built from the khata ledger alone: the closing balance up to today is the party's balance."""
    return statements.statement(call.ctx, party_id, call.query.start, call.query.end)


@api.get("/khata/<party_id:int>/period-statement/pdf", summary="The statement as a PDF, with a UPI QR code for "
         "what is due", query=PeriodQuery, media_type="application/pdf", errors=(404, 422))
def period_statement_pdf(call: Call, party_id: int) -> Raw:
    view = statements.statement(call.ctx, party_id, call.query.start, call.query.end)
    return Raw(render_statement(view), filename=f"statement-{party_id}-{view.last_day}.pdf")


@api.post("/khata/<party_id:int>/credit-limit", summary="Set or remove a party's credit limit",
          body=CreditLimitIn, response=CreditLimitView, status=200, errors=(404, 422))
def set_credit_limit(call: Call, party_id: int) -> CreditLimitView:
    return credit_limits.set_credit_limit(call.ctx, party_id, call.body.credit_limit,
                                          idempotency_key=call.idempotency_key)
