"""A person's data in the books: export, erasure that keeps the books balancing, the retention setting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from erp_core import consents, ledger, orders, parties, privacy
from erp_core.check import check_tenant
from erp_core.enums import ConsentPurpose, Role
from erp_core.errors import ValidationError
from erp_core.models import AuditEntry, Consent, IdempotencyRecord, User
from erp_core.sales import LineIn
from erp_core.tenants import add_user

PERSON = "919811122233"


@pytest.fixture
def customer_with_books(shop, make_product, make_customer):
    """A customer with a phone, an opening balance, an order, a payment made in chat, and reminders consent."""
    sharma = make_customer("Sharma ji", phone="98111 22233", opening_balance="500", address="Gali 4, Pune")
    rice = make_product("Chawal", stock=20)
    orders.place_order(shop, sharma.id, [LineIn(product_id=rice.id, quantity=Decimal(2))])
    ledger.record_payment(shop, sharma.id, "200", idempotency_key=f"chat:123:{PERSON}:wamid.7:payment")
    consents.record(shop, PERSON, "reminders", True, "whatsapp message wamid.8")
    return sharma


def test_export_holds_the_khata_orders_and_consents(shop, customer_with_books):
    data = privacy.person_data(shop, PERSON)
    [party] = data.parties
    assert (party.name, party.phone, party.address) == ("Sharma ji", PERSON, "Gali 4, Pune")
    assert party.balance == Decimal("300.00")
    assert [(line.debit, line.credit) for line in party.khata] == [(Decimal("500.00"), 0), (0, Decimal("200.00"))]
    assert [len(order.lines) for order in party.orders] == [1]
    assert [c.purpose for c in data.consents] == [ConsentPurpose.REMINDERS]
    assert privacy.person_data(shop, "919800000000").empty


def test_erasure_replaces_the_person_and_keeps_the_books(db, shop, customer_with_books):
    before = ledger.statement(shop, customer_with_books.id)
    erased = privacy.erase_person(shop, PERSON)
    assert erased.placeholder.startswith("erased-") and erased.parties == 1 and erased.replay_records == 1
    party = parties.party_details(shop, customer_with_books.id)
    assert (party.name, party.phone, party.address) == (erased.placeholder, None, "")
    assert ledger.statement(shop, customer_with_books.id) == before
    assert ledger.balance(shop, customer_with_books.id).balance == Decimal("300.00")
    assert privacy.person_data(shop, PERSON).empty
    assert not consents.may_send(shop, PERSON, "reminders")
    with shop.read() as session:
        assert set(session.scalars(select(Consent.wa_id))) == {erased.placeholder}
        assert session.scalars(select(IdempotencyRecord.key).where(IdempotencyRecord.key.contains(PERSON))).all() == []
        [entry] = session.scalars(select(AuditEntry.payload).where(AuditEntry.action == "privacy.erase")).all()
    assert PERSON not in entry and "Sharma" not in entry
    report = check_tenant(db, shop.tenant_id)
    assert report.ok, report.problems


def test_erasure_of_a_user_deactivates_them(shop):
    add_user(shop, wa_id=PERSON, role=Role.STAFF, name="Ravi")
    erased = privacy.erase_person(shop, PERSON)
    assert erased.users == 1
    with shop.read() as session:
        user = session.scalar(select(User))
    assert (user.wa_id, user.name, user.active) == (erased.placeholder, erased.placeholder, False)


def test_each_erasure_gets_its_own_placeholder(new_shop):
    one, other = new_shop(), new_shop()
    for ctx in (one, other):
        parties.add_party(ctx, kind="customer", name="Gupta", phone=PERSON)
    assert privacy.erase_person(one, PERSON).placeholder != privacy.erase_person(other, PERSON).placeholder


def test_retention_defaults_to_180_days_and_is_set_per_shop(new_shop):
    one, other = new_shop(), new_shop()
    assert privacy.conversation_retention_days(one) == 180
    assert privacy.set_conversation_retention(one, 30).days == 30
    assert (privacy.conversation_retention_days(one), privacy.conversation_retention_days(other)) == (30, 180)
    with pytest.raises(ValidationError):
        privacy.set_conversation_retention(one, 0)
    assert privacy.conversation_retention_days(one) == 30
