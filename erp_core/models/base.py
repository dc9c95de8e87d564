"""What every model is built from: the declarative base, tenant scoping, enum columns, tax amounts."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from erp_core.columns import Money
from erp_core.gst import TaxAmounts


def enum_type(cls: type[StrEnum]) -> Enum:
    """A StrEnum stored by value in a short VARCHAR (no database enum type to migrate)."""
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    pass


class TenantScoped:
    """Rows that belong to one tenant. Queries on them are filtered in `erp_core.db`."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)


class TaxAmountColumns:
    """The `erp_core.gst.TaxAmounts` figures as money columns, for invoices and their lines."""

    taxable_value: Mapped[Decimal] = mapped_column(Money)
    cgst: Mapped[Decimal] = mapped_column(Money)
    sgst: Mapped[Decimal] = mapped_column(Money)
    igst: Mapped[Decimal] = mapped_column(Money)
    cess: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)

    @property
    def amounts(self) -> TaxAmounts:
        return TaxAmounts.of(self)
