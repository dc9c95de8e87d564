"""Units of measure: which unit a product is sold in, converting a quantity said in
another unit, and the unit quantity codes (UQC) GST returns and e-invoices use.

>>> in_unit("500", "g", "kg"), in_unit("2", "kg", "kg"), in_unit("3", "packet", "kg")
(Decimal('0.500'), Decimal('2'), Decimal('3'))
>>> in_unit("250", "ml", "l"), in_unit("1.5", "kg", "g"), in_unit("2", "l", "ml"), in_unit("2", "dozen", "pcs")
(Decimal('0.250'), Decimal('1500.0'), Decimal('2000'), Decimal('24'))
>>> in_unit("4", None, "kg"), in_unit(Decimal("4"), "kg", "g")
(Decimal('4'), Decimal('4000'))
>>> in_unit("paanch", "kg", "kg")
Traceback (most recent call last):
    ...
ValueError: not a number: 'paanch'
>>> unit_of(None), unit_of(" KG "), unit_of("dozen")
(<Unit.PCS: 'pcs'>, <Unit.KG: 'kg'>, <Unit.DOZEN: 'dozen'>)
>>> unit_of("bori")
Traceback (most recent call last):
    ...
erp_core.errors.ValidationError: validation_error: field='unit', reason="'bori' is not one of kg, g, l, ml, pcs, dozen, box, bag, packet"
>>> uqc("kg"), uqc("dozen"), uqc("bundle"), UQC_NAMES[uqc("packet")]
('KGS', 'DOZ', 'OTH', 'PACKS')
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from erp_core.enums import Unit
from erp_core.errors import ValidationError

DEFAULT_UNIT = Unit.PCS
"""The unit of a product nobody said a unit for: it is counted in pieces."""
FACTORS: dict[tuple[str, str], Decimal] = {
    ("g", "kg"): Decimal("0.001"), ("ml", "l"): Decimal("0.001"),
    ("kg", "g"): Decimal(1000), ("l", "ml"): Decimal(1000), ("dozen", "pcs"): Decimal(12),
}
"""(said unit, product's unit) → how many product units one said unit is."""
UQC: dict[str, str] = {"kg": "KGS", "g": "GMS", "l": "LTR", "ml": "MLT", "pcs": "PCS", "dozen": "DOZ", "box": "BOX",
                       "bag": "BAG", "packet": "PAC"}
"""Our units as GST's unit quantity codes (UQC)."""
UQC_NAMES: dict[str, str] = {"KGS": "KILOGRAMS", "GMS": "GRAMMES", "LTR": "LITRES", "MLT": "MILILITRE",
                             "PCS": "PIECES", "DOZ": "DOZENS", "BOX": "BOX", "BAG": "BAGS", "PAC": "PACKS",
                             "OTH": "OTHERS"}
"""UQC code → the name GSTR-1's HSN summary prints beside it."""


def in_unit(quantity: Decimal | int | str, unit: str | None, target_unit: str) -> Decimal:
    """`quantity` said in `unit` as a quantity of `target_unit` (the product's): 500 g of a product
    sold by the kg is 0.500.

    No `unit` means the target unit; a pair that does not convert (packets of a product sold by
    the kg) leaves the quantity as it is. Raises `ValueError` for anything that is not a number
    (floats included: quantities are exact).
    """
    if isinstance(quantity, (float, bool)):
        raise ValueError(f"not an exact number: {quantity!r}")
    try:
        value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {quantity!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {quantity!r}")
    factor = FACTORS.get((str(unit or target_unit), str(target_unit)))
    return value * factor if factor is not None else value


def unit_of(unit: Unit | str | None) -> Unit:
    """The unit `unit` names (any case, spaces around), `DEFAULT_UNIT` when none is said,
    or `ValidationError` for a word that is no unit."""
    if unit is None or not str(unit).strip():
        return DEFAULT_UNIT
    try:
        return Unit(str(unit).strip().lower())
    except ValueError:
        raise ValidationError(field="unit", reason=f"{unit!r} is not one of {', '.join(Unit)}") from None


def uqc(unit: Unit | str) -> str:
    """GST's unit quantity code for `unit`; `OTH` (others) for one GST has no code for."""
    return UQC.get(str(unit), "OTH")
