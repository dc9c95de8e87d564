"""The schema: SQLAlchemy 2 typed models for every table of the books, one module per part.

`erp_core.models` is the schema's public surface: import any model from here.
The parts are `books` (the shop, catalog, stock, khata, sales, orders, audit,
expenses), `invoices`, `integrations` (API keys, webhooks, sync) and `privacy`
(consents), `prices` (price history), `returns` (sale returns), `purchases` (supplier bills, debit notes,
payments to suppliers), `batches` (batch numbers and expiry), `scheduling` (the scheduler's jobs) and `notices`
(messages the shop sends on its own), built
on `base`. Ledgers are append-only; `StockSummary`, `PartyBalance` and an
invoice's settlement are caches derived from them (see `erp_core.check`).
"""

from __future__ import annotations

from erp_core.models.base import Base, TaxAmountColumns, TenantScoped
from erp_core.models.batches import BatchMovement, StockBatch
from erp_core.models.books import (
    AuditEntry,
    Counter,
    CreditEntry,
    Expense,
    ExpenseCategory,
    IdempotencyRecord,
    Order,
    OrderEvent,
    OrderLine,
    Party,
    PartyBalance,
    Payment,
    Product,
    ProductAlias,
    Sale,
    SaleLine,
    StockMovement,
    StockSummary,
    Tenant,
    User,
)
from erp_core.models.integrations import (
    ApiKey,
    ApiRequest,
    EventCursor,
    SyncItem,
    WebhookDelivery,
    WebhookEndpoint,
)
from erp_core.models.invoices import (
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceSeries,
    PaymentLink,
    RazorpayAccount,
)
from erp_core.models.forecasts import DemandForecast
from erp_core.models.notices import Notice
from erp_core.models.photos import BillPhoto
from erp_core.models.prices import PriceChange
from erp_core.models.privacy import Consent
from erp_core.models.purchases import PurchaseBill, PurchaseLine, SupplierPayment
from erp_core.models.scheduling import ScheduledJob
from erp_core.models.returns import SaleReturn, SaleReturnLine

TENANT_TABLES = sorted(
    mapper.local_table.name
    for mapper in Base.registry.mappers
    if issubclass(mapper.class_, TenantScoped)
)
"""Tables carrying `tenant_id`, protected by row-level security on PostgreSQL."""

__all__ = [
    "TENANT_TABLES", "ApiKey", "ApiRequest", "AuditEntry", "Base", "BatchMovement", "BillPhoto", "Consent", "Counter",
    "CreditEntry", "DemandForecast", "EventCursor", "Expense", "ExpenseCategory", "IdempotencyRecord", "Invoice", "InvoiceLine",
    "InvoicePayment", "InvoiceSeries", "Notice", "Order", "OrderEvent", "OrderLine", "Party", "PartyBalance", "Payment",
    "PaymentLink", "PriceChange", "Product", "ProductAlias", "PurchaseBill", "PurchaseLine", "RazorpayAccount",
    "Sale", "SaleLine", "SaleReturn", "SaleReturnLine", "ScheduledJob", "StockBatch", "StockMovement",
    "StockSummary", "SupplierPayment", "SyncItem", "TaxAmountColumns", "Tenant", "TenantScoped", "User",
    "WebhookDelivery", "WebhookEndpoint",
]
