"""Sales (bills): stock out, prices, discount, udhaar, part-payment, credit limits, idempotency, bill numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, ledger, sales
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, PaymentMode
from erp_core.errors import CreditLimitExceeded, IdempotencyConflict, InsufficientStock, ValidationError
from erp_core.models import (
    AuditEntry,
    Counter,
    CreditEntry,
    IdempotencyRecord,
    Payment,
    Sale,
    SaleLine,
    StockMovement,
)
from erp_core.sales import LineIn

D = Decimal
_COUNTED = (Sale, SaleLine, StockMovement, CreditEntry, Payment, AuditEntry, IdempotencyRecord)


def rows(ctx: Context) -> dict[str, int]:
    """How many rows of each written table the tenant has, and its sale counter."""
    with ctx.db.session(ctx.tenant_id) as session:
        counts = {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in _COUNTED}
        counts["sale_counter"] = session.scalar(select(Counter.value).where(Counter.name == "sale")) or 0
    return counts


def entries(ctx: Context, party_id: int) -> list[tuple[EntryKind, Decimal, Decimal]]:
    with ctx.db.session(ctx.tenant_id) as session:
        found = session.scalars(select(CreditEntry).where(CreditEntry.party_id == party_id)
                                .order_by(CreditEntry.id)).all()
        return [(e.kind, e.debit, e.credit) for e in found]


def on_hand(ctx: Context, product_id: int) -> Decimal:
    return inventory.stock_of(ctx, product_id).on_hand


def test_a_cash_sale_to_a_walk_in_takes_stock_out_and_writes_no_khata(shop, make_product):
    rice = make_product("Chawal", stock=10, price="50")
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))])
    assert (result.party_id, result.party_balance, result.payment_mode) == (None, None, PaymentMode.CASH)
    assert (result.subtotal, result.total, result.paid, result.due) == (D("150.00"),) * 3 + (D("0.00"),)
    assert on_hand(shop, rice.id) == D(7)
    latest = inventory.movements(shop, rice.id)[0]
    assert (latest.kind, latest.on_hand_delta, latest.ref_type, latest.ref_id) == (
        MovementKind.STOCK_OUT, D("-3.000"), "sale", result.sale_id)
    counts = rows(shop)
    assert (counts["credit_entries"], counts["payments"]) == (0, 0)
    assert (counts["sales"], counts["sale_lines"]) == (1, 1)


def test_the_price_defaults_to_the_catalog_price_and_can_be_overridden(shop, make_product):
    dal = make_product("Dal", stock=10, price="52.50")
    sugar = make_product("Cheeni", stock=10, price="44")
    result = sales.post_sale(shop, [LineIn(product_id=dal.id, quantity=D("1.5")),
                                    LineIn(product_id=sugar.id, quantity=D(2), unit_price=D("40"))])
    assert [(line.unit_price, line.line_total) for line in result.lines] == [
        (D("52.50"), D("78.75")), (D("40.00"), D("80.00"))]
    assert result.total == D("158.75")
    with shop.db.session(shop.tenant_id) as session:
        stored = session.scalars(select(SaleLine).where(SaleLine.sale_id == result.sale_id)
                                 .order_by(SaleLine.product_id)).all()
    assert [(s.product_id, s.unit_price, s.line_total) for s in stored] == [
        (dal.id, D("52.50"), D("78.75")), (sugar.id, D("40.00"), D("80.00"))]


def test_line_totals_round_half_up_to_the_paisa(shop, make_product):
    salt = make_product("Namak", stock=1, price="0.20")
    result = sales.post_sale(shop, [LineIn(product_id=salt.id, quantity=D("0.125"))])
    assert result.lines[0].line_total == D("0.03")  # 0.025 rounds up, not to even


def test_a_discount_comes_off_the_bill_and_the_khata(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=10, price="50")
    oil = make_product("Tel", stock=10, price="180")
    sharma = make_customer()
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2)),
                                    LineIn(product_id=oil.id, quantity=D(1))],
                             party_id=sharma.id, discount="30", payment_mode="credit")
    assert (result.subtotal, result.discount, result.total) == (D("280.00"), D("30.00"), D("250.00"))
    assert (result.paid, result.due, result.party_balance) == (D("0.00"), D("250.00"), D("250.00"))
    assert entries(shop, sharma.id) == [(EntryKind.SALE, D("250.00"), D("0.00"))]


def test_a_credit_sale_needs_a_customer(shop, make_product):
    rice = make_product(stock=10)
    before = rows(shop)
    with pytest.raises(ValidationError) as error:
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], payment_mode="credit")
    assert error.value.params["field"] == "party_id"
    assert rows(shop) == before
    assert on_hand(shop, rice.id) == D(10)


def test_a_credit_sale_debits_the_khata_and_records_no_payment(shop, make_product, make_customer):
    rice = make_product(stock=10, price="50")
    sharma = make_customer(opening_balance="100")
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], party_id=sharma.id,
                             payment_mode=PaymentMode.CREDIT)
    assert (result.paid, result.due, result.party_balance) == (D("0.00"), D("150.00"), D("250.00"))
    assert ledger.balance(shop, sharma.id).balance == D("250.00")
    assert entries(shop, sharma.id) == [(EntryKind.OPENING, D("100.00"), D("0.00")),
                                        (EntryKind.SALE, D("150.00"), D("0.00"))]
    assert rows(shop)["payments"] == 0


def test_a_credit_sale_cannot_also_be_paid(shop, make_product, make_customer):
    rice = make_product(stock=10)
    sharma = make_customer()
    before = rows(shop)
    with pytest.raises(ValidationError):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], party_id=sharma.id,
                        payment_mode="credit", paid="10")
    assert rows(shop) == before


def test_a_part_payment_leaves_the_rest_due(shop, make_product, make_customer):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], party_id=sharma.id,
                             payment_mode="upi", paid="100")
    assert (result.total, result.paid, result.due, result.party_balance) == (
        D("150.00"), D("100.00"), D("50.00"), D("50.00"))
    assert entries(shop, sharma.id) == [(EntryKind.SALE, D("150.00"), D("0.00")),
                                        (EntryKind.PAYMENT, D("0.00"), D("100.00"))]
    with shop.db.session(shop.tenant_id) as session:
        payment = session.scalars(select(Payment)).one()
        sale = session.get(Sale, result.sale_id)
    assert (payment.party_id, payment.amount, payment.mode) == (sharma.id, D("100.00"), PaymentMode.UPI)
    assert (sale.paid, sale.due) == (D("100.00"), D("50.00"))


def test_a_fully_paid_sale_to_a_customer_nets_to_zero_in_the_khata(shop, make_product, make_customer):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], party_id=sharma.id)
    assert result.party_balance == D("0.00")
    assert entries(shop, sharma.id) == [(EntryKind.SALE, D("100.00"), D("0.00")),
                                        (EntryKind.PAYMENT, D("0.00"), D("100.00"))]


def test_a_part_payment_from_a_walk_in_is_refused(shop, make_product):
    rice = make_product(stock=10, price="50")
    before = rows(shop)
    with pytest.raises(ValidationError):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], paid="100")
    assert rows(shop) == before


@pytest.mark.parametrize("bad", [{"paid": "150.01"}, {"discount": "150.01"}, {"discount": "100", "paid": "60"}],
                         ids=["overpaid", "discount-over-bill", "paid-over-discounted-bill"])
def test_paying_or_discounting_more_than_the_bill_is_refused(shop, make_product, make_customer, bad):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    before = rows(shop)
    with pytest.raises(ValidationError):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(3))], party_id=sharma.id, **bad)
    assert rows(shop) == before
    assert on_hand(shop, rice.id) == D(10)


def test_a_discount_equal_to_the_bill_is_allowed(shop, make_product):
    rice = make_product(stock=10, price="50")
    result = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], discount="50")
    assert (result.total, result.paid, result.due) == (D("0.00"), D("0.00"), D("0.00"))


@pytest.mark.parametrize("bad", [{"discount": 0.5}, {"paid": 10.0}], ids=["discount", "paid"])
def test_float_amounts_are_refused(shop, make_product, make_customer, bad):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    before = rows(shop)
    with pytest.raises(ValidationError) as error:
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], party_id=sharma.id, **bad)
    assert "float" in error.value.params["reason"]
    assert rows(shop) == before


@pytest.mark.parametrize("line", [{"quantity": 2.5}, {"quantity": D(1), "unit_price": 19.99}],
                         ids=["quantity", "unit_price"])
def test_float_line_values_are_refused(shop, make_product, line):
    rice = make_product(stock=10, price="50")
    before = rows(shop)
    with pytest.raises(ValidationError) as error:
        sales.post_sale(shop, [LineIn(product_id=rice.id, **line)])
    assert "float" in error.value.params["reason"]
    assert rows(shop) == before


def test_insufficient_stock_writes_nothing(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=10)
    oil = make_product("Tel", stock=2)
    sharma = make_customer()
    before = rows(shop)
    # Rice (the lower product id) is taken out first, so its movement must be rolled back too.
    with pytest.raises(InsufficientStock) as error:
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(4)), LineIn(product_id=oil.id, quantity=D(3))],
                        party_id=sharma.id, payment_mode="credit")
    assert (error.value.params["product_id"], error.value.params["available"],
            error.value.params["requested"]) == (oil.id, D("2.000"), D("3.000"))
    assert rows(shop) == before
    assert (on_hand(shop, rice.id), on_hand(shop, oil.id)) == (D(10), D(2))
    assert ledger.balance(shop, sharma.id).balance == D(0)


def test_over_the_credit_limit_warns_and_posts_when_the_tenant_warns(new_shop, make_product, make_customer):
    warn = new_shop(credit_policy="warn")
    rice = make_product(stock=10, price="50", ctx=warn)
    sharma = make_customer(ctx=warn, credit_limit="100", opening_balance="40")
    within = sales.post_sale(warn, [LineIn(product_id=rice.id, quantity=D("1.2"))], party_id=sharma.id,
                             payment_mode="credit")
    assert (within.warnings, within.party_balance) == ([], D("100.00"))  # exactly at the limit is fine
    over = sales.post_sale(warn, [LineIn(product_id=rice.id, quantity=D(1))], party_id=sharma.id,
                           payment_mode="credit")
    assert over.warnings == ["credit_limit_exceeded"]
    assert ledger.balance(warn, sharma.id).balance == D("150.00")
    assert on_hand(warn, rice.id) == D("7.8")


def test_over_the_credit_limit_is_blocked_and_writes_nothing_when_the_tenant_blocks(
        new_shop, make_product, make_customer):
    block = new_shop(credit_policy="block")
    rice = make_product(stock=10, price="50", ctx=block)
    sharma = make_customer(ctx=block, credit_limit="100", opening_balance="40")
    before = rows(block)
    with pytest.raises(CreditLimitExceeded) as error:
        sales.post_sale(block, [LineIn(product_id=rice.id, quantity=D(2))], party_id=sharma.id,
                        payment_mode="cash", paid="30")  # due 70 on top of 40 owed
    assert (error.value.params["limit"], error.value.params["balance"]) == (D("100.00"), D("110.00"))
    assert rows(block) == before
    assert on_hand(block, rice.id) == D(10)
    assert ledger.balance(block, sharma.id).balance == D("40.00")
    # Paying enough now keeps the due within the limit, so the same bill goes through.
    ok = sales.post_sale(block, [LineIn(product_id=rice.id, quantity=D(2))], party_id=sharma.id, paid="40")
    assert (ok.warnings, ok.party_balance) == ([], D("100.00"))


def test_a_repeated_idempotency_key_replays_the_first_result_and_writes_nothing(shop, make_product, make_customer):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    lines = [LineIn(product_id=rice.id, quantity=D(2))]
    first = sales.post_sale(shop, lines, party_id=sharma.id, paid="60", idempotency_key="wamid.1")
    after_first = rows(shop)
    again = sales.post_sale(shop, lines, party_id=sharma.id, paid="60", idempotency_key="wamid.1")
    assert again == first
    assert rows(shop) == after_first
    assert on_hand(shop, rice.id) == D(8)
    assert ledger.balance(shop, sharma.id).balance == D("40.00")


@pytest.mark.parametrize("change", [{"paid": "70"}, {"quantity": D(3)}, {"party": None}])
def test_a_reused_idempotency_key_for_another_request_is_a_conflict(shop, make_product, make_customer, change):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], party_id=sharma.id, paid="60",
                    idempotency_key="wamid.2")
    before = rows(shop)
    with pytest.raises(IdempotencyConflict):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=change.get("quantity", D(2)))],
                        party_id=change.get("party", sharma.id), paid=change.get("paid", "60"),
                        idempotency_key="wamid.2")
    assert rows(shop) == before
    assert on_hand(shop, rice.id) == D(8)


def test_an_idempotency_key_of_another_operation_is_a_conflict(shop, make_product, make_customer):
    rice = make_product(stock=10, price="50")
    sharma = make_customer()
    ledger.record_payment(shop, sharma.id, "10", idempotency_key="wamid.3")
    before = rows(shop)
    with pytest.raises(IdempotencyConflict):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(1))], idempotency_key="wamid.3")
    assert rows(shop) == before


def test_bill_numbers_are_gapless_per_tenant_even_when_a_sale_fails(new_shop, make_product):
    first_shop, second_shop = new_shop(), new_shop()
    rice = make_product(stock=3, ctx=first_shop)
    other = make_product(stock=3, ctx=second_shop)
    one = sales.post_sale(first_shop, [LineIn(product_id=rice.id, quantity=D(1))])
    with pytest.raises(InsufficientStock):
        sales.post_sale(first_shop, [LineIn(product_id=rice.id, quantity=D(5))])
    two = sales.post_sale(first_shop, [LineIn(product_id=rice.id, quantity=D(1))])
    elsewhere = sales.post_sale(second_shop, [LineIn(product_id=other.id, quantity=D(1))])
    assert (one.number, two.number, elsewhere.number) == (1, 2, 1)
    with first_shop.db.session(first_shop.tenant_id) as session:
        assert session.scalars(select(Sale.number).order_by(Sale.number)).all() == [1, 2]
