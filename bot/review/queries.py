"""The review app's questions to its index: filtered, paginated conversation lists, the NLU inbox and its
decisions (which `decisions.py` records).

Every query is scoped to what the signed-in user may see (their business, unless admin): conversations by
`scope`, the inbox and the decisions by `inbox_tenant` and `decision_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, func, or_, select, true

from bot.review import inbox_index
from bot.review.auth import User
from bot.review.indexer import FALLBACK_INTENT
from bot.review.schema import (
    conversation_labels, conversations, inbox_decisions, messages, tags, tenants,
)
from bot.review.schema import inbox as inbox_table

PAGE_SIZE = 50
DEFAULT_THRESHOLD = 0.6


@dataclass
class Filters:
    """What the conversation list is narrowed to; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    channel: str | None = None
    tenant: str | None = None
    intent: str | None = None
    action: str | None = None
    low_confidence: bool = False
    threshold: float = DEFAULT_THRESHOLD
    fallback: bool = False
    reviewed: bool | None = None
    saved: bool = False
    tag: str | None = None
    search: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> Filters:
        """From query-string values (unknown or malformed values are ignored, never an error page)."""
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(args[name]) if args.get(name) else None
            except ValueError:
                return None

        def number(name: str, default: float, low: float, high: float) -> float:
            try:
                return min(max(float(args.get(name, default)), low), high)
            except ValueError:
                return default

        reviewed = {"yes": True, "no": False}.get(args.get("reviewed", ""))
        return cls(date_from=day("from"), date_to=day("to"), channel=args.get("channel") or None,
                   tenant=args.get("tenant") or None, intent=args.get("intent") or None,
                   action=args.get("action") or None, low_confidence=args.get("low") == "1",
                   threshold=number("threshold", DEFAULT_THRESHOLD, 0.0, 1.0), fallback=args.get("fallback") == "1",
                   reviewed=reviewed, saved=args.get("saved") == "1", tag=args.get("tag") or None,
                   search=(args.get("q") or "").strip() or None, page=int(number("page", 1, 1, 10**6)))

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The query string for these filters (with `changes`), for links and the export."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "", "to": self.date_to.isoformat() if self.date_to else "",
            "channel": self.channel or "", "tenant": self.tenant or "", "intent": self.intent or "",
            "action": self.action or "", "low": "1" if self.low_confidence else "", "threshold": f"{self.threshold:g}" if self.threshold != DEFAULT_THRESHOLD else "",
            "fallback": "1" if self.fallback else "", "reviewed": {True: "yes", False: "no", None: ""}[self.reviewed],
            "saved": "1" if self.saved else "", "tag": self.tag or "", "q": self.search or "", "page": str(self.page),
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


def scope(user: User) -> Any:
    """The conversations `user` may see: all for an admin, else those of their business."""
    if user.sees_all_tenants:
        return true()
    return conversations.c.tenant_id.in_(select(tenants.c.id).where(tenants.c.phone_number_id == user.tenant))


def _epoch(day: date, end: bool = False) -> float:
    return datetime.combine(day, time.max if end else time.min, tzinfo=timezone.utc).timestamp()


def _label(kind: str, name: str) -> Any:
    return exists().where(conversation_labels.c.conversation_id == conversations.c.id,
                          conversation_labels.c.kind == kind, conversation_labels.c.name == name)


def _conditions(filters: Filters, user: User) -> list[Any]:
    c = conversations.c
    where = [scope(user)]
    if filters.date_from:
        where.append(c.last_at >= _epoch(filters.date_from))
    if filters.date_to:
        where.append(c.first_at <= _epoch(filters.date_to, end=True))
    if filters.channel:
        where.append(c.channel == filters.channel)
    if filters.tenant:
        where.append(c.tenant_id.in_(select(tenants.c.id).where(tenants.c.phone_number_id == filters.tenant)))
    if filters.intent:
        where.append(_label("intent", filters.intent))
    if filters.action:
        where.append(_label("action", filters.action))
    if filters.low_confidence:
        where.append(c.min_confidence < filters.threshold)
    if filters.fallback:
        where.append(c.fallback.is_(True))
    if filters.reviewed is not None:
        where.append(c.reviewed.is_(filters.reviewed))
    if filters.saved:
        where.append(c.saved.is_(True))
    if filters.tag:
        where.append(exists().where(tags.c.conversation_id == c.id, tags.c.tag == filters.tag))
    if filters.search:
        pattern = "%" + filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(c.sender_id.ilike(pattern, escape="\\"),
                         exists().where(messages.c.conversation_id == c.id,
                                        messages.c.text.ilike(pattern, escape="\\"))))
    return where


@dataclass
class ConversationRow:
    id: int
    sender_id: str
    tenant: str | None
    channel: str | None
    first_at: float
    last_at: float
    user_turns: int
    min_confidence: float | None
    fallback: bool
    reviewed: bool
    saved: bool
    tags: list[str] = field(default_factory=list)
    last_text: str = ""


@dataclass
class Page:
    rows: list[ConversationRow]
    total: int
    page: int
    pages: int


def _columns() -> list[Any]:
    return [conversations, tenants.c.phone_number_id.label("tenant")]


def list_conversations(engine: Engine, user: User, filters: Filters, page_size: int = PAGE_SIZE) -> Page:
    """One page of the conversations `user` may see, newest activity first."""
    where = and_(*_conditions(filters, user))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(conversations).where(where)).scalar_one()
        pages = max(1, -(-total // page_size))
        page = min(filters.page, pages)
        rows = conn.execute(
            select(*_columns()).outerjoin(tenants, tenants.c.id == conversations.c.tenant_id).where(where)
            .order_by(conversations.c.last_at.desc(), conversations.c.id.desc())
            .limit(page_size).offset((page - 1) * page_size)
        ).all()
        result = [_row(r) for r in rows]
        _decorate(conn, result)
    return Page(result, total, page, pages)


def iter_conversations(engine: Engine, user: User, filters: Filters, chunk: int = 1000) -> Any:
    """Every conversation matching `filters` (for the export), newest first, without loading them all at once."""
    where = and_(*_conditions(filters, user))
    with engine.connect() as conn:
        offset = 0
        while True:
            rows = conn.execute(
                select(*_columns()).outerjoin(tenants, tenants.c.id == conversations.c.tenant_id).where(where)
                .order_by(conversations.c.last_at.desc(), conversations.c.id.desc()).limit(chunk).offset(offset)
            ).all()
            if not rows:
                return
            result = [_row(r) for r in rows]
            _decorate(conn, result, last_text=False)
            yield from result
            offset += chunk


def _row(r: Any) -> ConversationRow:
    return ConversationRow(r.id, r.sender_id, r.tenant, r.channel, r.first_at, r.last_at, r.user_turns,
                           r.min_confidence, bool(r.fallback), bool(r.reviewed), bool(r.saved))


def _decorate(conn: Connection, rows: list[ConversationRow], last_text: bool = True) -> None:
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    for conv_id, tag in conn.execute(select(tags.c.conversation_id, tags.c.tag)
                                     .where(tags.c.conversation_id.in_(by_id)).order_by(tags.c.tag)):
        by_id[conv_id].tags.append(tag)
    if last_text:
        latest = (select(messages.c.text).where(messages.c.conversation_id == conversations.c.id,
                                                 messages.c.kind == "user")
                  .order_by(messages.c.event_id.desc()).limit(1).correlate(conversations).scalar_subquery())
        for conv_id, text in conn.execute(select(conversations.c.id, latest).where(conversations.c.id.in_(by_id))):
            by_id[conv_id].last_text = text or ""


def conversation(engine: Engine, user: User, conversation_id: int) -> ConversationRow | None:
    """One conversation, or None if it does not exist or `user` may not see it."""
    with engine.connect() as conn:
        row = conn.execute(select(*_columns()).outerjoin(tenants, tenants.c.id == conversations.c.tenant_id)
                           .where(conversations.c.id == conversation_id, scope(user))).first()
        if row is None:
            return None
        result = _row(row)
        _decorate(conn, [result], last_text=False)
    return result


def filter_choices(engine: Engine, user: User) -> dict[str, list[str]]:
    """The values the filter drop-downs offer: those of the conversations `user` may see."""
    with engine.connect() as conn:
        visible = select(conversations.c.id).where(scope(user))

        def labels(kind: str) -> list[str]:
            seen = true() if user.sees_all_tenants else conversation_labels.c.conversation_id.in_(visible)
            return list(conn.execute(select(conversation_labels.c.name).distinct()
                                     .where(conversation_labels.c.kind == kind, seen)
                                     .order_by(conversation_labels.c.name)).scalars())
        return {
            "channels": [c for c in conn.execute(select(conversations.c.channel).distinct()
                                                 .where(scope(user))).scalars() if c],
            "tenants": list(conn.execute(select(tenants.c.phone_number_id).where(
                tenants.c.id.in_(select(conversations.c.tenant_id).where(scope(user)))).order_by(tenants.c.phone_number_id)).scalars()),
            "intents": labels("intent"), "actions": labels("action"),
            "tags": list(conn.execute(select(tags.c.tag).distinct().where(tags.c.conversation_id.in_(visible))
                                      .order_by(tags.c.tag)).scalars()),
        }


@dataclass
class InboxItem:
    text_key: str
    text: str
    intent: str | None
    confidence: float | None
    """The worst confidence any message with this text got."""
    count: int
    entities: str | None
    language: str
    """The language file the text most likely belongs in."""
    conversation_id: int
    event_id: int
    """The latest message with this text (what an accept or dismiss form names)."""


def inbox_tenant(conn: Connection, user: User) -> int | None:
    """The `tenant_id` of the inbox rows `user` sees and decides on (`ALL_TENANTS` for an admin), or None when
    their business sent nothing yet."""
    if user.sees_all_tenants:
        return inbox_index.ALL_TENANTS
    return conn.execute(select(tenants.c.id).where(tenants.c.phone_number_id == user.tenant)).scalar()


def decision_scope(conn: Connection, user: User) -> Any:
    """The inbox decisions `user` may see: all for an admin; for a trainer, their business's and the admin's
    (every business's) on texts their business sent, never one that would show another business's message."""
    if user.sees_all_tenants:
        return true()
    tenant_id = inbox_tenant(conn, user)
    return or_(inbox_decisions.c.tenant_id == tenant_id,
               and_(inbox_decisions.c.tenant_id == inbox_index.ALL_TENANTS,
                    exists().where(inbox_table.c.tenant_id == tenant_id,
                                   inbox_table.c.text_key == inbox_decisions.c.text_key)))


def inbox(engine: Engine, user: User, page: int = 1, page_size: int = PAGE_SIZE) -> tuple[list[InboxItem], int]:
    """User messages whose text is not in the training data and not decided on for the user's business yet,
    one per text, worst confidence first; and how many there are. Read from the stored inbox (`inbox_index`)."""
    with engine.connect() as conn:
        tenant_id = inbox_tenant(conn, user)
        if tenant_id is None:
            return [], 0
        where = and_(inbox_table.c.tenant_id == tenant_id, inbox_table.c.pending == true())
        total = conn.execute(select(func.count()).select_from(inbox_table).where(where)).scalar_one()
        rows = conn.execute(
            select(inbox_table, messages.c.text, messages.c.intent, messages.c.entities)
            .join(messages, messages.c.event_id == inbox_table.c.event_id).where(where)
            .order_by(inbox_table.c.worst_confidence, inbox_table.c.text_key)
            .limit(page_size).offset((max(page, 1) - 1) * page_size)
        ).all()
    return [InboxItem(r.text_key, r.text, r.intent, r.worst_confidence, r.seen, r.entities, r.language,
                      r.conversation_id, r.event_id) for r in rows], total


def inbox_message(engine: Engine, user: User, event_id: int) -> Any:
    """The user message `event_id` (what an inbox form names) if it is in a conversation `user` may see, else None."""
    with engine.connect() as conn:
        return conn.execute(select(messages).where(
            messages.c.event_id == event_id, messages.c.kind == "user",
            messages.c.conversation_id.in_(select(conversations.c.id).where(scope(user))))).first()


def decisions(engine: Engine, user: User, limit: int = 200) -> list[Any]:
    """The latest inbox texts deleted or marked out of scope that `user` may see (accepted ones are in the
    training data), newest first."""
    with engine.connect() as conn:
        return conn.execute(select(inbox_decisions).where(
            inbox_decisions.c.decision != "accepted", decision_scope(conn, user))
            .order_by(inbox_decisions.c.decided_at.desc()).limit(limit)).all()


def conversation_messages(engine: Engine, conversation_id: int) -> list[Any]:
    """A conversation's indexed messages (user texts with their NLU result, bot texts), in order."""
    with engine.connect() as conn:
        return conn.execute(select(messages).where(messages.c.conversation_id == conversation_id)
                            .order_by(messages.c.event_id)).all()


def is_fallback(intent: str | None) -> bool:
    return intent == FALLBACK_INTENT
