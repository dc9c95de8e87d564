"""The database: engine set-up, migrations, and tenant scoping enforced in one place.

Every session is opened for one tenant. Its ORM queries get a
`tenant_id = :tenant` criterion added automatically, new rows get the tenant
filled in, and on PostgreSQL each transaction also sets `app.tenant_id`, which
the row-level security policies of the migrations check, so even raw SQL that
forgets the filter sees only that tenant's rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from erp_core.models import TenantScoped

MIGRATIONS = Path(__file__).parent / "migrations"
READONLY = "erp_readonly"
DEFAULT_DATABASE_URL = "sqlite:///var/erp.db"


def database_url() -> str:
    """`ERP_DATABASE_URL` from the environment, or the embedded SQLite default."""
    return os.environ.get("ERP_DATABASE_URL") or DEFAULT_DATABASE_URL


class TenantSession(Session):
    """A session bound to one tenant (`info["tenant_id"]`), or to none for tenant administration."""


def current_tenant(session: Session) -> int:
    """The tenant a session is bound to, for Core statements that must name it themselves.

    ORM queries get the tenant criterion added by `_add_tenant_criteria`; the few
    hot paths written as Core statements on tables filter by this id.
    """
    tenant_id = session.info.get("tenant_id")
    if tenant_id is None:
        raise RuntimeError("tenant rows can only be written in a tenant session")
    return tenant_id


@event.listens_for(TenantSession, "do_orm_execute")
def _add_tenant_criteria(state: ORMExecuteState) -> None:
    tenant_id = state.session.info.get("tenant_id")
    if tenant_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    )


@event.listens_for(TenantSession, "before_flush")
def _stamp_tenant(session: Session, flush_context: Any, instances: Any) -> None:
    tenant_id = session.info.get("tenant_id")
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if tenant_id is None:
            raise RuntimeError("tenant rows can only be written in a tenant session")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise RuntimeError("a row of another tenant cannot be written here")


@event.listens_for(TenantSession, "after_begin")
def _set_postgres_tenant(session: Session, transaction: Any, connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        tenant_id = session.info.get("tenant_id")
        connection.execute(
            text("SELECT set_config('app.tenant_id', :t, true)"),
            {"t": "" if tenant_id is None else str(tenant_id)},
        )


def _configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers, and BEGIN IMMEDIATE so writers queue instead of deadlocking."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Database:
    """One ERP database (SQLite file or PostgreSQL), shared by all tenants."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite":
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": 30})
            _configure_sqlite(self.engine)
        else:
            # pre-ping: a connection the server dropped (a restart, a failover) is replaced, not handed out
            self.engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_recycle=1800, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, class_=TenantSession, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READONLY: True}), class_=TenantSession, expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema up to the newest Alembic revision (or to `revision`)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as connection:
            sqlite = self.dialect == "sqlite"
            if sqlite:  # altering a column rebuilds the table, which drops a referenced one: checked below instead
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                    if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("the migration left rows whose foreign keys point nowhere")
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def session(self, tenant_id: int | None, *, readonly: bool = False) -> Iterator[TenantSession]:
        """A session scoped to `tenant_id` (None: only the tenants table is reachable).

        On SQLite a writing session takes the write lock when it begins, so
        concurrent writers queue up; `readonly` sessions do not.
        """
        session = (self._read_sessions if readonly else self._sessions)()
        session.info["tenant_id"] = tenant_id
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
