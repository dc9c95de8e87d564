"""What trainers decide on the NLU inbox, and what the training data holds: both take texts out of the inbox
(or put them back), recomputing the stored inbox rows of the texts concerned in the same transaction.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select

from bot.review import inbox_index, queries
from bot.review.auth import User
from bot.review.masking import training_sentence
from bot.review.nlu_files import (
    LANGUAGE_FILES, EntitySpan, Example, add_intent_to_domain, annotate, append_example, known_intents, text_key,
)
from bot.review.schema import inbox_decisions, training_texts


def record_decision(engine: Engine, user: User, text: str, decision: str, intent: str | None = None,
                    language: str | None = None) -> None:
    """Record what `user` did with an inbox text (`accepted`, `deleted`, `out_of_scope`): a trainer for their
    business, an admin for every business; the inbox rows of that text follow. The caller has checked that the
    text's message is one `user` may see."""
    key = text_key(text)[:512]
    with engine.begin() as conn:
        tenant_id = queries.inbox_tenant(conn, user)
        conn.execute(delete(inbox_decisions).where(inbox_decisions.c.tenant_id == tenant_id,
                                                   inbox_decisions.c.text_key == key))
        conn.execute(insert(inbox_decisions).values(
            tenant_id=tenant_id, text_key=key, decision=decision, text=text, intent=intent, language_file=language,
            author=user.username, decided_at=time.time()))
        inbox_index.refresh_pending(conn, [key])


def refresh_training_texts(engine: Engine, examples: list[Example]) -> None:
    """Replace the set of texts already in the training data (and take them out of the inbox, or put
    back the ones that left it)."""
    keys = {text_key(e.plain)[:512] for e in examples}
    with engine.begin() as conn:
        known = set(conn.execute(select(training_texts.c.text_key)).scalars())
        added, removed = sorted(keys - known), sorted(known - keys)
        for start in range(0, len(removed), 500):
            conn.execute(delete(training_texts).where(training_texts.c.text_key.in_(removed[start:start + 500])))
        if added:
            conn.execute(insert(training_texts), [{"text_key": k} for k in added])
        inbox_index.refresh_pending(conn, added + removed)


def accept(engine: Engine, user: User, text: str, intent: str, language: str, spans: list[EntitySpan],
           project: Path) -> str:
    """Add an inbox message to the training data: its sentence rebuilt from the stored `text` (phone numbers made
    up), the entity `spans` (offsets into that sentence) marked, appended under `intent` to `language`'s file
    (a new intent is listed in domain.yml), and the decision recorded. The example as written; raises
    TrainingDataError (nothing written) when it cannot be added."""
    new_intent = intent not in known_intents(project)
    example = annotate(training_sentence(text), spans)
    append_example(project / "data" / "nlu" / LANGUAGE_FILES[language], intent, example)
    if new_intent:
        add_intent_to_domain(project / "domain.yml", intent)
    record_decision(engine, user, text, "accepted", intent, language)
    return example
