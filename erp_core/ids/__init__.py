"""Identifiers of Indian and Nepali tax and payments, one small module each.

Every module has the same four verbs, in the style of python-stdnum:
`compact()` (strip separators, upper-case), `validate()` (return the compact
form or raise `InvalidFormat`, `InvalidChecksum` or `InvalidComponent` from
`erp_core.errors`), `is_valid()` and `format()`. Their doctests are the
specification.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-./]")


def clean(number: str, *, keep: str = "") -> str:
    """`number` without spaces, dashes, dots and slashes (except those in `keep`), upper-cased."""
    return "".join(c for c in number.strip() if c in keep or not _SEPARATORS.match(c)).upper()
