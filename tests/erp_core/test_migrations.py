"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import importlib.util

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from erp_core.db import MIGRATIONS
from erp_core.models import TENANT_TABLES, Base


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_every_tenant_table_gets_row_level_security():
    """Each migration lists the tenant tables it creates; together they are all of them."""
    protected = []
    for path in sorted((MIGRATIONS / "versions").glob("0*.py")):
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        protected += getattr(module, "TENANT_TABLES", [])
    assert sorted(protected) == TENANT_TABLES
