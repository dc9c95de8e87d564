"""The review app's tables: users, sessions, the audit log, the conversation index, the stored inbox and the
trainer's record.

The index tables are derived from Rasa's tracker store (`indexer.py` fills them incrementally),
so they can be dropped and rebuilt at any time; the rest (users, tags, comments, flags,
inbox decisions, models) is the review app's own record. `store.py` opens and migrates them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "review_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("tenant", String(64)),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "review_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("review_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("last_seen_at", Float, nullable=False, default=0.0),
)
"""A signed-in browser: it ends at `expires_at` (the absolute lifetime) or when idle too long since `last_seen_at`."""

settings = Table(
    "review_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sign_in_failures = Table(
    "review_sign_in_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(160), nullable=False, index=True),
    Column("at", Float, nullable=False),
)
"""A wrong password, once under the account's key and once under the address's (sign-in throttling)."""

audit_log = Table(
    "review_audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("address", String(64), nullable=False),
    Column("action", String(64), nullable=False, index=True),
    Column("object", String(160), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("summary", Text, nullable=False),
)
"""Every state change, append-only (`audit.py` only inserts): who, when, from which address, what action on
what object, how it ended, and a short summary without secrets or unmasked phone numbers."""

sync_state = Table(
    "review_sync", metadata,
    Column("source", String(255), primary_key=True),
    Column("last_event_id", Integer, nullable=False),
)

tenants = Table(
    "review_tenants", metadata,
    Column("id", Integer, primary_key=True),
    Column("phone_number_id", String(64), nullable=False, unique=True),
)

conversations = Table(
    "review_conversations", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, unique=True),
    Column("tenant_id", Integer, index=True),
    Column("channel", String(64), index=True),
    Column("first_at", Float, nullable=False),
    Column("last_at", Float, nullable=False, index=True),
    Column("user_turns", Integer, nullable=False, default=0),
    Column("min_confidence", Float, index=True),
    Column("fallback", Boolean, nullable=False, default=False),
    Column("language", String(16)),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("saved", Boolean, nullable=False, default=False),
)

conversation_labels = Table(
    "review_conversation_labels", metadata,
    Column("conversation_id", Integer, primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("name", String(255), primary_key=True),
    Index("ix_review_labels_kind_name", "kind", "name", "conversation_id"),
)
"""Which intents were predicted and which actions ran in a conversation (kind `intent` or `action`)."""

messages = Table(
    "review_messages", metadata,
    Column("event_id", Integer, primary_key=True),
    Column("conversation_id", Integer, nullable=False, index=True),
    Column("kind", String(4), nullable=False),
    Column("timestamp", Float, nullable=False),
    Column("tenant_id", Integer),
    Column("text", Text, nullable=False),
    Column("text_key", String(512), nullable=False),
    Column("intent", String(255)),
    Column("confidence", Float),
    Column("entities", Text),
    Column("language", String(16)),
    Index("ix_review_messages_inbox", "kind", "text_key"),
)
"""User messages (kind `user`, with their NLU result) and bot texts (kind `bot`), for search and the inbox."""

tags = Table(
    "review_tags", metadata,
    Column("conversation_id", Integer, primary_key=True),
    Column("tag", String(64), primary_key=True, index=True),
)

comments = Table(
    "review_comments", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, nullable=False, index=True),
    Column("event_id", Integer),
    Column("author", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

flags = Table(
    "review_flags", metadata,
    Column("conversation_id", Integer, primary_key=True),
    Column("event_id", Integer, primary_key=True),
    Column("author", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

ALL_TENANTS = 0
"""The `tenant_id` of the inbox rows that count every business's messages (and those of no business), and of
the decisions an admin takes for every business."""

inbox = Table(
    "review_inbox", metadata,
    Column("tenant_id", Integer, primary_key=True, autoincrement=False),
    Column("text_key", String(512), primary_key=True),
    Column("worst_confidence", Float, nullable=False),
    Column("seen", Integer, nullable=False),
    Column("event_id", Integer, nullable=False),
    Column("conversation_id", Integer, nullable=False),
    Column("language", String(16), nullable=False),
    Column("pending", Boolean, nullable=False),
    Index("ix_review_inbox_page", "tenant_id", "pending", "worst_confidence", "text_key"),
    Index("ix_review_inbox_text_key", "text_key"),
)
"""The NLU inbox, kept by the indexer: one row per distinct user text per business (`tenant_id`; 0 holds
every business's messages, for admins), with the worst confidence it got, how often it was seen, its
latest message (`event_id`, `conversation_id`), the language file it most likely belongs in, and
whether it is still `pending` (not in the training data, not decided on)."""

inbox_decisions = Table(
    "review_inbox_decisions", metadata,
    Column("tenant_id", Integer, primary_key=True, autoincrement=False),
    Column("text_key", String(512), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("intent", String(255)),
    Column("language_file", String(32)),
    Column("author", String(64), nullable=False),
    Column("decided_at", Float, nullable=False),
)
"""What a trainer did with an inbox text (`accepted`, `deleted` or `out_of_scope`), for their business
(`tenant_id`), or what an admin did, for every business (`tenant_id` 0)."""

training_texts = Table(
    "review_training_texts", metadata,
    Column("text_key", String(512), primary_key=True),
)
"""Every example in data/nlu (annotations removed), refreshed when the files change."""

models = Table(
    "review_models", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("path", Text),
    Column("status", String(16), nullable=False),
    Column("phase", String(64), nullable=False, default=""),
    Column("progress", Float, nullable=False, default=0.0),
    Column("log_path", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("accuracy", Float),
    Column("active_accuracy", Float),
    Column("active_name", String(255)),
    Column("active_comparable", Boolean),
    Column("n_train", Integer),
    Column("n_test", Integer),
    Column("activated_at", Float),
    Column("created_by", String(64), nullable=False),
    Column("error", Text),
)
"""Models trained from the app (status `training`, `ready`, `failed`) with their held-out scores: the new
model's `accuracy`, and the model active at the time (`active_name`), scored on the same split only
when it never trained on it (`active_comparable`)."""

model_examples = Table(
    "review_model_examples", metadata,
    Column("model_id", Integer, primary_key=True),
    Column("text_key", String(512), primary_key=True),
)
"""The texts each model trained from the app learned from (what decides whether it may be scored on a split)."""
