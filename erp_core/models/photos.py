"""Photos of bills and receipts the shop sent: the original, what was read off it, and the entry it became."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import UTCDateTime, utcnow
from erp_core.enums import PhotoState
from erp_core.models.base import Base, TenantScoped, enum_type


class BillPhoto(TenantScoped, Base):
    """One photo, from the draft the bot showed to the purchase or expense it was booked as."""

    __tablename__ = "bill_photos"
    __table_args__ = (UniqueConstraint("tenant_id", "message_id"), Index("ix_bill_photos_sha256", "tenant_id", "sha256"),
                      Index("ix_bill_photos_ref", "tenant_id", "ref_type", "ref_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128))
    """The WhatsApp message that carried the photo (or an integration's key): the same photo delivered twice is
    one row."""
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    """The original, kept in the shop's documents folder."""
    reading: Mapped[str] = mapped_column(Text)
    """JSON: what was read, with the owner's changes (`erp_core.bill_photos.Draft`)."""
    state: Mapped[PhotoState] = mapped_column(enum_type(PhotoState), default=PhotoState.DRAFT)
    ref_type: Mapped[str | None] = mapped_column(String(16))
    """`purchase` or `expense` once booked."""
    ref_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
