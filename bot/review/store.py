"""The review app's own database: opening it, migrating the stores of older releases, and its settings.

The tables are in `schema.py`; the inbox a migration recounts is kept by `inbox_index.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text as sql

from bot.review.inbox_index import rebuild, refresh_pending
from bot.review.schema import ALL_TENANTS, inbox_decisions, metadata, sessions, settings, users

SCHEMA_VERSION = 4
"""1: the first release (no version recorded); 2: the stored NLU inbox, model comparisons, decision tenants;
3: inbox decisions keyed by business and text; 4: the audit log, sessions' last-seen time (idle timeout), phone
numbers always masked."""
SCHEMA_SETTING = "schema_version"
MASK_SETTING = "mask_phone_numbers"
"""Release 3's switch for masking (masking is always on now): removed by the migration."""


def review_database_url(root: Path) -> str:
    """`REVIEW_DATABASE_URL` from the environment, or SQLite in the project's var/."""
    return os.environ.get("REVIEW_DATABASE_URL") or f"sqlite:///{root / 'var' / 'review.db'}"


def open_store(url: str) -> Engine:
    """An engine on the review database with every table created and older stores migrated."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    existed = inspect(engine).has_table(users.name)
    metadata.create_all(engine)
    stored = get_setting(engine, SCHEMA_SETTING, "")
    _migrate(engine, int(stored) if stored else 1 if existed else SCHEMA_VERSION)
    if stored != str(SCHEMA_VERSION):
        set_setting(engine, SCHEMA_SETTING, str(SCHEMA_VERSION))
    return engine


def _migrate(engine: Engine, version: int) -> None:
    """Bring a store written by an older release up to `SCHEMA_VERSION` (new tables exist already)."""
    with engine.begin() as conn:
        if version < 2:
            for table, column, kind in [("review_models", "active_name", "VARCHAR(255)"),
                                        ("review_models", "active_comparable", "BOOLEAN"),
                                        ("review_inbox_decisions", "tenant_id", "INTEGER")]:
                conn.execute(sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
        if version < 3:
            _key_decisions_by_business(conn)
        if version < 2:
            rebuild(conn)
        elif version < 3:
            refresh_pending(conn)
        if version < 4:
            # the sessions of older releases look idle since 1970: everyone signs in again
            conn.execute(sql(f"ALTER TABLE {sessions.name} ADD COLUMN last_seen_at FLOAT NOT NULL DEFAULT 0"))
            conn.execute(settings.delete().where(settings.c.key == MASK_SETTING))


def _key_decisions_by_business(conn: Connection) -> None:
    """Rebuild the decisions table keyed by (business, text), as SQLite cannot change a primary key in place:
    each decision keeps the business it was recorded for, or applies to every business if none was."""
    kept = "review_inbox_decisions_v2"
    columns = "text_key, decision, text, intent, language_file, author, decided_at"
    conn.execute(sql(f"CREATE TABLE {kept} AS SELECT tenant_id, {columns} FROM {inbox_decisions.name}"))
    conn.execute(sql(f"DROP TABLE {inbox_decisions.name}"))
    inbox_decisions.create(conn)
    conn.execute(sql(f"INSERT INTO {inbox_decisions.name} (tenant_id, {columns}) "
                     f"SELECT COALESCE(tenant_id, {ALL_TENANTS}), {columns} FROM {kept}"))
    conn.execute(sql(f"DROP TABLE {kept}"))


def get_setting(engine: Engine, key: str, default: str) -> str:
    with engine.connect() as conn:
        value = conn.execute(settings.select().where(settings.c.key == key)).first()
    return value.value if value else default


def set_setting(engine: Engine, key: str, value: str) -> None:
    with engine.begin() as conn:
        if conn.execute(settings.update().where(settings.c.key == key).values(value=value)).rowcount == 0:
            conn.execute(settings.insert().values(key=key, value=value))
