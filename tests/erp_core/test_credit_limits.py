"""A customer's credit limit: set by owners and managers, not staff; credit sales respect it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import credit_limits, ledger, sales
from erp_core.context import Context
from erp_core.enums import Role
from erp_core.errors import CreditLimitExceeded, PermissionDenied, UnknownParty, ValidationError
from erp_core.permissions import Actor
from erp_core.sales import LineIn

D = Decimal


def test_set_change_and_remove_a_limit(shop, make_customer):
    sharma = make_customer("Sharma ji", opening_balance="1500")
    manager = Context(shop.db, shop.tenant_id, Actor(None, Role.MANAGER))
    first = credit_limits.set_credit_limit(manager, sharma.id, "10000")
    assert (first.credit_limit, first.previous_limit, first.balance, first.over_limit) == (
        D(10000), None, D(1500), False)
    lower = credit_limits.set_credit_limit(shop, sharma.id, 1000, idempotency_key="limit-1")
    assert (lower.previous_limit, lower.over_limit) == (D(10000), True)
    assert credit_limits.set_credit_limit(shop, sharma.id, 1000, idempotency_key="limit-1") == lower
    assert ledger.balance(shop, sharma.id).credit_limit == D(1000)
    assert credit_limits.set_credit_limit(shop, sharma.id, None).credit_limit is None
    assert ledger.credit_check(shop, sharma.id, 99999).within_limit


def test_a_blocking_shop_refuses_credit_over_the_new_limit(new_shop, make_product, make_customer):
    ctx = new_shop(credit_policy="block")
    rice = make_product("Chawal", ctx=ctx, stock=10, price="50")
    gupta = make_customer("Gupta ji", ctx=ctx)
    credit_limits.set_credit_limit(ctx, gupta.id, "100")
    with pytest.raises(CreditLimitExceeded):
        sales.post_sale(ctx, [LineIn(product_id=rice.id, quantity=D(3))], party_id=gupta.id, payment_mode="credit")


def test_staff_and_customers_cannot_set_limits_and_bad_amounts_are_refused(shop, make_customer):
    sharma = make_customer("Sharma ji")
    for role in (Role.STAFF, Role.CUSTOMER):
        with pytest.raises(PermissionDenied):
            credit_limits.set_credit_limit(Context(shop.db, shop.tenant_id, Actor(None, role)), sharma.id, "500")
    for amount in ("-5", "1.234", 10.5):
        with pytest.raises(ValidationError):
            credit_limits.set_credit_limit(shop, sharma.id, amount)
    with pytest.raises(UnknownParty):
        credit_limits.set_credit_limit(shop, 999_999, "500")
    assert ledger.balance(shop, sharma.id).credit_limit is None
