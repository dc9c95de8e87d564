"""Request bodies as JSON values: strict RFC 8259 JSON of bounded depth, or a `BadBody` saying what is wrong.

Python's json module also reads `NaN` and `Infinity` (not JSON, and no amount of money), and gives up with a
RecursionError, not a ValueError, on a body nested thousands of levels deep; both become a `BadBody` here.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""Deeper than any body the API takes (a sync push is four levels)."""


class BadBody(ValueError):
    """The body is not a JSON value the API reads; the message says why."""


def _no_constant(name: str) -> Any:
    raise BadBody(f"the body is not valid JSON: {name} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """The JSON value of `body` (an empty body is null)."""
    try:
        value = json.loads(body or b"null", parse_constant=_no_constant)
    except RecursionError:
        raise BadBody(f"the body's JSON is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except BadBody:
        raise
    except ValueError:  # UnicodeDecodeError included
        raise BadBody("the body is not valid JSON (UTF-8)") from None
    if depth(value) > MAX_DEPTH:
        raise BadBody(f"the body's JSON is nested too deeply (at most {MAX_DEPTH} levels)")
    return value


def depth(value: Any) -> int:
    """How many arrays and objects deep a JSON value is (a scalar is 0), without recursion."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, at = level.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, at + 1)
            level.extend((inner, at + 1) for inner in item)
    return deepest
