"""The identifier modules' doctests are their specification: run them."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["gstin", "pan", "hsn", "vpa", "np_pan", "states", "mobile", "wa_id", "barcode"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"erp_core.ids.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
