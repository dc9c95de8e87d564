"""The catalog and finding products by the names people use, in any script."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp_core import catalog
from erp_core.enums import Unit
from erp_core.errors import AmbiguousProduct, PermissionDenied, UnknownProduct, ValidationError


@pytest.fixture
def kirana(shop, make_product):
    return {
        "rice": make_product("Basmati Chawal", aliases=("chawal", "चावल", "rice")),
        "sugar": make_product("Cheeni", aliases=("sugar", "चीनी")),
        "maggi70": make_product("Maggi Noodles 70g", unit="packet", aliases=("maggi",)),
        "maggi280": make_product("Maggi Noodles 280g", unit="packet"),
        "atta": make_product("Aashirvaad Atta", unit="bag", aliases=("आटा",)),
    }


@pytest.mark.parametrize("query, product", [
    ("chawal", "rice"), ("chaawal", "rice"), ("chaval", "rice"), ("चावल", "rice"), ("RICE", "rice"),
    ("cheeni", "sugar"), ("chini", "sugar"), ("चीनी", "sugar"), ("maggi", "maggi70"), ("atta", "atta"),
    ("aata", "atta"), ("basmati chawl", "rice"),
])
def test_resolve_finds_a_product_across_scripts_and_spellings(shop, kirana, query, product):
    assert catalog.resolve_product(shop, query).id == kirana[product].id


def test_unclear_names_come_back_with_ranked_candidates(shop, kirana):
    with pytest.raises(AmbiguousProduct) as error:
        catalog.resolve_product(shop, "maggi noodles")
    assert set(error.value.params["candidates"][:2]) == {"Maggi Noodles 70g", "Maggi Noodles 280g"}
    matches = catalog.find_products(shop, "magi nodles 280")
    assert matches[0].product.id == kirana["maggi280"].id
    assert matches[0].score >= matches[-1].score


def test_unknown_names_raise_unknown_product(shop, kirana):
    with pytest.raises(UnknownProduct):
        catalog.resolve_product(shop, "xylophone")


def test_new_aliases_are_found_at_once(shop, kirana):
    with pytest.raises(UnknownProduct):
        catalog.resolve_product(shop, "shakkar")
    catalog.add_alias(shop, kirana["sugar"].id, "shakkar")
    assert catalog.resolve_product(shop, "shakkar").id == kirana["sugar"].id


def test_products_are_validated(shop):
    with pytest.raises(ValidationError):
        catalog.add_product(shop, sku="X1", name="Tel", unit="bottle", selling_price=10)
    with pytest.raises(ValidationError):
        catalog.add_product(shop, sku="X1", name="Tel", unit="l", selling_price=10, hsn_code="12")
    with pytest.raises(ValidationError):
        catalog.add_product(shop, sku="X1", name="Tel", unit="l", selling_price="-1")
    catalog.add_product(shop, sku="X1", name="Tel", unit="l", selling_price=10)
    with pytest.raises(ValidationError):
        catalog.add_product(shop, sku="X1", name="Other", unit="l", selling_price=10)


def test_customers_cannot_change_the_catalog(shop):
    from erp_core.context import Context
    from erp_core.enums import Role
    from erp_core.permissions import Actor

    customer = Context(shop.db, shop.tenant_id, Actor(user_id=None, role=Role.CUSTOMER))
    with pytest.raises(PermissionDenied):
        catalog.add_product(customer, sku="X", name="Tel", unit="l", selling_price=10)


def test_deactivated_products_are_no_longer_offered(shop, kirana):
    catalog.deactivate_product(shop, kirana["maggi280"].id)
    assert catalog.resolve_product(shop, "maggi noodles").id == kirana["maggi70"].id
    assert [m.product.id for m in catalog.find_products(shop, "maggi noodles")] == [kirana["maggi70"].id]


def test_products_without_a_sku_get_the_next_shop_number(shop):
    first = catalog.add_product(shop, name="Pista", unit="g", selling_price=2)
    second = catalog.add_product(shop, name="Badam", unit="g", selling_price=1)
    assert (first.sku, second.sku) == ("P00001", "P00002")


def test_a_product_without_a_unit_is_counted_in_pieces(shop):
    product = catalog.add_product(shop, name="Pen", selling_price=10)
    assert product.unit is Unit.PCS
    assert catalog.add_product(shop, name="Kaju", unit="kg", selling_price=900).unit is Unit.KG


@pytest.mark.parametrize("typed, kept", [("kaju katli", "Kaju katli"), ("  parle-G  ", "Parle-G"),
                                         ("iPhone cover", "IPhone cover"), ("बादाम", "बादाम"), ("7up", "7up")])
def test_a_product_first_met_in_a_message_keeps_its_name_as_typed(shop, typed, kept):
    product = catalog.add_product_as_named(shop, typed)
    details = catalog.product_details(shop, product.id)
    assert (details.name, details.unit, details.selling_price, details.cost_price) == (kept, Unit.PCS, 0, 0)
    assert details.sku.startswith("P") and details.aliases == [kept]
    assert catalog.resolve_product(shop, typed.strip()).id == product.id


def test_a_product_first_met_keeps_what_the_message_said(shop):
    product = catalog.add_product_as_named(shop, "kaju", unit="kg", cost_price="780.50", selling_price=Decimal(900),
                                           idempotency_key="m7:create")
    again = catalog.add_product_as_named(shop, "kaju", unit="kg", cost_price="780.50", selling_price=Decimal(900),
                                         idempotency_key="m7:create")
    details = catalog.product_details(shop, product.id)
    assert again == product
    assert (details.name, details.unit, details.cost_price, details.selling_price) == (
        "Kaju", Unit.KG, Decimal("780.50"), Decimal("900.00"))
    assert len(catalog.list_products(shop)) == 1


@pytest.mark.parametrize("fields", [{"unit": "bottle"}, {"cost_price": "-1"}, {"selling_price": 1.5}, {"name": "  "}])
def test_a_product_first_met_is_checked_like_any_other(shop, fields):
    with pytest.raises(ValidationError):
        catalog.add_product_as_named(shop, **{"name": "kaju", **fields})
    assert catalog.list_products(shop) == []


def test_a_whatsapp_catalog_names_products_by_sku(shop):
    maggi = catalog.add_product(shop, sku="MAGGI-70", name="Maggi Noodles 70g", unit="packet", selling_price="14")
    cheeni = catalog.add_product(shop, sku="CHEENI-1KG", name="Cheeni", unit="kg", selling_price="45")
    assert [p.id for p in catalog.products_by_sku(shop, ["CHEENI-1KG", "MAGGI-70"])] == [cheeni.id, maggi.id]
    with pytest.raises(UnknownProduct) as unknown:
        catalog.products_by_sku(shop, ["MAGGI-70", "HAMBURGER"])
    assert unknown.value.params["query"] == "HAMBURGER"
    catalog.deactivate_product(shop, cheeni.id)
    with pytest.raises(UnknownProduct):
        catalog.products_by_sku(shop, ["CHEENI-1KG"])
