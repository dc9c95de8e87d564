"""The expense ledger: default categories, append-only entries, reversals and summaries."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from erp_core import expenses
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.models import Expense
from erp_core.permissions import Actor

# 20:00 UTC on the 15th is already the 16th in India.
LATE_EVENING = datetime(2025, 1, 15, 20, 0, tzinfo=timezone.utc)


def test_a_new_shop_has_the_default_categories(shop):
    assert expenses.categories(shop) == list(expenses.DEFAULT_CATEGORIES)


def test_an_expense_is_booked_on_the_shop_date(shop):
    result = expenses.record_expense(shop, "250", "Food", "upi", note="chai", at=LATE_EVENING)
    assert (result.category, result.amount, result.mode, result.spent_on) == (
        "food", Decimal("250.00"), "upi", date(2025, 1, 16))


def test_summary_adds_up_per_category_and_reversals_cancel(shop):
    expenses.record_expense(shop, 500, "fuel", at=LATE_EVENING)
    rent = expenses.record_expense(shop, 12000, "rent", at=LATE_EVENING)
    expenses.record_expense(shop, "99.50", "fuel", at=LATE_EVENING)
    expenses.reverse_expense(shop, rent.expense_id, "booked twice")
    summary = expenses.expense_summary(shop, date(2025, 1, 16), date(2025, 1, 16))
    assert summary.total == Decimal("599.50")
    assert [(t.category, t.amount) for t in summary.by_category] == [("fuel", Decimal("599.50"))]
    assert expenses.expense_summary(shop, date(2025, 1, 17), date(2025, 1, 31)).total == 0


def test_the_ledger_keeps_the_original_and_the_reversal(shop):
    original = expenses.record_expense(shop, 300, "repair")
    reversal = expenses.reverse_expense(shop, original.expense_id, "wrong shop")
    with shop.read() as session:
        amounts = session.scalars(select(Expense.amount).order_by(Expense.id)).all()
    assert amounts == [Decimal("300.00"), Decimal("-300.00")] and reversal.amount == Decimal("-300.00")
    with pytest.raises(ValidationError):
        expenses.reverse_expense(shop, original.expense_id, "again")
    with pytest.raises(ValidationError):
        expenses.reverse_expense(shop, reversal.expense_id, "reverse the reversal")


def test_own_categories_can_be_added_and_unknown_ones_are_refused(shop):
    with pytest.raises(ValidationError):
        expenses.record_expense(shop, 100, "packaging")
    assert expenses.add_category(shop, " Packaging ")[-1] == "packaging"
    assert expenses.record_expense(shop, 100, "packaging").category == "packaging"


@pytest.mark.parametrize("amount, mode", [(0, "cash"), (-5, "cash"), (10, "credit"), (10, "barter")])
def test_bad_expenses_are_refused_and_nothing_is_written(shop, amount, mode):
    with pytest.raises(ValidationError):
        expenses.record_expense(shop, amount, "food", mode)
    with shop.read() as session:
        assert session.scalars(select(Expense)).all() == []


def test_staff_record_expenses_but_cannot_see_the_summary_or_reverse(shop):
    staff = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.STAFF))
    booked = expenses.record_expense(staff, 40, "food")
    with pytest.raises(PermissionDenied):
        expenses.expense_summary(staff, date(2000, 1, 1), date(2100, 1, 1))
    with pytest.raises(PermissionDenied):
        expenses.reverse_expense(staff, booked.expense_id, "oops")


def test_expenses_of_one_shop_are_invisible_to_another(new_shop):
    first, second = new_shop(), new_shop()
    expenses.record_expense(first, 700, "salary")
    assert expenses.expense_summary(second, date(2000, 1, 1), date(2100, 1, 1)).total == 0
