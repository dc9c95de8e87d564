"""Re-encrypting a shop's stored secrets with the first key of `HISAAB_SECRET_KEYS` (`bot secrets rotate`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Text, literal, select, type_coerce, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from erp_core.context import Context
from erp_core.models import RazorpayAccount, WebhookEndpoint
from erp_core.permissions import Permission
from erp_core.secret_box import current_box

SECRET_COLUMNS: tuple[InstrumentedAttribute[str], ...] = (
    RazorpayAccount.key_secret, RazorpayAccount.webhook_secret, WebhookEndpoint.secret,
)
"""Every column stored encrypted (`columns.EncryptedText`)."""


class Rotated(BaseModel):
    model_config = ConfigDict(frozen=True)
    secrets: int
    """How many stored secrets were re-encrypted."""


def rotate_secrets(ctx: Context) -> Rotated:
    """Re-encrypt every secret of the shop with the current first key, in one transaction.

    Raises `SecretKeyError` (and changes nothing) when a secret cannot be read with any key.
    """
    ctx.actor.require(Permission.MANAGE_USERS)
    box = current_box()

    def work(session: Session) -> Rotated:
        count = 0
        for column in SECRET_COLUMNS:
            table = column.class_
            stored = type_coerce(column, Text)  # the value as stored, not decrypted
            for row_id, value in session.execute(select(table.id, stored)).all():
                session.execute(update(table).where(table.id == row_id)
                                .values({column.key: literal(box.rotate(value), Text)})
                                .execution_options(synchronize_session=False))
                count += 1
        return Rotated(secrets=count)

    return ctx.run("secrets.rotate", {}, work, Rotated)
