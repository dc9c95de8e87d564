"""Who may do what: staff run the counter, managers may undo, customers see only their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, ledger, orders, parties, reports, sales
from erp_core.catalog import ProductRef
from erp_core.context import Context
from erp_core.enums import Country, OrderStatus, PartyKind, Role
from erp_core.errors import NotFound, PermissionDenied, ValidationError
from erp_core.models import AuditEntry, CreditEntry, Sale
from erp_core.parties import PartyRef
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.tenants import actor_for, add_user

D = Decimal
S = OrderStatus
START = datetime(2024, 6, 1, tzinfo=timezone.utc)
END = START + timedelta(days=1)


@dataclass
class Team:
    owner: Context
    staff: Context
    manager: Context
    asha: Context
    bina: Context
    rice: ProductRef
    asha_party: PartyRef
    bina_party: PartyRef


@pytest.fixture
def team(db, shop, make_product, make_customer) -> Team:
    rice = make_product("Chawal", stock=50, cost="40", price="50")
    asha_party = make_customer("Asha", opening_balance="100")
    bina_party = make_customer("Bina", opening_balance="200")
    for wa_id, role, party in (("919800000001", "staff", None), ("919800000002", "manager", None),
                               ("919800000003", "customer", asha_party.id),
                               ("919800000004", "customer", bina_party.id)):
        add_user(shop, wa_id=wa_id, role=role, party_id=party)

    def ctx(wa_id: str) -> Context:
        return Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, wa_id))

    return Team(owner=shop, staff=ctx("919800000001"), manager=ctx("919800000002"), asha=ctx("919800000003"),
                bina=ctx("919800000004"), rice=rice, asha_party=asha_party, bina_party=bina_party)


def order_for(ctx: Context, team: Team, party: PartyRef, qty: str = "2") -> orders.OrderView:
    return orders.create_order(ctx, party.id, [LineIn(product_id=team.rice.id, quantity=D(qty))])


def accepted_order(team: Team) -> orders.OrderView:
    order = order_for(team.owner, team, team.asha_party)
    orders.transition(team.owner, order.id, S.CONFIRMED)
    orders.transition(team.owner, order.id, S.ACCEPTED)
    return order


def count(ctx: Context, model) -> int:
    with ctx.db.session(ctx.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_actor_for_maps_numbers_to_roles_and_parties(db, team):
    assert (team.staff.actor.role, team.staff.actor.party_id) == (Role.STAFF, None)
    assert team.manager.actor.role is Role.MANAGER
    assert (team.asha.actor.role, team.asha.actor.party_id) == (Role.CUSTOMER, team.asha_party.id)
    assert len({team.staff.actor.user_id, team.manager.actor.user_id, team.asha.actor.user_id,
                team.bina.actor.user_id} - {None}) == 4
    assert actor_for(db, team.owner.tenant_id, "+919800000001") == team.staff.actor


def test_an_unknown_number_is_a_customer_with_no_party(db, team, new_shop):
    assert actor_for(db, team.owner.tenant_id, "919899999999") == Actor(user_id=None, role=Role.CUSTOMER,
                                                                         party_id=None)
    # A user of one shop is a stranger to another.
    elsewhere = new_shop()
    assert actor_for(db, elsewhere.tenant_id, "919800000001") == Actor(user_id=None, role=Role.CUSTOMER)


def test_a_stranger_sees_no_orders_or_dues_and_cannot_order_for_anyone(db, team):
    stranger = Context(db, team.owner.tenant_id, actor_for(db, team.owner.tenant_id, "919899999999"))
    order = order_for(team.owner, team, team.asha_party)
    with pytest.raises(NotFound):
        orders.get_order(stranger, order.id)
    with pytest.raises(PermissionDenied):
        ledger.balance(stranger, team.asha_party.id)
    with pytest.raises(NotFound):
        order_for(stranger, team, team.asha_party)
    with pytest.raises(PermissionDenied):
        sales.post_sale(stranger, [LineIn(product_id=team.rice.id, quantity=D(1))])


def test_staff_do_not_see_profit_but_managers_and_owners_do(team):
    sales.post_sale(team.staff, [LineIn(product_id=team.rice.id, quantity=D(3))], at=START)
    assert reports.sales_summary(team.staff, START, END).profit is None
    assert reports.sales_summary(team.staff, START, END).total == D("150.00")
    assert reports.sales_summary(team.manager, START, END).profit == D("30.00")
    assert reports.sales_summary(team.owner, START, END).profit == D("30.00")
    day = START.date()
    with pytest.raises(PermissionDenied):
        reports.profit_summary(team.staff, day, day)
    assert reports.profit_summary(team.manager, day, day).gross_profit == D("30.00")
    assert reports.daily_summary(team.staff, day).profit is None


def test_staff_do_not_see_the_stock_valuation_but_managers_do(team):
    with pytest.raises(PermissionDenied):
        inventory.valuation(team.staff)
    assert inventory.valuation(team.manager).total == D("2000.00")


def test_staff_post_sales_and_record_payments_in_their_own_name(team):
    sale = sales.post_sale(team.staff, [LineIn(product_id=team.rice.id, quantity=D(2))],
                           party_id=team.asha_party.id, payment_mode="credit")
    payment = ledger.record_payment(team.staff, team.asha_party.id, "50")
    assert (sale.party_balance, payment.balance) == (D("200.00"), D("150.00"))
    with team.owner.db.session(team.owner.tenant_id) as session:
        assert session.get(Sale, sale.sale_id).created_by == team.staff.actor.user_id
        assert session.get(CreditEntry, payment.entry_id).created_by == team.staff.actor.user_id
        assert session.scalars(select(AuditEntry.actor_id).order_by(AuditEntry.seq.desc())).first() == \
            team.staff.actor.user_id


def test_staff_cannot_reverse_khata_entries_but_managers_can(team):
    opening = ledger.statement(team.owner, team.asha_party.id)[0].entry_id
    entries = count(team.owner, CreditEntry)
    with pytest.raises(PermissionDenied):
        ledger.reverse_entry(team.staff, opening, "galti")
    assert count(team.owner, CreditEntry) == entries
    assert ledger.reverse_entry(team.manager, opening, "galti").balance == D("0.00")


def test_staff_cannot_cancel_an_accepted_order_but_managers_can(team):
    order = accepted_order(team)
    with pytest.raises(PermissionDenied):
        orders.transition(team.staff, order.id, S.CANCELLED)
    assert orders.get_order(team.owner, order.id).status is S.ACCEPTED
    assert ledger.balance(team.owner, team.asha_party.id).balance == D("200.00")
    assert inventory.stock_of(team.owner, team.rice.id).reserved == D(2)
    orders.transition(team.manager, order.id, S.CANCELLED)
    assert ledger.balance(team.owner, team.asha_party.id).balance == D("100.00")
    assert inventory.stock_of(team.owner, team.rice.id).reserved == D(0)


def test_staff_may_cancel_an_order_that_is_not_yet_in_the_khata(team):
    order = order_for(team.staff, team, team.asha_party)
    orders.transition(team.staff, order.id, S.CONFIRMED)
    assert orders.transition(team.staff, order.id, S.CANCELLED).status is S.CANCELLED


def test_customers_see_only_their_own_orders(team):
    mine = order_for(team.asha, team, team.asha_party)
    theirs = order_for(team.owner, team, team.bina_party)
    assert orders.get_order(team.asha, mine.id).id == mine.id
    assert [e.to_status for e in orders.order_history(team.asha, mine.id)] == [S.DRAFT]
    with pytest.raises(NotFound):
        orders.get_order(team.asha, theirs.id)
    with pytest.raises(NotFound):
        orders.order_history(team.asha, theirs.id)
    with pytest.raises(NotFound):
        orders.transition(team.asha, theirs.id, S.CANCELLED)
    assert orders.get_order(team.owner, theirs.id).status is S.DRAFT


def test_customers_see_only_their_own_dues(team):
    assert ledger.balance(team.asha, team.asha_party.id).balance == D("100.00")
    assert [line.balance for line in ledger.statement(team.asha, team.asha_party.id)] == [D("100.00")]
    for look in (ledger.balance, ledger.statement):
        with pytest.raises(PermissionDenied):
            look(team.asha, team.bina_party.id)
    with pytest.raises(PermissionDenied):
        ledger.ageing(team.asha, party_id=team.bina_party.id)
    with pytest.raises(PermissionDenied):
        ledger.dues(team.asha)
    [row] = ledger.ageing(team.asha, party_id=team.asha_party.id)
    assert (row.party_id, row.total) == (team.asha_party.id, D("100.00"))


def test_customers_cannot_post_sales_or_payments_or_reverse(team):
    before = (count(team.owner, Sale), count(team.owner, CreditEntry))
    with pytest.raises(PermissionDenied):
        sales.post_sale(team.asha, [LineIn(product_id=team.rice.id, quantity=D(1))], party_id=team.asha_party.id)
    with pytest.raises(PermissionDenied):
        ledger.record_payment(team.asha, team.asha_party.id, "10")
    with pytest.raises(PermissionDenied):
        ledger.reverse_entry(team.asha, ledger.statement(team.owner, team.asha_party.id)[0].entry_id, "mera nahi")
    assert (count(team.owner, Sale), count(team.owner, CreditEntry)) == before


def test_customers_create_confirm_and_cancel_their_own_orders(team):
    order = order_for(team.asha, team, team.asha_party, qty="5")
    assert (order.party_id, order.total) == (team.asha_party.id, D("250.00"))
    orders.transition(team.asha, order.id, S.CONFIRMED)
    assert inventory.stock_of(team.owner, team.rice.id).reserved == D(5)
    orders.transition(team.asha, order.id, S.CANCELLED)
    assert inventory.stock_of(team.owner, team.rice.id).reserved == D(0)
    draft = order_for(team.asha, team, team.asha_party)
    assert orders.transition(team.asha, draft.id, S.CANCELLED).status is S.CANCELLED


def test_customers_cannot_order_for_others_or_move_orders_past_confirmation(team):
    with pytest.raises(NotFound):
        order_for(team.asha, team, team.bina_party)
    order = order_for(team.asha, team, team.asha_party)
    orders.transition(team.asha, order.id, S.CONFIRMED)
    for target in (S.ACCEPTED, S.REJECTED):
        with pytest.raises(PermissionDenied):
            orders.transition(team.asha, order.id, target)
    assert orders.get_order(team.owner, order.id).status is S.CONFIRMED
    orders.transition(team.owner, order.id, S.ACCEPTED)
    with pytest.raises(PermissionDenied):  # once it is in the khata only the shop may cancel
        orders.transition(team.asha, order.id, S.CANCELLED)
    assert orders.get_order(team.owner, order.id).status is S.ACCEPTED


def test_only_the_owner_adds_users(team):
    with pytest.raises(PermissionDenied):
        add_user(team.manager, wa_id="919800000009", role="staff")


@pytest.mark.parametrize("stored", ["919877001122", "+919877001122", "9877001122"])
def test_a_customer_in_the_khata_is_known_by_their_whatsapp_number(db, shop, make_customer, stored):
    party = make_customer("Kavita ji", phone=stored)
    actor = actor_for(db, shop.tenant_id, "919877001122")
    assert (actor.role, actor.party_id, actor.user_id) == (Role.CUSTOMER, party.id, None)


def test_a_local_number_belongs_to_the_shops_country_and_unknown_or_shared_numbers_to_nobody(db, new_shop):
    nepal = new_shop(country=Country.NP)
    thapa = parties.add_party(nepal, kind=PartyKind.CUSTOMER, name="Thapa dai", phone="9841234567")
    assert actor_for(db, nepal.tenant_id, "9779841234567").party_id == thapa.id
    assert actor_for(db, nepal.tenant_id, "919841234567").party_id is None  # an Indian number, not Thapa dai's
    assert actor_for(db, nepal.tenant_id, "9779800000999") == Actor(user_id=None, role=Role.CUSTOMER, party_id=None)
    parties.add_party(nepal, kind=PartyKind.CUSTOMER, name="Thapa bhai", phone="+9779841234567")
    assert actor_for(db, nepal.tenant_id, "9779841234567").party_id is None  # two customers share it: neither
    parties.add_party(nepal, kind=PartyKind.SUPPLIER, name="Himal Traders", phone="9779811100022")
    assert actor_for(db, nepal.tenant_id, "9779811100022").party_id is None  # suppliers do not order


def test_a_new_number_opens_its_own_khata_account_once(db, shop):
    stranger = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919877005566"))
    party = parties.register_self(stranger, wa_id="+919877005566", name=" Kavita ", idempotency_key="m1:customer")
    assert parties.register_self(stranger, wa_id="+919877005566", name=" Kavita ", idempotency_key="m1:customer") == party
    assert (party.kind, party.name, parties.party_details(shop, party.id).phone) == (PartyKind.CUSTOMER, "Kavita",
                                                                                   "919877005566")
    assert actor_for(db, shop.tenant_id, "919877005566").party_id == party.id
    nameless = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919877005567"))
    assert parties.register_self(nameless, wa_id="919877005567", name="").name == "+919877005567"


def test_only_a_number_outside_the_khata_may_open_an_account_for_itself(db, shop, team):
    for ctx in (team.owner, team.staff, team.asha):
        with pytest.raises(PermissionDenied):
            parties.register_self(ctx, wa_id="919877005568", name="Someone")
    stranger = Context(db, shop.tenant_id, actor_for(db, shop.tenant_id, "919877005569"))
    with pytest.raises(ValidationError):
        parties.register_self(stranger, wa_id="not a number", name="Someone")
