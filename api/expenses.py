"""Expenses: record money spent, list the ledger, undo an entry, and a summary for a period."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Day, Money
from erp_core import expenses, periods
from erp_core.enums import PaymentMode
from erp_core.expenses import ExpenseResult, ExpenseSummary, ExpenseView

api = Resource("expenses", "Expenses")


class ExpenseIn(Body):
    amount: Money
    category: str = Field(default="other", min_length=1, max_length=40)
    mode: PaymentMode = PaymentMode.CASH
    note: str = Field(default="", max_length=500)


class ReversalIn(Body):
    reason: str = Field(min_length=1, max_length=500)


class CategoryIn(Body):
    name: str = Field(min_length=1, max_length=40)


class Categories(BaseModel):
    names: list[str]


class ExpenseListQuery(PageQuery):
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
    category: str | None = Field(default=None, max_length=40)


class SummaryQuery(Body):
    period: Literal[periods.PERIODS] | None = None  # type: ignore[valid-type]
    """A named period in the shop's calendar (`this_month`, ...); or give `from` and `to`."""
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _one_way(self) -> SummaryQuery:
        if self.period is not None:
            if self.start is not None or self.end is not None:
                raise ValueError("give either `period` or `from` and `to`, not both")
        elif self.start is None or self.end is None:
            raise ValueError("give `period`, or both `from` and `to`")
        elif self.start > self.end:
            raise ValueError("`from` is after `to`")
        return self


@api.post("/expenses", summary="Record money the shop spent", body=ExpenseIn, response=ExpenseResult, status=201,
          errors=(422,))
def record_expense(call: Call) -> ExpenseResult:
    b: ExpenseIn = call.body
    return expenses.record_expense(call.ctx, b.amount, b.category, b.mode, note=b.note,
                                   idempotency_key=call.idempotency_key)


@api.get("/expenses", summary="The expense ledger (reversals included)", query=ExpenseListQuery,
         response=Page[ExpenseView])
def list_expenses(call: Call) -> Page[ExpenseView]:
    q: ExpenseListQuery = call.query
    rows = expenses.list_expenses(call.ctx, after_id=q.position or 0, limit=q.limit + 1, first_day=q.start,
                                  last_day=q.end, category=q.category)
    return page(rows, q.limit, lambda e: e.id)


@api.post("/expenses/<expense_id:int>/reverse", summary="Undo an expense with a reversing entry", body=ReversalIn,
          response=ExpenseResult, status=201, errors=(404, 422))
def reverse_expense(call: Call, expense_id: int) -> ExpenseResult:
    return expenses.reverse_expense(call.ctx, expense_id, call.body.reason, idempotency_key=call.idempotency_key)


@api.get("/expenses/summary", summary="Spending in a period, in total and by category", query=SummaryQuery,
         response=ExpenseSummary, errors=(422,))
def summary(call: Call) -> ExpenseSummary:
    q: SummaryQuery = call.query
    if q.period is not None:
        with call.ctx.read() as session:
            tz = call.ctx.tenant(session).timezone
        named = periods.period(q.period, tz, datetime.now(timezone.utc))
        return expenses.expense_summary(call.ctx, named.first_day, named.last_day)
    return expenses.expense_summary(call.ctx, q.start, q.end)


@api.get("/expenses/categories", summary="The shop's expense categories", response=Categories)
def categories(call: Call) -> Categories:
    return Categories(names=expenses.categories(call.ctx))


@api.post("/expenses/categories", summary="Add a category of the shop's own", body=CategoryIn, response=Categories,
          status=201, errors=(422,))
def add_category(call: Call) -> Categories:
    return Categories(names=expenses.add_category(call.ctx, call.body.name, idempotency_key=call.idempotency_key))
