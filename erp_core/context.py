"""Who is working on which books: the unit of work every operation runs in.

`Context.run` gives a business operation one transaction, replays it for a
repeated idempotency key, and appends it to the audit log, so each operation
module only writes what is special about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erp_core import audit
from erp_core.canonical import canonical_json, sha256_hex
from erp_core.db import Database
from erp_core.errors import IdempotencyConflict, ValidationError
from erp_core.models import IdempotencyRecord, Tenant
from erp_core.permissions import Actor

R = TypeVar("R", bound=BaseModel)

ALLOW_NEGATIVE_STOCK = "allow_negative_stock"
CREDIT_LIMIT_WARNS_ONLY = "credit_limit_warns_only"
"""Session flags for facts recorded offline (`erp_core.sync`): the goods already left the shop."""


@dataclass(frozen=True)
class Context:
    """One actor working on one tenant's books."""

    db: Database
    tenant_id: int
    actor: Actor
    allow_negative_stock: bool = False
    """Let this context's operations take stock below zero whatever the tenant's setting."""
    credit_limit_warns_only: bool = False
    """Over-limit credit gives a warning instead of `CreditLimitExceeded`, whatever the tenant's policy."""

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction scoped to this tenant."""
        with self.db.session(self.tenant_id, readonly=True) as session, session.begin():
            yield session

    def tenant(self, session: Session) -> Tenant:
        tenant = session.get(Tenant, self.tenant_id)
        if tenant is None:
            raise ValidationError(field="tenant", reason=f"no tenant {self.tenant_id}")
        return tenant

    def run(
        self,
        action: str,
        request: dict[str, Any],
        work: Callable[[Session], R],
        result_type: type[R],
        idempotency_key: str | None = None,
    ) -> R:
        """Run `work` as one business operation and return its result.

        Everything `work` writes, the audit entry and the idempotency record
        commit together or not at all. A repeated `idempotency_key` with the
        same request returns the first result and writes nothing; with a
        different request it raises `IdempotencyConflict`.
        """
        request_hash = sha256_hex(action + canonical_json(request))
        for attempt in (1, 2):
            try:
                with self.db.session(self.tenant_id) as session, session.begin():
                    session.info[ALLOW_NEGATIVE_STOCK] = self.allow_negative_stock
                    session.info[CREDIT_LIMIT_WARNS_ONLY] = self.credit_limit_warns_only
                    if idempotency_key is not None:
                        replay = _replay(session, idempotency_key, action, request_hash, result_type)
                        if replay is not None:
                            return replay
                    result = work(session)
                    audit.append(
                        session, self.actor.user_id, action, {"request": request, "result": result}
                    )
                    if idempotency_key is not None:
                        session.add(
                            IdempotencyRecord(
                                key=idempotency_key,
                                action=action,
                                request_hash=request_hash,
                                result=result.model_dump_json(),
                            )
                        )
                    return result
            except IntegrityError:
                # A concurrent twin with the same key committed first: replay its result.
                if idempotency_key is None or attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _replay(
    session: Session, key: str, action: str, request_hash: str, result_type: type[R]
) -> R | None:
    record = session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.action != action or record.request_hash != request_hash:
        raise IdempotencyConflict(key=key, reason="the key was used for a different request")
    return result_type.model_validate_json(record.result)
