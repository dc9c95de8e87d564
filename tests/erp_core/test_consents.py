"""Consents per person and purpose: append-only, the latest entry counts, reminders opt-in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from erp_core import consents
from erp_core.enums import ConsentPurpose, Role
from erp_core.errors import ValidationError
from erp_core.models import AuditEntry, Consent
from erp_core.permissions import Actor
from erp_core.tenants import add_user

PERSON = "919811122233"


def _rows(ctx):
    with ctx.read() as session:
        return session.scalar(select(func.count()).select_from(Consent))


def test_a_new_number_is_introduced_once_with_transactional_consent(shop):
    first = consents.introduce(shop, PERSON, "whatsapp message wamid.1")
    again = consents.introduce(shop, PERSON, "whatsapp message wamid.2")
    assert (first.notice_due, again.notice_due) == (True, False)
    [given] = consents.history(shop, PERSON)
    assert (given.purpose, given.granted, given.source) == (ConsentPurpose.TRANSACTIONAL, True,
                                                            "whatsapp message wamid.1")
    assert consents.may_send(shop, PERSON, "transactional")
    assert not consents.may_send(shop, PERSON, ConsentPurpose.REMINDERS)


def test_the_latest_choice_counts_and_every_choice_is_kept(shop):
    consents.record(shop, PERSON, "reminders", True, "whatsapp message wamid.yes")
    assert consents.may_send(shop, PERSON, "reminders")
    consents.record(shop, "+" + PERSON, "reminders", False, "cli")
    assert not consents.may_send(shop, PERSON, "reminders")
    assert [(c.granted, c.source) for c in consents.history(shop, PERSON)] == [
        (True, "whatsapp message wamid.yes"), (False, "cli")]
    assert consents.current(shop, PERSON)[ConsentPurpose.REMINDERS].source == "cli"


def test_consents_belong_to_one_shop(new_shop):
    one, other = new_shop(), new_shop()
    consents.record(one, PERSON, "reminders", True, "cli")
    assert consents.may_send(one, PERSON, "reminders")
    assert not consents.may_send(other, PERSON, "reminders")
    assert consents.introduce(other, PERSON, "cli").notice_due


def test_the_shops_own_people_get_no_notice(shop):
    add_user(shop, wa_id=PERSON, role=Role.STAFF, name="Ravi")
    assert not consents.introduce(shop, PERSON, "whatsapp message wamid.1").notice_due
    assert _rows(shop) == 0


def test_a_registered_customer_gets_the_notice(shop, make_customer):
    sharma = make_customer("Sharma ji", phone=PERSON)
    add_user(shop, wa_id=PERSON, role=Role.CUSTOMER, party_id=sharma.id)
    assert consents.introduce(shop, PERSON, "whatsapp message wamid.1").notice_due


def test_the_audit_log_names_the_consent_not_the_number(shop):
    consents.record(shop, PERSON, "reminders", True, "whatsapp message wamid.9")
    with shop.read() as session:
        payloads = session.scalars(select(AuditEntry.payload).where(AuditEntry.action == "consent.record")).all()
    assert len(payloads) == 1 and PERSON not in payloads[0] and "wamid.9" in payloads[0]


@pytest.mark.parametrize("wa_id, purpose, source", [
    ("12345", "reminders", "cli"), (PERSON, "marketing", "cli"), (PERSON, "reminders", " "),
    (PERSON, "reminders", "x" * 201),
])
def test_bad_input_writes_nothing(shop, wa_id, purpose, source):
    with pytest.raises(ValidationError):
        consents.record(shop, wa_id, purpose, True, source)
    assert _rows(shop) == 0


def test_a_customer_records_their_own_choice(shop):
    from erp_core.context import Context

    customer = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER))
    assert consents.record(customer, PERSON, "reminders", True, "whatsapp message wamid.3").granted
    assert consents.may_send(shop, PERSON, "reminders")
