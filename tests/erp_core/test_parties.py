"""Customers and suppliers, found by the names people use for them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import ledger, parties
from erp_core.enums import PartyKind
from erp_core.errors import AmbiguousParty, InvalidPhone, UnknownParty, ValidationError
from erp_core.messages import render


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


@pytest.mark.parametrize("country, typed, stored", [
    ("IN", "98765 43210", "919876543210"),
    ("IN", "+91 98765-43210", "919876543210"),
    ("IN", "919876543210", "919876543210"),
    ("IN", "09876543210", "919876543210"),
    ("IN", "9841234567", "919841234567"),
    ("NP", "9841234567", "9779841234567"),
    ("NP", "९८४१२३४५६७", "9779841234567"),
    ("NP", "+91 98765 43210", "919876543210"),
])
def test_a_phone_is_kept_as_the_wa_id_of_the_shops_country(new_shop, country, typed, stored):
    ctx = new_shop(country=country)
    assert parties.normalise_phone(ctx, typed) == stored
    party = parties.add_party(ctx, kind="customer", name="Thapa ji", phone=typed)
    assert parties.party_details(ctx, party.id).phone == stored


@pytest.mark.parametrize("country, typed", [("IN", "98765 4321"), ("IN", "022 2612 3456"), ("NP", "9612345678"),
                                            ("NP", "01-4412345"), ("IN", "+44 7700 900123"), ("IN", "")])
def test_a_number_that_is_no_mobile_is_refused_in_the_persons_language(new_shop, country, typed):
    ctx = new_shop(country=country)
    with pytest.raises(InvalidPhone) as raised:
        parties.normalise_phone(ctx, typed)
    assert isinstance(raised.value, ValidationError)
    with pytest.raises(InvalidPhone):
        parties.add_party(ctx, kind="customer", name="Thapa ji", phone=typed)
    assert parties.list_parties(ctx) == []
    example = "98765 43210" if country == "IN" else "984-1234567"
    assert render(raised.value, "hinglish") == (f"{typed.strip()} sahi mobile number nahi hai: 10 digit ka mobile "
                                                f"number bhejiye, jaise {example}.")
    assert example in render(raised.value, "ne") and example in render(raised.value, "hi")
