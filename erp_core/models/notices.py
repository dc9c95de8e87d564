"""Messages the shop sends on its own (a due reminder, a receipt, an order update, an alert or the daily summary
to the owner), as rows written in the same transaction as what they are about, so none is ever lost; a worker
sends them within WhatsApp's and the shop's rules. A row holds the facts (amounts, names), not the words: those
are chosen in the recipient's language when it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import UTCDateTime, utcnow
from erp_core.enums import NoticeKind, NoticeState
from erp_core.models.base import Base, TenantScoped, enum_type
from erp_core.models.books import WA_ID_LENGTH


class Notice(TenantScoped, Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("tenant_id", "key"), Index("ix_notices_state", "tenant_id", "state", "not_before"),
                      Index("ix_notices_message_id", "message_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind))
    key: Mapped[str] = mapped_column(String(120))
    """What makes it one message (`receipt:payment:41`, `reminder:12:2026-12-06`): queued twice, kept once."""
    recipient: Mapped[str] = mapped_column(String(WA_ID_LENGTH))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    params: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: the facts the message is made of (amounts as strings)."""
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[NoticeState] = mapped_column(enum_type(NoticeState), default=NoticeState.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why it was held or skipped (`quiet_hours`, `opted_out`, …), or the last send error."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(80))
    """The worker sending it now (state `sending`); another may take it once `lease_until` has passed."""
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(128), default="")
    """WhatsApp's id of the message that went (a wamid), to follow its delivery."""
    delivery: Mapped[str] = mapped_column(String(16), default="")
    """What WhatsApp last said of it: `delivered`, `read` or `failed` ("" until it says anything)."""
    as_template: Mapped[bool] = mapped_column(default=False)
    """It went as an approved template (outside the 24-hour window)."""
