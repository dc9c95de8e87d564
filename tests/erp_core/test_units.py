"""Units: a quantity said in grams of a product sold by the kilo, the default unit, GST's unit codes."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from erp_core import units
from erp_core.enums import Unit
from erp_core.errors import ValidationError


def test_the_doctests_are_the_specification():
    result = doctest.testmod(units)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("quantity, unit, target, expected", [
    ("500", "g", "kg", "0.500"),
    ("750", "ml", "l", "0.750"),
    ("2", "kg", "g", "2000"),
    ("1.25", "l", "ml", "1250"),
    ("3", "dozen", "pcs", "36"),
    ("2", "kg", "kg", "2"),
    ("2", None, "kg", "2"),
    ("2", "", "kg", "2"),
    ("3", "packet", "kg", "3"),    # no conversion known: unchanged
    ("3", "pcs", "dozen", "3"),    # only dozens become pieces, not the other way
    ("3", "kg", "l", "3"),         # weight and volume do not mix
    (7, "kg", "g", "7000"),
    (Decimal("0.5"), Unit.KG, Unit.G, "500"),
])
def test_a_quantity_in_the_products_own_unit(quantity, unit, target, expected):
    assert units.in_unit(quantity, unit, target) == Decimal(expected)


@pytest.mark.parametrize("quantity", ["paanch", "", "1,5", 1.5, "NaN", "Infinity", True])
def test_only_exact_numbers_convert(quantity):
    with pytest.raises(ValueError):
        units.in_unit(quantity, "g", "kg")


@pytest.mark.parametrize("said, unit", [(None, Unit.PCS), ("", Unit.PCS), ("  ", Unit.PCS), ("kg", Unit.KG),
                                        ("Dozen", Unit.DOZEN), (Unit.ML, Unit.ML)])
def test_a_unit_not_said_is_pieces(said, unit):
    assert units.unit_of(said) is unit


@pytest.mark.parametrize("said", ["bottle", "kilo", "5"])
def test_a_word_that_is_no_unit_is_refused(said):
    with pytest.raises(ValidationError) as raised:
        units.unit_of(said)
    assert raised.value.params["field"] == "unit"


def test_every_unit_has_a_gst_code_with_a_name():
    assert {units.uqc(unit) for unit in Unit} <= set(units.UQC_NAMES)
    assert units.uqc("bottle") == "OTH" and units.UQC_NAMES["OTH"] == "OTHERS"


def test_quantities_convert_to_the_products_unit_only_when_they_can():
    """Moved from tests/actions/test_items.py with the conversion itself (actions/items.py → erp_core/units.py)."""
    assert units.in_unit("250", "ml", "l") == Decimal("0.250")
    assert units.in_unit("2", "dozen", "pcs") == Decimal(24)
    assert units.in_unit("2", None, "kg") == Decimal(2)
    assert units.in_unit("2", "kg", "packet") == Decimal(2)
