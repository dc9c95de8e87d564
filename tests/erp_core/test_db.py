"""Tenant isolation: enforced once in erp_core.db, and by row-level security on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from erp_core import catalog, inventory
from erp_core.context import Context
from erp_core.errors import UnknownProduct
from erp_core.models import Product
from erp_core.permissions import Actor
from erp_core.tenants import add_tenant


def test_one_tenant_never_sees_another_tenants_rows(db, new_shop, make_product):
    mine, theirs = new_shop(), new_shop()
    secret = make_product("Kesar", stock=3, ctx=theirs)
    make_product("Chawal", ctx=mine)
    with pytest.raises(UnknownProduct):
        inventory.stock_of(mine, secret.id)
    with pytest.raises(UnknownProduct):
        catalog.resolve_product(mine, "kesar")
    with db.session(mine.tenant_id) as session:
        assert session.get(Product, secret.id) is None
        assert [p.name for p in session.query(Product)] == ["Chawal"]


def test_rows_cannot_be_written_into_another_tenant(db, new_shop):
    mine, theirs = new_shop(), new_shop()
    with db.session(mine.tenant_id) as session, pytest.raises(RuntimeError):
        with session.begin():
            session.add(Product(tenant_id=theirs.tenant_id, sku="X", name="X", unit="kg",
                                selling_price=Decimal(1)))


def test_row_level_security_hides_other_tenants_from_raw_sql(postgresql_db):
    mine, theirs = (
        Context(postgresql_db, add_tenant(postgresql_db, phone_number_id=number, name=name).id, Actor.system())
        for number, name in (("555000111", "Mine"), ("555000222", "Theirs"))
    )
    catalog.add_product(mine, sku="R1", name="Chawal", unit="kg", selling_price=50)
    catalog.add_product(theirs, sku="K1", name="Kesar", unit="g", selling_price=300)
    with postgresql_db.session(mine.tenant_id) as session, session.begin():
        # Raw SQL that forgets the tenant filter still sees and touches only this tenant's rows.
        assert session.execute(text("SELECT name FROM products")).scalars().all() == ["Chawal"]
        changed = session.execute(text("UPDATE products SET name = 'x' WHERE tenant_id = :t"),
                                  {"t": theirs.tenant_id})
        assert changed.rowcount == 0
        with pytest.raises(ProgrammingError):
            session.execute(text("INSERT INTO products (tenant_id, sku, name, unit, gst_rate, selling_price, "
                                 "cost_price, reorder_point, lead_time_days, active, created_at) VALUES "
                                 "(:t, 'S', 'Smuggled', 'kg', 0, 1, 0, 0, 0, true, now())"),
                            {"t": theirs.tenant_id})
    with postgresql_db.session(None) as session:
        assert session.execute(text("SELECT count(*) FROM products")).scalar() == 0
    with postgresql_db.session(theirs.tenant_id) as session:
        assert session.execute(text("SELECT name FROM products")).scalars().all() == ["Kesar"]
