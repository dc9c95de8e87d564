"""JSON with exact decimal numbers: `Decimal("1098.00")` is written as `1098.00`, never through a float.

>>> dumps({"val": Decimal("1098.00"), "rt": Decimal("0.25"), "itms": [1, None, "a"]})
'{"val": 1098.00, "rt": 0.25, "itms": [1, null, "a"]}'
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def dumps(value: Any) -> str:
    """`value` (dicts, lists, strings, ints, Decimals, bools, None) as JSON text."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not money: use Decimal")
    return json.dumps(value, ensure_ascii=False)
