"""Fixtures and readers shared by the invoicing tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from erp_core.models import CreditEntry

MAHARASHTRA_GSTIN = "27AAPFU0939F1ZV"


@pytest.fixture
def gst_shop(new_shop):
    return new_shop(name="Sharma General Store", gstin=MAHARASHTRA_GSTIN, state="Maharashtra",
                    address="12 MG Road, Pune")


def khata(ctx, party_id):
    with ctx.db.session(ctx.tenant_id) as session:
        return [(e.kind, e.debit, e.credit) for e in session.scalars(
            select(CreditEntry).where(CreditEntry.party_id == party_id).order_by(CreditEntry.id))]
