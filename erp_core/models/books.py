"""The books: the shop, its people, catalog, stock, khata, sales, orders, audit and expenses.

Ledgers (`StockMovement`, `CreditEntry`, `AuditEntry`, `OrderEvent`, `Expense`) are
append-only. `StockSummary` and `PartyBalance` are caches derived from them
and can always be rebuilt (see `erp_core.check`).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from erp_core.columns import Money, Quantity, Rate, UnitCost, UTCDateTime, utcnow
from erp_core.enums import (
    Country,
    CreditPolicy,
    EntryKind,
    MovementKind,
    OrderStatus,
    PartyKind,
    PaymentMode,
    ReplyLanguage,
    Role,
    StockReason,
    Unit,
)
from erp_core.ids.wa_id import MAX_LENGTH as WA_ID_LENGTH
from erp_core.models.base import Base, TenantScoped, enum_type


class Tenant(Base):
    """A business, identified by its WhatsApp business number."""

    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone_number_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(64), default="")
    gstin: Mapped[str | None] = mapped_column(String(15))
    pan: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[Country] = mapped_column(enum_type(Country), default=Country.IN)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Kolkata")
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    credit_policy: Mapped[CreditPolicy] = mapped_column(enum_type(CreditPolicy), default=CreditPolicy.WARN)
    gst_composition: Mapped[bool] = mapped_column(Boolean, default=False)
    """Composition-scheme dealers issue a Bill of Supply instead of a tax invoice."""
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    """MRP-style prices (tax included) unless a product says otherwise."""
    upi_vpa: Mapped[str | None] = mapped_column(String(100))
    e_invoicing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The shop reports its B2B invoices to the IRP (e-invoicing), so its numbers must be ones the IRP takes."""
    conversation_retention_days: Mapped[int] = mapped_column(Integer, default=180)
    """How long conversation logs are kept before `bot privacy purge` deletes them (docs/privacy.md)."""
    reply_language: Mapped[ReplyLanguage] = mapped_column(enum_type(ReplyLanguage), default=ReplyLanguage.AUTO)
    daily_summary_time: Mapped[time | None] = mapped_column(Time)
    """When the owner gets the day's summary, in the shop's timezone (None: not sent)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(TenantScoped, Base):
    """A WhatsApp number with a role in one business."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "wa_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str] = mapped_column(String(WA_ID_LENGTH))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counter(TenantScoped, Base):
    """Gapless per-tenant sequences (order and bill numbers, audit sequence)."""

    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer, default=0)


class Product(TenantScoped, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "sku"), UniqueConstraint("tenant_id", "barcode", name="uq_products_tenant_barcode"))
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[Unit] = mapped_column(enum_type(Unit))
    hsn_code: Mapped[str | None] = mapped_column(String(8))
    barcode: Mapped[str | None] = mapped_column(String(32))
    """The code printed on the pack (EAN-13, UPC ...), looked up exactly."""
    gst_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    cess_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0))
    price_includes_tax: Mapped[bool | None] = mapped_column(Boolean)
    """None: the tenant's `prices_include_tax`."""
    mrp: Mapped[Decimal | None] = mapped_column(Money)
    selling_price: Mapped[Decimal] = mapped_column(Money)
    cost_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reorder_point: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductAlias(TenantScoped, Base):
    """A name a product is known by (`chawal`, `चावल`, `rice`) and its cross-script search key."""

    __tablename__ = "product_aliases"
    __table_args__ = (Index("ix_product_aliases_key", "tenant_id", "search_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200))


class StockMovement(TenantScoped, Base):
    """One append-only stock-ledger entry and the document that caused it."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_product", "tenant_id", "product_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[MovementKind] = mapped_column(enum_type(MovementKind))
    on_hand_delta: Mapped[Decimal] = mapped_column(Quantity)
    reserved_delta: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal | None] = mapped_column(UnitCost)
    """Per unit: what goods coming in cost; for goods going out, the weighted-average cost they left with
    (not recorded on outgoing rows written before the sales book, `erp_core.sales_book` replays those)."""
    ref_type: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[StockReason | None] = mapped_column(enum_type(StockReason))
    """Why stock was written off or corrected (write-offs and counts)."""
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockSummary(TenantScoped, Base):
    """Derived: the current stock of a product, rebuilt from `StockMovement` by `bot check`."""

    __tablename__ = "stock_summary"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    on_hand: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    reserved: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    avg_cost: Mapped[Decimal] = mapped_column(UnitCost, default=Decimal(0))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class Party(TenantScoped, Base):
    """A customer or a supplier."""

    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind))
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(WA_ID_LENGTH))
    """A WhatsApp id: the mobile number (`919876543210`), or the user id of a customer who hides it."""
    gstin: Mapped[str | None] = mapped_column(String(15))
    state: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    credit_limit: Mapped[Decimal | None] = mapped_column(Money)
    flagged_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_every_days: Mapped[int | None] = mapped_column(Integer)
    """How often a due reminder goes while the customer is overdue (None: the shop's default, 7; 0: never)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditEntry(TenantScoped, Base):
    """One append-only khata entry. Balance = sum(debit) - sum(credit): what the party owes."""

    __tablename__ = "credit_entries"
    __table_args__ = (Index("ix_credit_entries_party", "tenant_id", "party_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind))
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    entry_date: Mapped[date] = mapped_column(Date)
    ref_type: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("credit_entries.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartyBalance(TenantScoped, Base):
    """Derived: a party's khata balance, rebuilt from `CreditEntry` by `bot check`."""

    __tablename__ = "party_balances"
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class Payment(TenantScoped, Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[PaymentMode] = mapped_column(enum_type(PaymentMode))
    reference: Mapped[str] = mapped_column(String(100), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Sale(TenantScoped, Base):
    """A bill: goods sold over the counter or on credit."""

    __tablename__ = "sales"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    due: Mapped[Decimal] = mapped_column(Money)
    payment_mode: Mapped[PaymentMode] = mapped_column(enum_type(PaymentMode))
    cost: Mapped[Decimal] = mapped_column(Money)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SaleLine(TenantScoped, Base):
    __tablename__ = "sale_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    line_total: Mapped[Decimal] = mapped_column(Money)
    unit_cost: Mapped[Decimal] = mapped_column(UnitCost)


class Order(TenantScoped, Base):
    """A customer order moving through the state machine in `erp_core.orders`."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(enum_type(OrderStatus))
    total: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderLine(TenantScoped, Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    line_total: Mapped[Decimal] = mapped_column(Money)


class OrderEvent(TenantScoped, Base):
    """Append-only log of order transitions: who, when, from, to."""

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[OrderStatus | None] = mapped_column(enum_type(OrderStatus))
    to_status: Mapped[OrderStatus] = mapped_column(enum_type(OrderStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(TenantScoped, Base):
    """Append-only, hash-chained record of every business operation of a tenant."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("tenant_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(TenantScoped, Base):
    """The first result of an operation, replayed for a repeated idempotency key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    """The bot's keys hold the conversation, so a WhatsApp id of up to `WA_ID_LENGTH` characters."""
    action: Mapped[str] = mapped_column(String(40))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExpenseCategory(TenantScoped, Base):
    """A heading shop expenses are booked under (food, fuel, rent ...); every shop starts with the defaults."""

    __tablename__ = "expense_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Expense(TenantScoped, Base):
    """One append-only expense entry. A correction is a reversing entry with the negated amount."""

    __tablename__ = "expenses"
    __table_args__ = (Index("ix_expenses_spent_on", "tenant_id", "spent_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("expense_categories.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[PaymentMode] = mapped_column(enum_type(PaymentMode))
    note: Mapped[str] = mapped_column(Text, default="")
    spent_on: Mapped[date] = mapped_column(Date)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
