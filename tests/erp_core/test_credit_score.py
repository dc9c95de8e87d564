"""Credit scores from the khata: the factors worked out by hand, the order good and bad payers come in, the
band and recommended limit, new customers' stated default, the reasons; owners and managers only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from erp_core import ledger, sales
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.credit_score import NEW_CUSTOMER, credit_score, features_of, score_of
from erp_core.errors import PermissionDenied
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal
TODAY = date(2026, 12, 1)


def day(back: int) -> date:
    return TODAY - timedelta(days=back)


def test_the_factors_are_worked_out_oldest_debit_first():
    found = features_of([(day(200), D(1000), D(0)), (day(180), D(0), D(1000)),      # paid in 20 days
                         (day(150), D(500), D(0)), (day(80), D(0), D(500)),         # paid 40 days late
                         (day(120), D(300), D(0))], TODAY)                          # unpaid for 120 days
    assert found.on_time_rate == pytest.approx(1000 / 1800)
    assert found.worst_delay == 90 and found.defaulted == D(300) and found.balance == D(300)
    assert found.average_delay == pytest.approx((0 * 1000 + 40 * 500 + 90 * 300) / 1800)
    assert found.account_age_days == 200


def payer(days_late: int, months: int = 8, unpaid: int = 0) -> list[tuple[date, Decimal, Decimal]]:
    """A customer buying ₹1,000 every 10 days and paying each `days_late` past the 30 days (the last `unpaid`
    purchases never)."""
    entries = []
    purchases = [day(back) for back in range(months * 30, 0, -10)]
    for index, bought in enumerate(purchases):
        entries.append((bought, D(1000), D(0)))
        paid = bought + timedelta(days=30 + days_late)
        if index < len(purchases) - unpaid and paid <= TODAY:
            entries.append((paid, D(0), D(1000)))
    return entries


def test_good_payers_score_above_late_payers_above_defaulters():
    good, late, bad = (score_of(features_of(payer(days), TODAY))[0] for days in (-20, 25, 100))
    assert good > late > bad
    assert good >= 70 and bad < 40


def test_a_customers_score_band_limit_and_reasons_from_the_books(shop, make_customer, make_product):
    rice = make_product("Chawal", stock=1000, price="100")
    sharma = make_customer("Sharma ji")
    now = utcnow()
    for back in range(240, 0, -10):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(10))], party_id=sharma.id,
                        payment_mode="credit", at=now - timedelta(days=back))
        if back > 20:
            ledger.record_payment(shop, sharma.id, "1000", at=now - timedelta(days=back - 12))
    scored = credit_score(shop, sharma.id)
    assert scored.band == "low" and scored.score >= 70 and not scored.new_customer
    assert scored.recommended_limit == D(4500)          # ₹3,000 a month × 1.5
    assert scored.positives[0].key == "on_time" and "100% of what fell due on time" in scored.positives[0].words
    fresh = make_customer("Naya Grahak")
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], party_id=fresh.id, payment_mode="credit")
    newcomer = credit_score(shop, fresh.id)
    assert (newcomer.score, newcomer.band, newcomer.new_customer, newcomer.recommended_limit) == (
        NEW_CUSTOMER, "medium", True, None)


def test_staff_do_not_see_credit_scores(shop, make_customer, db):
    sharma = make_customer("Sharma ji")
    add_user(shop, wa_id="919800000031", role="staff", name="counter")
    staff = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919800000031"))
    with pytest.raises(PermissionDenied):
        credit_score(staff, sharma.id)
