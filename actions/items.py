"""Items of an order, an invoice or a stock receipt, read from a message's entities.

The name tagger tags `product`; the rule-based extractor tags `quantity` and `unit`. A
quantity and unit belong to the product they stand next to: before it
("10 kilo chawal") or, when that product has none yet, after it
("chawal 10 kilo"). A quantity with no product ("nahi, 5 kilo") is a
correction of an item already in the form.

>>> ents = [{"entity": "quantity", "value": "10", "start": 9}, {"entity": "unit", "value": "kg", "start": 12},
...         {"entity": "product", "value": "chawal", "start": 17}]
>>> read_items(ents)
([{'product': 'chawal', 'quantity': '10', 'unit': 'kg'}], None)
>>> read_items([{"entity": "quantity", "value": "5", "start": 6}, {"entity": "unit", "value": "kg", "start": 8}])
([], {'quantity': '5', 'unit': 'kg'})
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from erp_core import catalog
from erp_core.context import Context
from erp_core.messages import format_decimal, format_money
from erp_core.units import in_unit

Item = dict[str, Any]
"""{"product": text as written, "quantity": "10" or None, "unit": "kg" or None}, plus "product_id" and
"name" (the catalog's name) once the product is resolved."""

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def read_items(entities: list[dict[str, Any]]) -> tuple[list[Item], dict[str, str] | None]:
    """The items a message names, in order, and any quantity/unit left over without a product."""
    items: list[Item] = []
    pending: dict[str, str] = {}
    since_product = False
    for entity in sorted(entities, key=lambda e: e.get("start") or 0):
        kind, value = entity.get("entity"), str(entity.get("value", "")).strip()
        if not value:
            continue
        if kind == "product":
            items.append({"product": value, "quantity": pending.get("quantity"), "unit": pending.get("unit")})
            pending, since_product = {}, True
        elif kind in ("quantity", "unit"):
            if items and since_product and items[-1][kind] is None and kind not in pending:
                items[-1][kind] = value
            else:
                pending[kind] = value
                since_product = False
    return items, (pending or None)


def apply_correction(items: list[Item], correction: dict[str, str]) -> list[Item]:
    """The items with `correction` ({"quantity", "unit"}) applied to the first item still without a
    quantity, else to the last item ("nahi, 5 kilo" corrects what was said last)."""
    if not items:
        return items
    index = next((i for i, item in enumerate(items) if item.get("quantity") is None), len(items) - 1)
    fixed = {**items[index], **{k: v for k, v in correction.items() if v}}
    return [*items[:index], fixed, *items[index + 1:]]


def merge_items(items: list[Item], new: list[Item]) -> list[Item]:
    """`new` items added to `items`; a product already there (same text or same id) is replaced."""
    merged = list(items)
    for item in new:
        same = next((i for i, old in enumerate(merged) if _same(old, item)), None)
        if same is None:
            merged.append(item)
        else:
            merged[same] = {**merged[same], **{k: v for k, v in item.items() if v is not None}}
    return merged


def _same(old: Item, new: Item) -> bool:
    if old.get("product_id") is not None and old.get("product_id") == new.get("product_id"):
        return True
    return old["product"].casefold() == new["product"].casefold()


def first_number(text: str) -> str | None:
    """The first plain number in `text`, for an answer the extractor left untagged: Indian digit
    grouping and Devanagari digits as typed.

    >>> first_number("bas 5"), first_number("paanch"), first_number("1.5 kilo")
    ('5', None, '1.5')
    >>> first_number("₹1,20,500"), first_number("३५.५० रुपये")
    ('120500', '35.50')
    """
    match = _NUMBER.search(text.translate(_DEVANAGARI_DIGITS))
    return match.group(0).replace(",", "") if match else None


def quantity_of(item: Item) -> Decimal:
    """The item's quantity in its product's unit (500 g of a product sold by the kg is 0.5)."""
    return in_unit(item["quantity"], item.get("unit"), item["product_unit"])


def item_lines(items: list[Item], prices: dict[int, Decimal] | None = None) -> tuple[str, Decimal]:
    """The items as lines for a summary ("10 kg Basmati Chawal × ₹90 = ₹900") and their total."""
    lines, total = [], Decimal(0)
    for item in items:
        qty = quantity_of(item)
        text = f"• {format_decimal(qty)} {item['product_unit']} {item['name']}"
        if prices is not None:
            amount = (qty * prices[item["product_id"]]).quantize(Decimal("0.01"))
            total += amount
            text += f" × {format_money(prices[item['product_id']])} = {format_money(amount)}"
        lines.append(text)
    return "\n".join(lines), total


def selling_prices(ctx: Context, items: list[Item]) -> dict[int, Decimal]:
    """The catalog's selling price of each resolved item's product, by product id."""
    ids = [item["product_id"] for item in items]
    return {p.id: p.selling_price for p in catalog.list_products(ctx, ids=ids, limit=len(ids))}
