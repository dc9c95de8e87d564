"""Each product's latest demand forecast, made by the nightly run (`erp_core.nightly_forecasts`) so that a reorder
question reads it instead of fitting a model. Derived data, not a ledger: the next night's forecast replaces it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import UTCDateTime, utcnow
from erp_core.models.base import Base, TenantScoped


class DemandForecast(TenantScoped, Base):
    __tablename__ = "demand_forecasts"
    __table_args__ = (UniqueConstraint("tenant_id", "product_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    """The first forecast day (the day after the history ended)."""
    method: Mapped[str] = mapped_column(String(64))
    error_sd: Mapped[float] = mapped_column(Float)
    festival_lift: Mapped[float] = mapped_column(Float, default=1.0)
    mean: Mapped[str] = mapped_column(Text)
    """JSON: expected demand of each day from `starts_on`."""
    lower: Mapped[str] = mapped_column(Text)
    upper: Mapped[str] = mapped_column(Text)
    sold: Mapped[float] = mapped_column(Float, default=0.0)
    """Units sold in the history the forecast was made from (0: never sold)."""
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
