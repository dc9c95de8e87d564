"""Items are read from entities in message order; quantities attach to the product beside them."""

from __future__ import annotations

import doctest

import actions.items
from actions.items import apply_correction, merge_items, read_items


def _entities(*spec: tuple[str, str]) -> list[dict]:
    return [{"entity": kind, "value": value, "start": n * 10} for n, (kind, value) in enumerate(spec)]


def test_doctests():
    assert doctest.testmod(actions.items).failed == 0


def test_two_items_each_with_its_quantity_before_it():
    items, leftover = read_items(_entities(("quantity", "5"), ("unit", "kg"), ("product", "atta"),
                                           ("quantity", "2"), ("unit", "packet"), ("product", "maggi")))
    assert items == [{"product": "atta", "quantity": "5", "unit": "kg"},
                     {"product": "maggi", "quantity": "2", "unit": "packet"}]
    assert leftover is None


def test_a_quantity_after_the_product_belongs_to_it():
    items, _ = read_items(_entities(("product", "chawal"), ("quantity", "10"), ("unit", "kg"),
                                    ("product", "maggi"), ("quantity", "3")))
    assert [(i["product"], i["quantity"], i["unit"]) for i in items] == [("chawal", "10", "kg"), ("maggi", "3", None)]


def test_entities_are_read_in_text_order_not_list_order():
    entities = _entities(("quantity", "10"), ("product", "chawal"))
    items, _ = read_items(list(reversed(entities)))
    assert items == [{"product": "chawal", "quantity": "10", "unit": None}]


def test_a_correction_fixes_the_item_still_without_quantity_else_the_last():
    items = [{"product": "chawal", "quantity": "10", "unit": "kg"},
             {"product": "maggi", "quantity": None, "unit": None}]
    assert apply_correction(items, {"quantity": "4"})[1]["quantity"] == "4"
    done = [{"product": "chawal", "quantity": "10", "unit": "kg"}, {"product": "dal", "quantity": "2", "unit": "kg"}]
    fixed = apply_correction(done, {"quantity": "5", "unit": "kg"})
    assert fixed[0]["quantity"] == "10" and fixed[1] == {"product": "dal", "quantity": "5", "unit": "kg"}
    assert apply_correction([], {"quantity": "5"}) == []


def test_merging_adds_new_products_and_replaces_the_same_one():
    items = [{"product": "chawal", "quantity": "10", "unit": "kg", "product_id": 3}]
    merged = merge_items(items, [{"product": "Chawal", "quantity": "12", "unit": None},
                                 {"product": "maggi", "quantity": "2", "unit": "packet"}])
    assert [(i["product"], i["quantity"], i["unit"]) for i in merged] == [("Chawal", "12", "kg"),
                                                                         ("maggi", "2", "packet")]


def test_forms_doctests():
    import actions.forms

    assert doctest.testmod(actions.forms).failed == 0
