"""The fixed vocabularies of the books, named as Indian shops and accountants name them."""

from __future__ import annotations

from enum import StrEnum


class Country(StrEnum):
    IN = "IN"
    NP = "NP"


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"
    CUSTOMER = "customer"


class Unit(StrEnum):
    KG = "kg"
    G = "g"
    L = "l"
    ML = "ml"
    PCS = "pcs"
    DOZEN = "dozen"
    BOX = "box"
    BAG = "bag"
    PACKET = "packet"


class MovementKind(StrEnum):
    """Kinds of stock-ledger entries."""

    STOCK_IN = "STOCK_IN"
    STOCK_OUT = "STOCK_OUT"
    ADJUSTMENT = "ADJUSTMENT"
    RETURN = "RETURN"
    RESERVE = "RESERVE"
    RELEASE = "RELEASE"


class StockReason(StrEnum):
    """Why stock left (or was corrected) outside a sale: a write-off's reason, or a count."""

    DAMAGED = "damaged"
    EXPIRED = "expired"
    LOST = "lost"
    STOLEN = "stolen"
    OWN_USE = "own_use"
    """Used in the shop or by the family."""
    COUNT = "count"
    """The owner counted; the difference to the ledger was booked."""


WRITE_OFF_REASONS = tuple(reason for reason in StockReason if reason is not StockReason.COUNT)


class ReplyLanguage(StrEnum):
    """The language the bot answers a shop's people in: AUTO, each person in the language and script they write;
    any other, always that one (an owner who set "reply Nepali me karo" means it)."""

    AUTO = "auto"
    HINGLISH = "hinglish"
    """Hindi in Roman script."""
    HI = "hi"
    NE = "ne"
    NE_ROMAN = "ne_roman"
    """Nepali in Roman script."""
    EN = "en"


class RefundMode(StrEnum):
    """How the money for goods returned goes back: paid out now, or credited to the khata."""

    CASH = "cash"
    UPI = "upi"
    CARD = "card"
    BANK = "bank"
    KHATA = "khata"


class PartyKind(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


class PaymentMode(StrEnum):
    CASH = "cash"
    UPI = "upi"
    CARD = "card"
    BANK = "bank"
    CHEQUE = "cheque"
    CREDIT = "credit"
    """Udhaar: nothing paid now, the whole bill goes to the khata."""


class EntryKind(StrEnum):
    """Kinds of credit-ledger (khata) entries."""

    OPENING = "OPENING"
    SALE = "SALE"
    ORDER = "ORDER"
    PAYMENT = "PAYMENT"
    REVERSAL = "REVERSAL"
    CREDIT_NOTE = "CREDIT_NOTE"
    """Goods returned against a GST invoice: the credit note's total is credited."""
    RETURN = "RETURN"
    """Goods returned against a counter bill (or without one): their value is credited."""
    REFUND = "REFUND"
    """Money paid back to the party for goods returned (a debit: it offsets the RETURN or CREDIT_NOTE credit)."""
    PURCHASE = "PURCHASE"
    """A supplier's bill: its total is credited (the shop owes it)."""
    SUPPLIER_PAYMENT = "SUPPLIER_PAY"
    """Money the shop paid a supplier: a debit."""
    DEBIT_NOTE = "DEBIT_NOTE"
    """Goods sent back to a supplier: the debit note's total is debited."""


class PurchaseKind(StrEnum):
    """A supplier's bill, or the shop's debit note for goods it sent back."""

    BILL = "BILL"
    DEBIT_NOTE = "DEBIT_NOTE"


class CreditPolicy(StrEnum):
    """What happens when a credit sale would take a party over its limit."""

    WARN = "warn"
    BLOCK = "block"


class OrderStatus(StrEnum):
    DRAFT = "DRAFT"
    CONFIRMED = "CONFIRMED"
    ACCEPTED = "ACCEPTED"
    PACKED = "PACKED"
    DISPATCHED = "DISPATCHED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"


class InvoiceKind(StrEnum):
    """The GST document: a tax invoice, a Bill of Supply (no tax charged) or a credit note."""

    TAX_INVOICE = "TAX_INVOICE"
    BILL_OF_SUPPLY = "BILL_OF_SUPPLY"
    CREDIT_NOTE = "CREDIT_NOTE"


class InvoiceStatus(StrEnum):
    UNPAID = "UNPAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    ISSUED = "ISSUED"
    """Credit notes: issued, nothing to collect."""


class ConsentPurpose(StrEnum):
    """What a person's number may be used for (the DPDP Act's purposes, `erp_core.consents`)."""

    TRANSACTIONAL = "transactional"
    """Answers, order and payment messages the person asked for: given with the privacy notice."""
    REMINDERS = "reminders"
    """Payment reminders and offers the shop starts: only when the person opts in."""


class NoticeKind(StrEnum):
    """A message the shop sends on its own (`erp_core.notices`)."""

    REMINDER = "reminder"
    """To a customer: what is due, how old, a link to pay."""
    PAYMENT_RECEIPT = "payment_receipt"
    """To a customer: their payment was recorded, and what is still due."""
    CREDIT_RECEIPT = "credit_receipt"
    """To a customer: goods on credit were written in their khata."""
    ORDER_UPDATE = "order_update"
    """To a customer: their order was accepted, dispatched, delivered or rejected."""
    LOW_STOCK = "low_stock"
    """To the owner: a sale took a product under its reorder point."""
    PAYMENT_RECEIVED = "payment_received"
    """To the owner: a customer paid (by a payment link, the API or an offline sync)."""
    DAILY_SUMMARY = "daily_summary"
    """To the owner: the day's closing."""
    REORDER_PLAN = "reorder_plan"
    """To the owner: the week's "what to order" list (`erp_core.weekly_reorder`)."""


class NoticeState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    """Taken by a worker (`erp_core.notices.claim`), under a lease."""
    SENT = "sent"
    SKIPPED = "skipped"
    """Never to be sent: the person opted out, or what it was about is settled."""
    FAILED = "failed"


class PhotoState(StrEnum):
    """A bill photo's draft: shown to the owner, then booked once or cancelled."""

    DRAFT = "draft"
    BOOKED = "booked"
    CANCELLED = "cancelled"
