"""Keeping the review app's conversation index up to date from Rasa's tracker store.

Rasa appends events with increasing ids, so the indexer remembers the last id it read and
each sync reads only what came after it, in batches, one transaction per batch (the cursor
moves with the rows it covers). The list page therefore never scans the tracker store, and the
NLU inbox is counted as the messages are read (`inbox_index.py`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.review.inbox_index import add_messages
from bot.review.nlu_files import text_key
from bot.review.schema import conversation_labels, conversations, messages, sync_state, tenants
from bot.review.tracker import Event, events_after
from connectors.metadata import ChannelMetadata

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback", "utter_default",
                              "utter_ask_rephrase"})
LANGUAGE_SLOT = "language"
BATCH = 5000


def sync(review: Engine, tracker: Engine, source: str = "tracker", batch: int = BATCH) -> int:
    """Index every tracker event not indexed yet; returns how many were read."""
    total = 0
    while True:
        with review.begin() as conn:
            last = conn.execute(select(sync_state.c.last_event_id).where(sync_state.c.source == source)).scalar()
            batch_events = events_after(tracker, last or 0, batch)
            if not batch_events:
                return total
            _apply(conn, batch_events)
            if last is None:
                conn.execute(insert(sync_state).values(source=source, last_event_id=batch_events[-1].id))
            else:
                conn.execute(update(sync_state).where(sync_state.c.source == source)
                             .values(last_event_id=batch_events[-1].id))
        total += len(batch_events)
        if len(batch_events) < batch:
            return total


def _insert_ignoring_duplicates(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


class _Batch:
    """The index changes one batch of events makes, written at the end in a few statements."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.conversations: dict[str, dict[str, Any]] = {}
        self.tenant_ids: dict[str, int] = {}
        self.labels: set[tuple[int, str, str]] = set()
        self.messages: list[dict[str, Any]] = []
        self.last_user_message: dict[str, dict[str, Any]] = {}

    def load(self, sender_ids: set[str]) -> None:
        ids = sorted(sender_ids)
        for start in range(0, len(ids), 500):
            rows = self.conn.execute(select(conversations).where(conversations.c.sender_id.in_(ids[start:start + 500])))
            for row in rows:
                self.conversations[row.sender_id] = dict(row._mapping)
        self.tenant_ids = {row.phone_number_id: row.id for row in self.conn.execute(select(tenants))}

    def conversation(self, event: Event) -> dict[str, Any]:
        conv = self.conversations.get(event.sender_id)
        if conv is None:
            conv_id = self.conn.execute(insert(conversations).values(
                sender_id=event.sender_id, first_at=event.timestamp, last_at=event.timestamp, user_turns=0,
                fallback=False, reviewed=False, saved=False)).inserted_primary_key[0]
            conv = {"id": conv_id, "sender_id": event.sender_id, "tenant_id": None, "channel": None,
                    "first_at": event.timestamp, "last_at": event.timestamp, "user_turns": 0,
                    "min_confidence": None, "fallback": False, "language": None}
            self.conversations[event.sender_id] = conv
        conv["last_at"] = max(conv["last_at"], event.timestamp)
        return conv

    def tenant_id(self, phone_number_id: str) -> int:
        if phone_number_id not in self.tenant_ids:
            self.tenant_ids[phone_number_id] = self.conn.execute(
                insert(tenants).values(phone_number_id=phone_number_id)).inserted_primary_key[0]
        return self.tenant_ids[phone_number_id]

    def add(self, event: Event) -> None:
        conv = self.conversation(event)
        data = event.data
        if event.type_name == "user":
            self._user(conv, event)
        elif event.type_name == "bot" and data.get("text"):
            self.messages.append(self._message(conv, event, "bot", data["text"]))
        elif event.type_name == "action":
            name = event.action_name or data.get("name")
            if name and name != "action_listen":
                self.labels.add((conv["id"], "action", name))
                conv["fallback"] = conv["fallback"] or name in FALLBACK_ACTIONS
        elif event.type_name == "slot" and data.get("name") == LANGUAGE_SLOT and data.get("value"):
            conv["language"] = str(data["value"])
            pending = self.last_user_message.pop(event.sender_id, None)
            if pending is not None and pending["language"] is None:
                pending["language"] = conv["language"]

    def _user(self, conv: dict[str, Any], event: Event) -> None:
        data = event.data
        parse = data.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name") or event.intent_name
        confidence = (parse.get("intent") or {}).get("confidence")
        metadata = ChannelMetadata.from_dict(data.get("metadata"))
        if metadata is not None:
            conv["tenant_id"] = self.tenant_id(metadata.phone_number_id)
        conv["channel"] = data.get("input_channel") or conv["channel"]
        conv["user_turns"] += 1
        if confidence is not None:
            conv["min_confidence"] = confidence if conv["min_confidence"] is None else min(conv["min_confidence"],
                                                                                         confidence)
        if intent:
            self.labels.add((conv["id"], "intent", intent))
            conv["fallback"] = conv["fallback"] or intent == FALLBACK_INTENT
        row = self._message(conv, event, "user", data.get("text") or "")
        row.update(intent=intent, confidence=confidence,
                   entities=json.dumps(parse.get("entities") or [], ensure_ascii=False))
        self.messages.append(row)
        self.last_user_message[event.sender_id] = row

    @staticmethod
    def _message(conv: dict[str, Any], event: Event, kind: str, text: str) -> dict[str, Any]:
        return {"event_id": event.id, "conversation_id": conv["id"], "kind": kind, "timestamp": event.timestamp,
                "tenant_id": conv["tenant_id"], "text": text, "text_key": text_key(text)[:512], "intent": None,
                "confidence": None, "entities": None, "language": None}

    def write(self) -> None:
        _insert_ignoring_duplicates(self.conn, messages, self.messages)
        add_messages(self.conn, self.messages)
        _insert_ignoring_duplicates(self.conn, conversation_labels,
                                    [{"conversation_id": c, "kind": k, "name": n} for c, k, n in self.labels])
        fields = ("tenant_id", "channel", "first_at", "last_at", "user_turns", "min_confidence", "fallback",
                  "language")
        rows = [{"conv_id": conv["id"], **{f"v_{f}": conv[f] for f in fields}} for conv in self.conversations.values()]
        if rows:
            self.conn.execute(update(conversations).where(conversations.c.id == bindparam("conv_id"))
                              .values({f: bindparam(f"v_{f}") for f in fields}), rows)


def _apply(conn: Connection, batch_events: list[Event]) -> None:
    batch = _Batch(conn)
    batch.load({event.sender_id for event in batch_events})
    for event in batch_events:
        batch.add(event)
    batch.write()
