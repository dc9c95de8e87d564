"""Row-level security for tenant tables, called by every migration that adds some.

On PostgreSQL each table gets the `tenant_isolation` policy: a row is visible
only while `app.tenant_id` (set per session by `erp_core.db`) names its tenant.
Other databases have no row-level security and are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op


def enable_tenant_isolation(tables: Iterable[str]) -> None:
    """ENABLE and FORCE row-level security on `tables` and create their `tenant_isolation` policy."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING "
            "(tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::int)"
        )
