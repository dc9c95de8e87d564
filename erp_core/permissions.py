"""Who may do what. Checked inside erp_core, so every front end gets the same rules.

Staff run the counter (sales, returns, write-offs, counts, goods coming in with their bill) but cannot see
profit, payables or GST returns, pay suppliers, undo anything or change prices and credit limits; only the
owner changes the shop's settings; customers see only their own orders and dues.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from erp_core.enums import Role
from erp_core.errors import PermissionDenied


class Permission(StrEnum):
    VIEW_CATALOG = "catalog.view"
    MANAGE_CATALOG = "catalog.manage"
    VIEW_STOCK = "stock.view"
    MOVE_STOCK = "stock.move"
    VIEW_STOCK_VALUE = "stock.value"
    POST_SALE = "sale.post"
    VIEW_SALES = "sale.view"
    VIEW_PROFIT = "profit.view"
    PLACE_ORDER = "order.place"
    MANAGE_ORDERS = "order.manage"
    VIEW_ALL_ORDERS = "order.view_all"
    MANAGE_PARTIES = "party.manage"
    VIEW_KHATA = "khata.view"
    RECORD_PAYMENT = "payment.record"
    REVERSE = "reverse"
    """Undo anything: reversal entries, cancelling accepted orders (the "delete" of an append-only book)."""
    MANAGE_USERS = "user.manage"
    RECORD_EXPENSE = "expense.record"
    VIEW_EXPENSES = "expense.view"
    RETURN_GOODS = "sale.return"
    """Take back goods a customer returns: stock in, money back or the khata credited."""
    CHANGE_PRICES = "price.change"
    SET_CREDIT_LIMITS = "credit.limit"
    MANAGE_SETTINGS = "shop.settings"
    """The shop's name, address, GSTIN, UPI id, reply language, daily-summary time: the owner's alone."""
    RECORD_PURCHASE = "purchase.record"
    """Book a supplier's bill (goods in, what the shop owes) or goods sent back to a supplier."""
    PAY_SUPPLIER = "supplier.pay"
    VIEW_PAYABLES = "payables.view"
    VIEW_GST = "gst.view"
    """Returns and tax figures: GSTR-1, GSTR-3B, the purchase register, input tax credit."""
    PLAN_PURCHASES = "purchase.plan"
    """Demand forecasts and what to reorder, how much and how urgently."""


_STAFF = {
    Permission.VIEW_CATALOG,
    Permission.VIEW_STOCK,
    Permission.MOVE_STOCK,
    Permission.POST_SALE,
    Permission.VIEW_SALES,
    Permission.PLACE_ORDER,
    Permission.MANAGE_ORDERS,
    Permission.VIEW_ALL_ORDERS,
    Permission.MANAGE_PARTIES,
    Permission.VIEW_KHATA,
    Permission.RECORD_PAYMENT,
    Permission.RECORD_EXPENSE,
    Permission.RETURN_GOODS,
    Permission.RECORD_PURCHASE,
}
_MANAGER = _STAFF | {
    Permission.MANAGE_CATALOG,
    Permission.VIEW_STOCK_VALUE,
    Permission.VIEW_PROFIT,
    Permission.REVERSE,
    Permission.VIEW_EXPENSES,
    Permission.CHANGE_PRICES,
    Permission.SET_CREDIT_LIMITS,
    Permission.PAY_SUPPLIER,
    Permission.VIEW_PAYABLES,
    Permission.VIEW_GST,
    Permission.PLAN_PURCHASES,
}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.MANAGER: frozenset(_MANAGER),
    Role.STAFF: frozenset(_STAFF),
    Role.CUSTOMER: frozenset({Permission.VIEW_CATALOG, Permission.PLACE_ORDER}),
}


@dataclass(frozen=True)
class Actor:
    """The person behind an operation: a user of the tenant, or the system itself."""

    user_id: int | None
    role: Role
    party_id: int | None = None
    """For customers: the party whose orders and dues they may see."""

    @classmethod
    def system(cls) -> Actor:
        """The CLI, seeding and maintenance jobs: owner rights, no user row."""
        return cls(user_id=None, role=Role.OWNER)

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise `PermissionDenied` unless this actor holds `permission`."""
        if not self.can(permission):
            raise PermissionDenied(permission=permission.value, role=self.role.value)

    def require_party_access(self, party_id: int) -> None:
        """Customers may only look at their own party; everyone with khata rights at any."""
        if self.role is Role.CUSTOMER:
            if self.party_id != party_id:
                raise PermissionDenied(permission=Permission.VIEW_KHATA.value, role=self.role.value)
        else:
            self.require(Permission.VIEW_KHATA)
