"""Customer orders: the state machine, its stock and khata effects, and its log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, ledger, orders, parties
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, OrderStatus, PartyKind, Role
from erp_core.errors import (
    CreditLimitExceeded, DomainError, InsufficientStock, InvalidTransition, PermissionDenied, ValidationError,
)
from erp_core.models import CreditEntry, Order, OrderEvent, StockMovement
from erp_core.orders import TRANSITIONS
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal
S = OrderStatus
PATHS: dict[OrderStatus, list[OrderStatus]] = {
    S.DRAFT: [],
    S.CONFIRMED: [S.CONFIRMED],
    S.ACCEPTED: [S.CONFIRMED, S.ACCEPTED],
    S.PACKED: [S.CONFIRMED, S.ACCEPTED, S.PACKED],
    S.DISPATCHED: [S.CONFIRMED, S.ACCEPTED, S.PACKED, S.DISPATCHED],
    S.DELIVERED: [S.CONFIRMED, S.ACCEPTED, S.PACKED, S.DISPATCHED, S.DELIVERED],
    S.COMPLETED: [S.CONFIRMED, S.ACCEPTED, S.PACKED, S.DISPATCHED, S.DELIVERED, S.COMPLETED],
    S.CANCELLED: [S.CANCELLED],
    S.REJECTED: [S.CONFIRMED, S.REJECTED],
}


@pytest.fixture
def goods(make_product):
    return make_product("Chawal", stock=20, price="50"), make_product("Dal", stock=10, price="120")


def stock(ctx, product_id) -> tuple[Decimal, Decimal, Decimal]:
    level = inventory.stock_of(ctx, product_id)
    return level.on_hand, level.reserved, level.available


def count(ctx, model, *where) -> int:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def khata(ctx, party_id) -> list[tuple[EntryKind, Decimal, Decimal]]:
    return [(line.kind, line.debit, line.credit) for line in ledger.statement(ctx, party_id)]


def place(ctx, party, goods, rice_qty="4", dal_qty="1"):
    rice, dal = goods
    return orders.create_order(ctx, party.id, [LineIn(product_id=rice.id, quantity=D(rice_qty)),
                                               LineIn(product_id=dal.id, quantity=D(dal_qty))])


def drive(ctx, order_id, path):
    for status in path:
        orders.transition(ctx, order_id, status)


def state(ctx, order, goods) -> tuple:
    """Everything an order transition may change."""
    return (orders.get_order(ctx, order.id).status, *(stock(ctx, p.id) for p in goods),
            khata(ctx, order.party_id), count(ctx, OrderEvent), count(ctx, StockMovement))


def test_the_happy_path_from_draft_to_completed(shop, goods, make_customer):
    rice, dal = goods
    sharma = make_customer()
    order = place(shop, sharma, goods)
    assert (order.status, order.total, order.number) == (S.DRAFT, D("320.00"), 1)
    assert [(line.product_id, line.unit_price, line.line_total) for line in order.lines] == [
        (rice.id, D("50.00"), D("200.00")), (dal.id, D("120.00"), D("120.00"))]
    assert (stock(shop, rice.id), khata(shop, sharma.id)) == ((D(20), D(0), D(20)), [])

    assert orders.transition(shop, order.id, S.CONFIRMED).status is S.CONFIRMED
    assert stock(shop, rice.id) == (D(20), D(4), D(16))
    assert stock(shop, dal.id) == (D(10), D(1), D(9))
    assert inventory.movements(shop, rice.id)[0].kind is MovementKind.RESERVE
    assert khata(shop, sharma.id) == []

    orders.transition(shop, order.id, S.ACCEPTED)
    assert khata(shop, sharma.id) == [(EntryKind.ORDER, D("320.00"), D("0.00"))]
    assert ledger.balance(shop, sharma.id).balance == D("320.00")
    assert stock(shop, rice.id) == (D(20), D(4), D(16))

    movements_before = count(shop, StockMovement)
    orders.transition(shop, order.id, S.PACKED)
    assert count(shop, StockMovement) == movements_before
    assert stock(shop, rice.id) == (D(20), D(4), D(16))

    orders.transition(shop, order.id, S.DISPATCHED)
    assert stock(shop, rice.id) == (D(16), D(0), D(16))
    assert stock(shop, dal.id) == (D(9), D(0), D(9))
    for product, qty in ((rice, D(4)), (dal, D(1))):
        latest = inventory.movements(shop, product.id)[:2]
        assert [(m.kind, m.on_hand_delta, m.reserved_delta, m.ref_type, m.ref_id) for m in latest] == [
            (MovementKind.STOCK_OUT, -qty, D(0), "order", order.id),
            (MovementKind.RELEASE, D(0), -qty, "order", order.id)]

    orders.transition(shop, order.id, S.DELIVERED)
    done = orders.transition(shop, order.id, S.COMPLETED)
    assert done.status is S.COMPLETED
    assert stock(shop, rice.id) == (D(16), D(0), D(16))
    assert ledger.balance(shop, sharma.id).balance == D("320.00")
    assert [e.to_status for e in orders.order_history(shop, order.id)] == [
        S.DRAFT, S.CONFIRMED, S.ACCEPTED, S.PACKED, S.DISPATCHED, S.DELIVERED, S.COMPLETED]


@pytest.mark.parametrize("source", [S.CONFIRMED, S.ACCEPTED, S.PACKED])
def test_cancelling_releases_the_reservation_and_reverses_the_debit(shop, goods, make_customer, source):
    rice, dal = goods
    sharma = make_customer(opening_balance="30")
    order = place(shop, sharma, goods)
    drive(shop, order.id, PATHS[source])
    orders.transition(shop, order.id, S.CANCELLED, reason="customer changed mind")
    assert orders.get_order(shop, order.id).status is S.CANCELLED
    assert stock(shop, rice.id) == (D(20), D(0), D(20))
    assert stock(shop, dal.id) == (D(10), D(0), D(10))
    assert inventory.movements(shop, rice.id)[0].kind is MovementKind.RELEASE
    assert ledger.balance(shop, sharma.id).balance == D("30.00")
    lines = ledger.statement(shop, sharma.id)
    if source is S.CONFIRMED:
        assert [line.kind for line in lines] == [EntryKind.OPENING]
    else:
        assert [(line.kind, line.debit, line.credit) for line in lines] == [
            (EntryKind.OPENING, D("30.00"), D("0.00")), (EntryKind.ORDER, D("320.00"), D("0.00")),
            (EntryKind.REVERSAL, D("0.00"), D("320.00"))]
        with shop.db.session(shop.tenant_id) as session:
            reversal = session.get(CreditEntry, lines[2].entry_id)
        assert (reversal.reverses_id, reversal.ref_type, reversal.ref_id) == (lines[1].entry_id, "order", order.id)


def test_cancelling_a_draft_changes_nothing_but_the_status(shop, goods, make_customer):
    sharma = make_customer()
    order = place(shop, sharma, goods)
    movements = count(shop, StockMovement)
    orders.transition(shop, order.id, S.CANCELLED)
    assert orders.get_order(shop, order.id).status is S.CANCELLED
    assert count(shop, StockMovement) == movements
    assert khata(shop, sharma.id) == []


def test_a_confirmed_order_can_be_rejected_and_its_stock_released(shop, goods, make_customer):
    rice, _ = goods
    sharma = make_customer()
    order = place(shop, sharma, goods)
    orders.transition(shop, order.id, S.CONFIRMED)
    orders.transition(shop, order.id, S.REJECTED, reason="no delivery to that area")
    assert orders.get_order(shop, order.id).status is S.REJECTED
    assert stock(shop, rice.id) == (D(20), D(0), D(20))
    assert khata(shop, sharma.id) == []


ILLEGAL = [(source, target) for source in S for target in S if target not in TRANSITIONS.get(source, frozenset())]


def test_the_illegal_transitions_are_the_complement_of_the_documented_machine():
    legal = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert legal == {
        (S.DRAFT, S.CONFIRMED), (S.DRAFT, S.CANCELLED), (S.CONFIRMED, S.ACCEPTED), (S.CONFIRMED, S.REJECTED),
        (S.CONFIRMED, S.CANCELLED), (S.ACCEPTED, S.PACKED), (S.ACCEPTED, S.CANCELLED), (S.PACKED, S.DISPATCHED),
        (S.PACKED, S.CANCELLED), (S.DISPATCHED, S.DELIVERED), (S.DELIVERED, S.COMPLETED)}
    assert len(ILLEGAL) == 81 - 11


@pytest.mark.parametrize("source", list(S))
def test_every_illegal_transition_is_refused_and_changes_nothing(shop, goods, make_customer, source):
    sharma = make_customer()
    order = place(shop, sharma, goods)
    drive(shop, order.id, PATHS[source])
    before = state(shop, order, goods)
    assert before[0] is source
    targets = [target for s, target in ILLEGAL if s is source]
    assert targets  # every status has something it may not become (at least itself)
    for target in targets:
        with pytest.raises(InvalidTransition) as error:
            orders.transition(shop, order.id, target)
        assert (error.value.params["from_status"], error.value.params["to_status"]) == (source.value, target.value)
        assert state(shop, order, goods) == before


def test_every_transition_is_logged_with_who_from_and_to(db, shop, goods, make_customer):
    sharma = make_customer()
    add_user(shop, wa_id="919812345601", role="customer", party_id=sharma.id)
    add_user(shop, wa_id="919812345602", role="manager")
    customer = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919812345601"))
    manager = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919812345602"))
    order = place(customer, sharma, goods)
    orders.transition(customer, order.id, S.CONFIRMED, reason="jaldi bhejna")
    orders.transition(manager, order.id, S.ACCEPTED)
    orders.transition(shop, order.id, S.CANCELLED, reason="stock kharab")
    history = orders.order_history(shop, order.id)
    assert [(e.from_status, e.to_status, e.actor_id, e.reason) for e in history] == [
        (None, S.DRAFT, customer.actor.user_id, ""),
        (S.DRAFT, S.CONFIRMED, customer.actor.user_id, "jaldi bhejna"),
        (S.CONFIRMED, S.ACCEPTED, manager.actor.user_id, ""),
        (S.ACCEPTED, S.CANCELLED, None, "stock kharab"),  # the system actor has no user row
    ]
    assert customer.actor.user_id is not None and manager.actor.user_id is not None
    assert all(e.at.tzinfo is not None for e in history)
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert orders.order_history(customer, order.id) == history


def test_confirming_more_than_is_available_is_refused_and_reserves_nothing(shop, goods, make_customer):
    rice, dal = goods
    sharma, gupta = make_customer(), make_customer("Gupta ji")
    first = place(shop, sharma, goods, rice_qty="15", dal_qty="1")
    orders.transition(shop, first.id, S.CONFIRMED)
    # Rice is reserved before dal (product order); dal is short, so the rice reservation must roll back too.
    too_much_dal = place(shop, gupta, goods, rice_qty="2", dal_qty="9.5")
    before = state(shop, too_much_dal, goods)
    with pytest.raises(InsufficientStock) as error:
        orders.transition(shop, too_much_dal.id, S.CONFIRMED)
    assert (error.value.params["product_id"], error.value.params["available"]) == (dal.id, D(9))
    assert state(shop, too_much_dal, goods) == before
    # What the first order reserved is not available to the next one either.
    too_much_rice = place(shop, gupta, goods, rice_qty="6", dal_qty="1")
    with pytest.raises(InsufficientStock) as error:
        orders.transition(shop, too_much_rice.id, S.CONFIRMED)
    assert (error.value.params["product_id"], error.value.params["available"]) == (rice.id, D(5))
    assert stock(shop, rice.id) == (D(20), D(15), D(5))
    assert orders.get_order(shop, too_much_rice.id).status is S.DRAFT


def test_accepting_over_the_credit_limit_is_blocked_when_the_tenant_blocks(new_shop, make_product, make_customer):
    block = new_shop(credit_policy="block")
    goods = (make_product("Chawal", stock=20, price="50", ctx=block),
             make_product("Dal", stock=10, price="120", ctx=block))
    sharma = make_customer(ctx=block, credit_limit="300")
    order = place(block, sharma, goods)  # 320
    orders.transition(block, order.id, S.CONFIRMED)
    before = state(block, order, goods)
    with pytest.raises(CreditLimitExceeded):
        orders.transition(block, order.id, S.ACCEPTED)
    assert state(block, order, goods) == before


def test_cancelling_an_order_whose_debit_was_already_reversed_credits_it_once(shop, goods, make_customer):
    rice, _ = goods
    sharma = make_customer()
    order = place(shop, sharma, goods)
    drive(shop, order.id, [S.CONFIRMED, S.ACCEPTED])
    order_entry = ledger.statement(shop, sharma.id)[0]
    assert order_entry.kind is EntryKind.ORDER
    ledger.reverse_entry(shop, order_entry.entry_id, "booked twice")
    orders.transition(shop, order.id, S.CANCELLED)
    assert orders.get_order(shop, order.id).status is S.CANCELLED
    assert stock(shop, rice.id) == (D(20), D(0), D(20))
    # One reversal only: the customer is not credited twice.
    assert [line.kind for line in ledger.statement(shop, sharma.id)] == [EntryKind.ORDER, EntryKind.REVERSAL]
    assert ledger.balance(shop, sharma.id).balance == D(0)



def test_accepting_over_the_credit_limit_warns_when_the_shop_only_warns(shop, make_product, make_customer):
    rice = make_product(stock=10, price="100")
    sharma = make_customer(credit_limit=500)
    order = orders.create_order(shop, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(6))])
    orders.transition(shop, order.id, "CONFIRMED")
    accepted = orders.transition(shop, order.id, "ACCEPTED")
    assert accepted.status == OrderStatus.ACCEPTED
    assert accepted.warnings == ["credit_limit_exceeded"]


def test_placing_an_order_creates_and_confirms_it_in_one_go(shop, make_product, make_customer):
    from erp_core.orders import order_by_number, order_history, place_order

    rice = make_product("Chawal", stock=20)
    sharma = make_customer("Sharma ji")
    order = place_order(shop, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(5))])
    assert order.status is OrderStatus.CONFIRMED and order.total == Decimal("250.00")
    assert inventory.stock_of(shop, rice.id).reserved == Decimal(5)
    assert [e.to_status for e in order_history(shop, order.id)] == [OrderStatus.DRAFT, OrderStatus.CONFIRMED]
    assert order_by_number(shop, order.number).id == order.id


def test_an_order_that_cannot_be_reserved_leaves_nothing_behind(shop, make_product, make_customer):
    from erp_core.errors import InsufficientStock
    from erp_core.models import Order
    from erp_core.orders import place_order

    rice = make_product("Chawal", stock=2)
    sharma = make_customer("Sharma ji")
    with pytest.raises(InsufficientStock):
        place_order(shop, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(5))])
    with shop.read() as session:
        assert session.scalars(select(Order)).all() == []


def test_a_customer_finds_only_their_own_order_by_number(shop, make_product, make_customer):
    from erp_core.errors import NotFound
    from erp_core.orders import order_by_number, place_order

    rice = make_product("Chawal", stock=20)
    sharma, gupta = make_customer("Sharma ji"), make_customer("Gupta ji")
    order = place_order(shop, gupta.id, [LineIn(product_id=rice.id, quantity=Decimal(1))])
    from erp_core.enums import Role
    from erp_core.permissions import Actor

    as_sharma = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER, party_id=sharma.id))
    with pytest.raises(NotFound) as caught:
        order_by_number(as_sharma, order.number)
    assert caught.value.params["ref"] == order.number
    with pytest.raises(NotFound):
        order_by_number(shop, 999)


@pytest.mark.parametrize("status", list(S))
def test_an_order_can_be_cancelled_exactly_where_the_machine_allows(shop, goods, make_customer, status):
    order = place(shop, make_customer(), goods)
    drive(shop, order.id, PATHS[status])
    order = orders.get_order(shop, order.id)
    assert orders.can_cancel(status) is (status in {S.DRAFT, S.CONFIRMED, S.ACCEPTED, S.PACKED})
    assert orders.can_cancel(status.value) is orders.can_cancel(status)
    if orders.can_cancel(status):
        orders.require_cancellable(order)
        return
    with pytest.raises(InvalidTransition) as told:
        orders.require_cancellable(order)
    with pytest.raises(InvalidTransition) as refused:
        orders.transition(shop, order.id, S.CANCELLED)
    assert told.value.params == refused.value.params == {"order": order.number, "from_status": status.value,
                                                         "to_status": "CANCELLED"}


def stranger(shop, wa_id="919877005566"):
    return Context(shop.db, shop.tenant_id, actor_for(shop.db, shop.tenant_id, wa_id))


def test_a_new_number_orders_and_opens_its_account_in_one_go(shop, goods):
    rice, _ = goods
    lines = [LineIn(product_id=rice.id, quantity=D(4))]
    order = orders.place_own_order(stranger(shop), lines, wa_id="+919877005566", profile_name=" Kavita ",
                                   idempotency_key="wamid.1")
    kavita = parties.party_details(shop, order.party_id)
    assert (kavita.name, kavita.phone, kavita.kind) == ("Kavita", "919877005566", PartyKind.CUSTOMER)
    assert (order.status, order.total, stock(shop, rice.id)) == (S.CONFIRMED, D("200.00"), (D(20), D(4), D(16)))
    assert actor_for(shop.db, shop.tenant_id, "919877005566").party_id == kavita.id
    # the same message again, before or after the number is known: the same order, no second account
    for ctx in (Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER)), stranger(shop)):
        assert orders.place_own_order(ctx, lines, wa_id="+919877005566", profile_name=" Kavita ",
                                      idempotency_key="wamid.1") == order
    assert [p.id for p in parties.list_parties(shop)] == [kavita.id]
    assert count(shop, Order) == 1 and stock(shop, rice.id) == (D(20), D(4), D(16))


def test_a_nameless_number_is_named_by_its_number(shop, goods):
    order = orders.place_own_order(stranger(shop, "9779841234567"), [LineIn(product_id=goods[0].id, quantity=D(1))],
                                   wa_id="9779841234567", profile_name="")
    assert parties.party_details(shop, order.party_id).name == "+9779841234567"


@pytest.mark.parametrize("problem", ["stock", "product", "quantity"])
def test_an_order_that_fails_opens_no_account(shop, goods, problem):
    rice, _ = goods
    line = {"stock": LineIn(product_id=rice.id, quantity=D(21)), "product": LineIn(product_id=99999, quantity=D(1)),
            "quantity": LineIn(product_id=rice.id, quantity=D(-1))}[problem]
    with pytest.raises(DomainError):
        orders.place_own_order(stranger(shop), [line], wa_id="919877005566", profile_name="Kavita",
                               idempotency_key="wamid.2")
    assert parties.list_parties(shop) == [] and count(shop, Order) == 0
    assert actor_for(shop.db, shop.tenant_id, "919877005566").party_id is None
    assert stock(shop, rice.id) == (D(20), D(0), D(20))


def test_a_known_customer_orders_for_their_own_account(shop, goods, make_customer):
    kavita = make_customer("Kavita ji", phone="9877005566")
    order = orders.place_own_order(stranger(shop), [LineIn(product_id=goods[1].id, quantity=D(2))],
                                   wa_id="919877005566", profile_name="Kavita WhatsApp")
    assert (order.party_id, order.status, order.total) == (kavita.id, S.CONFIRMED, D("240.00"))
    assert [p.id for p in parties.list_parties(shop)] == [kavita.id]


def test_only_a_customer_places_their_own_order(shop, goods):
    with pytest.raises(PermissionDenied):
        orders.place_own_order(shop, [LineIn(product_id=goods[0].id, quantity=D(1))], wa_id="919877005566")
    with pytest.raises(ValidationError):
        orders.place_own_order(stranger(shop), [LineIn(product_id=goods[0].id, quantity=D(1))], wa_id="12345")
    assert parties.list_parties(shop) == [] and count(shop, Order) == 0


def test_the_next_statuses_follow_the_flow_with_cancelling_last():
    assert orders.next_statuses(S.CONFIRMED) == [S.ACCEPTED, S.CANCELLED, S.REJECTED]
    assert orders.next_statuses("PACKED") == [S.DISPATCHED, S.CANCELLED]
    assert orders.next_statuses(S.COMPLETED) == orders.next_statuses(S.CANCELLED) == []
    assert {(a, b) for a in S for b in orders.next_statuses(a)} == {(a, b) for a, t in TRANSITIONS.items() for b in t}


@pytest.mark.parametrize("source", [S.CANCELLED, S.PACKED])
def test_require_move_raises_what_transition_would(shop, goods, make_customer, source):
    order = place(shop, make_customer(), goods)
    drive(shop, order.id, PATHS[source])
    order = orders.get_order(shop, order.id)
    for allowed in orders.next_statuses(source):
        orders.require_move(order, allowed)
    with pytest.raises(InvalidTransition) as told:
        orders.require_move(order, S.DELIVERED)
    with pytest.raises(InvalidTransition) as refused:
        orders.transition(shop, order.id, S.DELIVERED)
    assert told.value.params == refused.value.params == {"order": order.number, "from_status": source.value,
                                                         "to_status": "DELIVERED"}
