"""Customers and suppliers, found by the names people use for them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import ledger, parties
from erp_core.enums import PartyKind
from erp_core.errors import AmbiguousParty, UnknownParty, ValidationError


@pytest.fixture
def people(shop, make_customer):
    return {
        "sharma": make_customer("Sharma ji"),
        "gupta": make_customer("Gupta Traders"),
        "gupta_stores": make_customer("Gupta Stores"),
        "balaji": parties.add_party(shop, kind="supplier", name="Balaji Wholesale"),
    }


@pytest.mark.parametrize("query", ["Sharma ji", "sharma", "SHARMA JEE", "शर्मा जी", "sharmaa", "Mr Sharma", "Shri Sharma", "श्री शर्मा"])
def test_a_customer_is_found_by_name_honorific_and_script(shop, people, query):
    assert parties.resolve_party(shop, query).id == people["sharma"].id


def test_similar_names_ask_which_one(shop, people):
    with pytest.raises(AmbiguousParty) as error:
        parties.resolve_party(shop, "gupta")
    assert set(error.value.params["candidates"]) == {"Gupta Traders", "Gupta Stores"}


def test_a_name_said_exactly_wins_over_longer_ones(shop, people, make_customer):
    gupta_ji = make_customer("Gupta ji")
    assert parties.resolve_party(shop, "gupta").id == gupta_ji.id
    assert parties.resolve_party(shop, "gupta traders").id == people["gupta"].id


def test_the_kind_narrows_the_search(shop, people):
    assert parties.resolve_party(shop, "balaji", PartyKind.SUPPLIER).id == people["balaji"].id
    with pytest.raises(UnknownParty):
        parties.resolve_party(shop, "balaji", PartyKind.CUSTOMER)


def test_an_opening_balance_starts_the_khata(shop, make_customer):
    owes = make_customer("Verma ji", opening_balance="450")
    advance = make_customer("Iyer Madam", opening_balance="-200")
    assert ledger.balance(shop, owes.id).balance == Decimal("450.00")
    assert ledger.balance(shop, advance.id).balance == Decimal("-200.00")


@pytest.mark.parametrize("field, value", [("gstin", "27AAPFU0939F1Z"), ("phone", "12345"), ("name", "  "),
                                          ("kind", "friend"), ("credit_limit", "-5")])
def test_bad_party_details_are_refused(shop, field, value):
    details = {"kind": "customer", "name": "Mehta ji", field: value}
    with pytest.raises(ValidationError):
        parties.add_party(shop, **details)
