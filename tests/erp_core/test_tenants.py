"""A business's people: WhatsApp ids with a role, and moving a person to a new number."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from erp_core import consents, parties
from erp_core.context import Context
from erp_core.enums import ConsentPurpose, PartyKind, Role
from erp_core.errors import PermissionDenied, ValidationError
from erp_core.models import AuditEntry
from erp_core.tenants import actor_for, add_user, change_number

USER_ID = "IN.1502576394655843"


def person(shop: Context, wa_id: str) -> Context:
    return Context(shop.db, shop.tenant_id, actor_for(shop.db, shop.tenant_id, wa_id))


def test_a_user_who_hides_their_number_is_a_user_by_their_long_user_id(shop):
    parent_id = "US.ENT." + "1" * 128
    add_user(shop, wa_id=USER_ID, role=Role.STAFF, name="Sita")
    add_user(shop, wa_id=parent_id, role=Role.MANAGER)
    assert actor_for(shop.db, shop.tenant_id, USER_ID).role is Role.STAFF
    assert actor_for(shop.db, shop.tenant_id, parent_id).role is Role.MANAGER
    with pytest.raises(ValidationError):
        add_user(shop, wa_id="IN.not-an-id", role=Role.STAFF)


def test_a_customer_known_only_by_a_user_id_opens_an_account_under_it(shop):
    stranger = person(shop, USER_ID)
    account = parties.register_self(stranger, wa_id=USER_ID, name="")
    assert account.name == USER_ID
    assert person(shop, USER_ID).actor.party_id == account.id


def test_a_new_number_takes_the_role_and_the_khata_accounts_in_one_audited_operation(shop):
    old, new = "919800000011", "919800000099"
    customer = parties.add_party(shop, kind=PartyKind.CUSTOMER, name="Meena", phone=old)
    supplier = parties.add_party(shop, kind=PartyKind.SUPPLIER, name="Meena Traders", phone="9800000011")
    other = parties.add_party(shop, kind=PartyKind.CUSTOMER, name="Ravi", phone="919800000012")
    add_user(shop, wa_id=old, role=Role.MANAGER, name="Meena")

    moved = change_number(person(shop, old), old_wa_id=old, new_wa_id=new)

    assert (moved.role, moved.parties) == (Role.MANAGER, ("Meena", "Meena Traders"))
    assert actor_for(shop.db, shop.tenant_id, new).role is Role.MANAGER
    assert actor_for(shop.db, shop.tenant_id, old).role is Role.CUSTOMER
    phones = {p.id: parties.party_details(shop, p.id).phone for p in (customer, supplier, other)}
    assert phones == {customer.id: new, supplier.id: new, other.id: "919800000012"}
    with shop.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "user.change_number"
    assert json.loads(entry.payload)["request"] == {"old_wa_id": old, "new_wa_id": new}


def test_a_customer_moves_their_khata_and_their_consents_and_the_new_number_finds_them(shop):
    old, new = "919800000021", "919800000022"
    account = parties.add_party(shop, kind=PartyKind.CUSTOMER, name="Asha", phone=old)
    assert consents.introduce(shop, old, "whatsapp message wamid.1").notice_due
    consents.record(shop, old, ConsentPurpose.REMINDERS, False, "whatsapp message wamid.2")
    assert change_number(person(shop, old), old_wa_id=old, new_wa_id=new).parties == ("Asha",)
    assert person(shop, new).actor.party_id == account.id
    moved = consents.current(shop, new)
    assert {purpose: view.granted for purpose, view in moved.items()} == {
        ConsentPurpose.TRANSACTIONAL: True, ConsentPurpose.REMINDERS: False}
    assert not consents.introduce(shop, new, "whatsapp message wamid.3").notice_due  # told once, at the old number
    assert len(consents.history(shop, old)) == 2  # the old entries stay


def test_nobody_moves_another_persons_number_and_a_taken_number_is_refused(shop):
    add_user(shop, wa_id="919800000031", role=Role.OWNER)
    add_user(shop, wa_id="919800000032", role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        change_number(person(shop, "919800000032"), old_wa_id="919800000031", new_wa_id="919800000039")
    with pytest.raises(ValidationError):
        change_number(person(shop, "919800000031"), old_wa_id="919800000031", new_wa_id="919800000032")
    assert actor_for(shop.db, shop.tenant_id, "919800000031").role is Role.OWNER
