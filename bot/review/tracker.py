"""Reading Rasa's SQL tracker store: where it is (endpoints.yml) and its `events` table."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, URL, create_engine, make_url, select

from bot.endpoints import TRACKER_STORE_URL

_tracker_metadata = MetaData()
events = Table(
    "events", _tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
"""Rasa 3.6's `SQLTrackerStore.SQLEvent` (rasa/core/tracker_store.py), read-only here."""

DRIVERS = {"postgresql": "postgresql+psycopg", "sqlite": "sqlite"}


def tracker_store_url(root: Path, endpoints: Path | None = None) -> str:
    """`REVIEW_TRACKER_URL`, else the scale-out profile's `HISAAB_TRACKER_STORE_URL` (bot/endpoints.py), else the
    SQL tracker store that endpoints.yml configures (SQLite paths are relative to the project root, where Rasa runs)."""
    if os.environ.get("REVIEW_TRACKER_URL"):
        return os.environ["REVIEW_TRACKER_URL"]
    if os.environ.get(TRACKER_STORE_URL):
        return make_url(os.environ[TRACKER_STORE_URL]).set(drivername=DRIVERS["postgresql"]).render_as_string(
            hide_password=False)
    config = YAML(typ="safe").load((endpoints or root / "endpoints.yml").read_text()) or {}
    store = {k: os.path.expandvars(str(v)) for k, v in (config.get("tracker_store") or {}).items()}
    if store.get("type", "").upper() != "SQL":
        raise ValueError("the review app reads Rasa's SQL tracker store: endpoints.yml has no `tracker_store: type: SQL`")
    dialect = store.get("dialect", "sqlite")
    if dialect == "sqlite":
        db = Path(store.get("db", "rasa.db"))
        return f"sqlite:///{db if db.is_absolute() else root / db}"
    return URL.create(DRIVERS.get(dialect, dialect), username=store.get("username"), password=store.get("password"),
                      host=store.get("url"), port=int(store["port"]) if store.get("port") else None,
                      database=store.get("db")).render_as_string(hide_password=False)


def open_tracker(url: str) -> Engine:
    """A read-only-in-practice engine on the tracker store."""
    return create_engine(url)


@dataclass(frozen=True)
class Event:
    """One row of the events table with its JSON decoded."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: dict[str, Any]


def _event(row: Any) -> Event:
    try:
        data = json.loads(row.data or "{}")
    except json.JSONDecodeError:
        data = {}
    return Event(row.id, row.sender_id, row.type_name, row.timestamp or 0.0, row.intent_name, row.action_name, data)


def events_after(engine: Engine, last_id: int, limit: int) -> list[Event]:
    """The next `limit` events of every conversation after event id `last_id`, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(events).where(events.c.id > last_id).order_by(events.c.id).limit(limit))
        return [_event(row) for row in rows]


def conversation_events(engine: Engine, sender_id: str) -> list[Event]:
    """Every event of one conversation, oldest first (Rasa indexes `sender_id`)."""
    with engine.connect() as conn:
        rows = conn.execute(select(events).where(events.c.sender_id == sender_id).order_by(events.c.id))
        return [_event(row) for row in rows]


def has_events_table(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("events")
