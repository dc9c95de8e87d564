"""What the DPDP Act asks the books to remember: each person's consents, per purpose (`erp_core.consents`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import UTCDateTime, utcnow
from erp_core.enums import ConsentPurpose
from erp_core.ids.wa_id import MAX_LENGTH as WA_ID_LENGTH
from erp_core.models.base import Base, TenantScoped, enum_type


class Consent(TenantScoped, Base):
    """One append-only grant or withdrawal of a purpose by a WhatsApp number; the latest entry is the state."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_person", "tenant_id", "wa_id", "purpose", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str] = mapped_column(String(WA_ID_LENGTH))
    """The person's WhatsApp number; an `erased-…` placeholder once their data was erased."""
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    granted: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(200))
    """Where the person said so: `whatsapp message <id>`, `cli`, `privacy notice`, `erasure`."""
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
