"""The khata: payments, reversals, statements, opening balances, ageing and dues."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import ledger, parties, sales
from erp_core.columns import utcnow
from erp_core.enums import EntryKind, PaymentMode
from erp_core.errors import IdempotencyConflict, NotFound, UnknownParty, ValidationError
from erp_core.models import CreditEntry, Payment
from erp_core.sales import LineIn

D = Decimal
AS_OF = date(2024, 6, 30)


def noon(day: date) -> datetime:
    """Noon UTC: the same calendar day in India (17:30 IST)."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def snapshot(ctx, entry_id: int) -> dict:
    with ctx.db.session(ctx.tenant_id) as session:
        entry = session.get(CreditEntry, entry_id)
        return {c.name: getattr(entry, c.key) for c in CreditEntry.__table__.columns}


def entry_count(ctx) -> int:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(CreditEntry))


@pytest.fixture
def rice(make_product):
    return make_product("Chawal", stock=5000, cost="1", price="1")


def credit_sale(ctx, product, party, amount: str, day: date | None = None):
    """A credit sale of `amount` rupees (the product costs 1 rupee a unit)."""
    return sales.post_sale(ctx, [LineIn(product_id=product.id, quantity=D(amount))], party_id=party.id,
                           payment_mode="credit", at=noon(day) if day else None)


def test_a_payment_lowers_the_balance(shop, make_customer):
    sharma = make_customer(opening_balance="500")
    result = ledger.record_payment(shop, sharma.id, "200", "upi", reference="UTR123")
    assert (result.amount, result.balance) == (D("200.00"), D("300.00"))
    assert ledger.balance(shop, sharma.id).balance == D("300.00")
    entry = snapshot(shop, result.entry_id)
    assert (entry["kind"], entry["debit"], entry["credit"], entry["ref_id"]) == (
        EntryKind.PAYMENT, D("0.00"), D("200.00"), result.payment_id)
    with shop.db.session(shop.tenant_id) as session:
        payment = session.get(Payment, result.payment_id)
    assert (payment.amount, payment.mode, payment.reference) == (D("200.00"), PaymentMode.UPI, "UTR123")


def test_paying_more_than_is_owed_leaves_an_advance(shop, make_customer):
    sharma = make_customer(opening_balance="100")
    assert ledger.record_payment(shop, sharma.id, "150").balance == D("-50.00")


@pytest.mark.parametrize("amount, mode", [("0", "cash"), ("-5", "cash"), (5.0, "cash"), ("1.001", "cash"),
                                          ("10", "credit"), ("10", "bitcoin")])
def test_bad_payments_are_refused(shop, make_customer, amount, mode):
    sharma = make_customer(opening_balance="100")
    before = entry_count(shop)
    with pytest.raises(ValidationError):
        ledger.record_payment(shop, sharma.id, amount, mode)
    assert entry_count(shop) == before
    assert ledger.balance(shop, sharma.id).balance == D("100.00")


def test_a_payment_from_an_unknown_party_is_refused(shop):
    with pytest.raises(UnknownParty):
        ledger.record_payment(shop, 987654, "10")
    assert entry_count(shop) == 0


def test_a_reversal_adds_a_mirror_entry_and_leaves_the_original_alone(shop, rice, make_customer):
    sharma = make_customer()
    credit_sale(shop, rice, sharma, "150")
    payment = ledger.record_payment(shop, sharma.id, "100")
    original = snapshot(shop, payment.entry_id)
    result = ledger.reverse_entry(shop, payment.entry_id, "cheque bounced")
    assert result.balance == D("150.00")
    assert ledger.balance(shop, sharma.id).balance == D("150.00")
    assert snapshot(shop, payment.entry_id) == original
    mirror = snapshot(shop, result.entry_id)
    assert (mirror["kind"], mirror["debit"], mirror["credit"], mirror["reverses_id"], mirror["party_id"],
            mirror["note"]) == (EntryKind.REVERSAL, D("100.00"), D("0.00"), payment.entry_id, sharma.id,
                                "cheque bounced")
    assert (mirror["ref_type"], mirror["ref_id"]) == (original["ref_type"], original["ref_id"])
    assert entry_count(shop) == 3


def test_reversing_a_debit_gives_a_credit(shop, rice, make_customer):
    sharma = make_customer(opening_balance="40")
    credit_sale(shop, rice, sharma, "150")
    sale_entry = ledger.statement(shop, sharma.id)[-1]
    assert sale_entry.kind is EntryKind.SALE
    result = ledger.reverse_entry(shop, sale_entry.entry_id, "wrong customer")
    assert result.balance == D("40.00")
    assert (snapshot(shop, result.entry_id)["debit"], snapshot(shop, result.entry_id)["credit"]) == (
        D("0.00"), D("150.00"))


def test_a_reversal_cannot_be_reversed_and_an_entry_not_reversed_twice(shop, make_customer):
    sharma = make_customer(opening_balance="100")
    opening = ledger.statement(shop, sharma.id)[0].entry_id
    reversal = ledger.reverse_entry(shop, opening, "typo")
    count = entry_count(shop)
    with pytest.raises(ValidationError) as twice:
        ledger.reverse_entry(shop, opening, "again")
    assert "already reversed" in twice.value.params["reason"]
    with pytest.raises(ValidationError) as of_reversal:
        ledger.reverse_entry(shop, reversal.entry_id, "undo the undo")
    assert "cannot itself be reversed" in of_reversal.value.params["reason"]
    assert entry_count(shop) == count
    assert ledger.balance(shop, sharma.id).balance == D("0.00")


def test_a_reversal_needs_a_reason_and_an_existing_entry(shop, make_customer):
    sharma = make_customer(opening_balance="100")
    opening = ledger.statement(shop, sharma.id)[0].entry_id
    with pytest.raises(ValidationError):
        ledger.reverse_entry(shop, opening, "   ")
    with pytest.raises(NotFound):
        ledger.reverse_entry(shop, opening + 100000, "gone")
    assert entry_count(shop) == 1


def test_the_statement_carries_a_running_balance(shop, rice, make_customer):
    sharma = make_customer(opening_balance="100")
    other = make_customer("Gupta ji")
    credit_sale(shop, rice, sharma, "150")
    credit_sale(shop, rice, other, "999")  # someone else's khata stays out of Sharma's statement
    payment = ledger.record_payment(shop, sharma.id, "70")
    ledger.reverse_entry(shop, payment.entry_id, "bounced")
    lines = ledger.statement(shop, sharma.id)
    assert [(line.kind, line.debit, line.credit, line.balance) for line in lines] == [
        (EntryKind.OPENING, D("100.00"), D("0.00"), D("100.00")),
        (EntryKind.SALE, D("150.00"), D("0.00"), D("250.00")),
        (EntryKind.PAYMENT, D("0.00"), D("70.00"), D("180.00")),
        (EntryKind.REVERSAL, D("70.00"), D("0.00"), D("250.00")),
    ]
    assert lines[-1].balance == ledger.balance(shop, sharma.id).balance


def test_entries_are_dated_by_the_shops_calendar(shop, rice, make_customer):
    sharma = make_customer()
    # 20:00 UTC on 31 March is 01:30 on 1 April in India.
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(5))], party_id=sharma.id, payment_mode="credit",
                    at=datetime(2024, 3, 31, 20, 0, tzinfo=timezone.utc))
    assert ledger.statement(shop, sharma.id)[0].entry_date == date(2024, 4, 1)


@pytest.mark.parametrize("opening, debit, credit", [("250", "250.00", "0.00"), ("-80", "0.00", "80.00")])
def test_an_opening_balance_is_an_opening_entry(shop, make_customer, opening, debit, credit):
    sharma = make_customer(opening_balance=opening)
    assert ledger.balance(shop, sharma.id).balance == D(opening)
    lines = ledger.statement(shop, sharma.id)
    assert [(line.kind, line.debit, line.credit) for line in lines] == [(EntryKind.OPENING, D(debit), D(credit))]
    assert [view.party_id for view in ledger.dues(shop)] == ([sharma.id] if D(opening) > 0 else [])


def test_no_opening_balance_means_no_entry(shop, make_customer):
    sharma = make_customer()
    assert ledger.statement(shop, sharma.id) == []
    assert ledger.balance(shop, sharma.id).balance == D(0)


def test_ageing_puts_what_is_left_of_each_debit_in_its_bucket_oldest_paid_first(shop, rice, make_customer):
    sharma = make_customer()
    credit_sale(shop, rice, sharma, "100", date(2024, 2, 1))    # 150 days old
    credit_sale(shop, rice, sharma, "200", date(2024, 4, 10))   # 81 days
    credit_sale(shop, rice, sharma, "300", date(2024, 5, 15))   # 46 days
    credit_sale(shop, rice, sharma, "400", date(2024, 6, 20))   # 10 days
    ledger.record_payment(shop, sharma.id, "250", at=noon(date(2024, 6, 25)))
    # The 250 pays the 100 from February and 150 of the 200 from April, leaving 50 of it.
    [row] = ledger.ageing(shop, as_of=AS_OF)
    assert (row.party_id, row.days_0_30, row.days_31_60, row.days_61_90, row.days_over_90, row.total) == (
        sharma.id, D("400"), D("300"), D("50"), D("0"), D("750"))
    assert row.total == ledger.balance(shop, sharma.id).balance


def test_a_payment_before_a_debit_is_an_advance_that_settles_it(shop, rice, make_customer):
    sharma = make_customer()
    ledger.record_payment(shop, sharma.id, "100", at=noon(date(2024, 1, 10)))
    credit_sale(shop, rice, sharma, "60", date(2024, 1, 15))
    assert ledger.ageing(shop, as_of=AS_OF) == []  # still 40 in advance
    credit_sale(shop, rice, sharma, "80", date(2024, 6, 1))
    [row] = ledger.ageing(shop, as_of=AS_OF)
    assert (row.days_0_30, row.days_31_60, row.days_61_90, row.days_over_90, row.total) == (
        D("40"), D("0"), D("0"), D("0"), D("40"))


@pytest.mark.parametrize("age, bucket", [(0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (400, 3)])
def test_ageing_bucket_edges(shop, rice, make_customer, age, bucket):
    sharma = make_customer()
    credit_sale(shop, rice, sharma, "70", AS_OF - timedelta(days=age))
    [row] = ledger.ageing(shop, as_of=AS_OF)
    expected = [D(0)] * 4
    expected[bucket] = D("70.00")
    assert [row.days_0_30, row.days_31_60, row.days_61_90, row.days_over_90] == expected


def test_ageing_lists_every_debtor_largest_first_and_can_look_at_one(shop, rice, make_customer):
    small, big, settled = make_customer("Sharma ji"), make_customer("Gupta ji"), make_customer("Verma ji")
    credit_sale(shop, rice, small, "100", date(2024, 6, 1))
    credit_sale(shop, rice, big, "500", date(2024, 3, 1))
    credit_sale(shop, rice, settled, "50", date(2024, 6, 1))
    ledger.record_payment(shop, settled.id, "50", at=noon(date(2024, 6, 2)))
    rows = ledger.ageing(shop, as_of=AS_OF)
    assert [(r.party_id, r.total) for r in rows] == [(big.id, D("500")), (small.id, D("100"))]
    assert rows[0].days_over_90 == D("500")  # 1 March to 30 June is 121 days
    assert [(r.party_id, r.total) for r in ledger.ageing(shop, as_of=AS_OF, party_id=small.id)] == [
        (small.id, D("100"))]


def test_dues_lists_only_customers_who_owe_largest_first(shop, rice, make_customer):
    owes_most = make_customer("Sharma ji", opening_balance="300")
    owes_less = make_customer("Gupta ji")
    credit_sale(shop, rice, owes_less, "120")
    paid_up = make_customer("Verma ji")
    credit_sale(shop, rice, paid_up, "80")
    ledger.record_payment(shop, paid_up.id, "80")
    make_customer("Advance wale", opening_balance="-50")
    make_customer("Naya grahak")
    parties.add_party(shop, kind="supplier", name="Wholesale Traders", opening_balance="900")
    dues = ledger.dues(shop)
    assert [(d.party_id, d.balance) for d in dues] == [(owes_most.id, D("300.00")), (owes_less.id, D("120.00"))]


def test_a_repeated_payment_key_replays_and_a_changed_payment_conflicts(shop, make_customer):
    sharma = make_customer(opening_balance="500")
    first = ledger.record_payment(shop, sharma.id, "200", idempotency_key="wamid.pay")
    again = ledger.record_payment(shop, sharma.id, "200", idempotency_key="wamid.pay")
    assert again == first
    assert (entry_count(shop), ledger.balance(shop, sharma.id).balance) == (2, D("300.00"))
    with pytest.raises(IdempotencyConflict):
        ledger.record_payment(shop, sharma.id, "250", idempotency_key="wamid.pay")
    assert (entry_count(shop), ledger.balance(shop, sharma.id).balance) == (2, D("300.00"))


def test_a_payment_key_reused_for_another_date_conflicts(shop, make_customer):
    sharma = make_customer(opening_balance="500")
    ledger.record_payment(shop, sharma.id, "200", at=noon(date(2024, 6, 1)), idempotency_key="wamid.pay")
    with pytest.raises(IdempotencyConflict):
        ledger.record_payment(shop, sharma.id, "200", at=noon(date(2024, 6, 20)), idempotency_key="wamid.pay")


def test_ageing_as_of_a_past_date_ignores_later_entries(shop, rice, make_customer):
    sharma = make_customer()
    credit_sale(shop, rice, sharma, "100", date(2024, 2, 1))
    credit_sale(shop, rice, sharma, "40", date(2024, 7, 15))   # after AS_OF
    ledger.record_payment(shop, sharma.id, "30", at=noon(date(2024, 7, 20)))  # after AS_OF
    [row] = ledger.ageing(shop, as_of=AS_OF)
    # On 30 June Sharma owed exactly the February 100, 150 days old.
    assert (row.days_0_30, row.days_over_90, row.total) == (D("0"), D("100"), D("100"))


def test_reversing_a_bill_removes_that_bill_from_ageing(shop, rice, make_customer):
    sharma = make_customer()
    with shop.read() as session:  # the reversal is dated today, so age everything relative to today
        as_of = ledger.business_date(shop.tenant(session), utcnow())
    credit_sale(shop, rice, sharma, "100", as_of - timedelta(days=150))
    credit_sale(shop, rice, sharma, "200", as_of - timedelta(days=10))
    wrong_bill = ledger.statement(shop, sharma.id)[-1].entry_id
    ledger.reverse_entry(shop, wrong_bill, "billed the wrong customer")
    [row] = ledger.ageing(shop, as_of=as_of)
    # Only the 150-day-old bill is still owed.
    assert (row.days_0_30, row.days_over_90, row.total) == (D("0"), D("100"), D("100"))


def test_credit_check_says_whether_more_udhaar_fits_the_limit(shop, make_customer):
    sharma = make_customer("Sharma ji", credit_limit=5000, opening_balance=3000)
    fits = ledger.credit_check(shop, sharma.id, 1500)
    assert (fits.within_limit, fits.headroom, fits.balance) == (True, Decimal("2000.00"), Decimal("3000.00"))
    assert ledger.credit_check(shop, sharma.id, "2000.01").within_limit is False
    unlimited = ledger.credit_check(shop, make_customer("Gupta ji").id, 1_000_000)
    assert unlimited.within_limit is True and unlimited.headroom is None
