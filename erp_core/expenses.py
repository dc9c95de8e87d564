"""Shop expenses: an append-only ledger of money spent, under the shop's categories.

Every shop starts with the default categories (food, travel, fuel, rent,
electricity, salary, purchase, repair, phone, other) and may add its own. An
entry is never edited: a mistake is undone by a reversing entry with the
negated amount, so summaries simply add up the ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import PaymentMode
from erp_core.errors import NotFound, ValidationError
from erp_core.ledger import business_date
from erp_core.models import Expense, ExpenseCategory
from erp_core.permissions import Permission
from erp_core.values import money, payment_mode

DEFAULT_CATEGORIES = ("food", "travel", "fuel", "rent", "electricity", "salary", "purchase", "repair", "phone",
                      "other")


class ExpenseResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    expense_id: int
    category: str
    amount: Decimal
    mode: PaymentMode
    spent_on: date


class ExpenseView(BaseModel):
    """One ledger entry; a reversal has a negative amount and names the entry it reverses."""

    model_config = ConfigDict(frozen=True)
    id: int
    category: str
    amount: Decimal
    mode: PaymentMode
    note: str
    spent_on: date
    reverses_id: int | None
    created_at: datetime


class CategoryTotal(BaseModel):
    model_config = ConfigDict(frozen=True)
    category: str
    amount: Decimal


class ExpenseSummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    first_day: date
    last_day: date
    total: Decimal
    by_category: list[CategoryTotal]
    """Largest first; categories with nothing spent are left out."""


class _Names(BaseModel):
    names: list[str]


def _ensure_defaults(session: Session) -> None:
    if session.scalar(select(func.count(ExpenseCategory.id))) == 0:
        session.add_all(ExpenseCategory(name=name) for name in DEFAULT_CATEGORIES)
        session.flush()


def _normalise(name: str) -> str:
    return " ".join(name.lower().split())


def categories(ctx: Context) -> list[str]:
    """The shop's expense categories: the defaults until it adds its own."""
    ctx.actor.require(Permission.RECORD_EXPENSE)
    with ctx.read() as session:
        names = session.scalars(select(ExpenseCategory.name).order_by(ExpenseCategory.id)).all()
    return list(names) or list(DEFAULT_CATEGORIES)


def add_category(ctx: Context, name: str, *, idempotency_key: str | None = None) -> list[str]:
    """Add a category of the shop's own; returns all categories."""
    ctx.actor.require(Permission.VIEW_EXPENSES)
    name = _normalise(name)
    if not name:
        raise ValidationError(field="category", reason="is required")

    def work(session: Session) -> _Names:
        _ensure_defaults(session)
        if session.scalar(select(ExpenseCategory.id).where(ExpenseCategory.name == name)) is not None:
            raise ValidationError(field="category", reason=f"{name} already exists")
        session.add(ExpenseCategory(name=name))
        session.flush()
        return _Names(names=list(session.scalars(select(ExpenseCategory.name).order_by(ExpenseCategory.id))))

    return ctx.run("expense.category.add", {"name": name}, work, _Names, idempotency_key).names


def record_expense(
    ctx: Context,
    amount: Decimal | int | str,
    category: str = "other",
    mode: PaymentMode | str = PaymentMode.CASH,
    *,
    note: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> ExpenseResult:
    """Book money the shop spent, on the shop's calendar date of `at` (now by default)."""
    ctx.actor.require(Permission.RECORD_EXPENSE)
    value = money(amount, positive=True)
    category = _normalise(category)
    mode = payment_mode(mode, "mode", on_credit="an expense is paid, not given on credit")
    request = {"amount": value, "category": category, "mode": mode, "note": note, "at": at}

    def work(session: Session) -> ExpenseResult:
        _ensure_defaults(session)
        category_id = session.scalar(select(ExpenseCategory.id).where(ExpenseCategory.name == category))
        if category_id is None:
            raise ValidationError(field="category", reason=f"{category!r} is not one of the shop's categories")
        when = at or utcnow()
        expense = Expense(category_id=category_id, amount=value, mode=mode, note=note,
                          spent_on=business_date(ctx.tenant(session), when), created_by=ctx.actor.user_id,
                          created_at=when)
        session.add(expense)
        session.flush()
        return ExpenseResult(expense_id=expense.id, category=category, amount=value, mode=mode,
                             spent_on=expense.spent_on)

    return ctx.run("expense.record", request, work, ExpenseResult, idempotency_key)


def reverse_in(session: Session, expense_id: int, reason: str, actor_id: int | None) -> ExpenseResult:
    """Append the reversing entry of expense `expense_id` inside the caller's transaction."""
    original = session.get(Expense, expense_id)
    if original is None:
        raise NotFound(what="expense", ref=expense_id)
    if original.reverses_id is not None:
        raise ValidationError(field="expense_id", reason="a reversal cannot itself be reversed")
    if session.scalar(select(Expense.id).where(Expense.reverses_id == expense_id)) is not None:
        raise ValidationError(field="expense_id", reason=f"expense {expense_id} is already reversed")
    reversal = Expense(category_id=original.category_id, amount=-original.amount, mode=original.mode, note=reason,
                       spent_on=original.spent_on, reverses_id=original.id, created_by=actor_id)
    session.add(reversal)
    session.flush()
    name = session.scalar(select(ExpenseCategory.name).where(ExpenseCategory.id == original.category_id))
    return ExpenseResult(expense_id=reversal.id, category=name or "", amount=reversal.amount, mode=reversal.mode,
                         spent_on=reversal.spent_on)


def reverse_expense(ctx: Context, expense_id: int, reason: str, *,
                    idempotency_key: str | None = None) -> ExpenseResult:
    """Undo an expense with a reversing entry (the original stays in the ledger)."""
    ctx.actor.require(Permission.REVERSE)
    if not reason.strip():
        raise ValidationError(field="reason", reason="say why the expense is reversed")
    return ctx.run("expense.reverse", {"expense_id": expense_id, "reason": reason},
                   lambda session: reverse_in(session, expense_id, reason, ctx.actor.user_id),
                   ExpenseResult, idempotency_key)


def expense_summary(ctx: Context, first_day: date, last_day: date) -> ExpenseSummary:
    """What the shop spent from `first_day` to `last_day` (inclusive), in total and per category."""
    ctx.actor.require(Permission.VIEW_EXPENSES)
    with ctx.read() as session:
        rows = session.execute(
            select(ExpenseCategory.name, func.sum(Expense.amount))
            .join(ExpenseCategory, ExpenseCategory.id == Expense.category_id)
            .where(Expense.spent_on >= first_day, Expense.spent_on <= last_day)
            .group_by(ExpenseCategory.name)
        ).all()
    totals = sorted((CategoryTotal(category=name, amount=amount) for name, amount in rows if amount),
                    key=lambda t: (-t.amount, t.category))
    return ExpenseSummary(first_day=first_day, last_day=last_day,
                          total=sum((t.amount for t in totals), Decimal("0.00")), by_category=totals)


def list_expenses(
    ctx: Context, *, after_id: int = 0, limit: int = 50, first_day: date | None = None, last_day: date | None = None,
    category: str | None = None,
) -> list[ExpenseView]:
    """Expense entries (reversals included) in id order after `after_id`, optionally within days and a category."""
    ctx.actor.require(Permission.VIEW_EXPENSES)
    query = (select(Expense, ExpenseCategory.name).join(ExpenseCategory, ExpenseCategory.id == Expense.category_id)
             .where(Expense.id > after_id).order_by(Expense.id).limit(limit))
    if first_day is not None:
        query = query.where(Expense.spent_on >= first_day)
    if last_day is not None:
        query = query.where(Expense.spent_on <= last_day)
    if category is not None:
        query = query.where(ExpenseCategory.name == _normalise(category))
    with ctx.read() as session:
        return [ExpenseView(id=e.id, category=name, amount=e.amount, mode=e.mode, note=e.note, spent_on=e.spent_on,
                            reverses_id=e.reverses_id, created_at=e.created_at)
                for e, name in session.execute(query).all()]
