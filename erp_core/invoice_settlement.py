"""An invoice's settlement, derived from facts: what was paid, what was credited, its status.

The facts are the `InvoicePayment` rows, the credit notes issued against the
invoice and, for an invoice issued for a bill, what the bill settled at the
counter. `Invoice.paid`, `credited` and `status` are a cache of what the facts
give, updated in the transaction that books a fact (`settle`); `bot check`
rebuilds them (`rebuild_settlements`) and reports or repairs any difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core.enums import InvoiceKind, InvoiceStatus
from erp_core.models import Invoice, InvoicePayment, Sale

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Settlement:
    paid: Decimal
    credited: Decimal
    status: InvoiceStatus

    def __str__(self) -> str:
        return f"paid {self.paid}, credited {self.credited}, {self.status.value}"


def status_of(kind: InvoiceKind, total: Decimal, paid: Decimal, credited: Decimal) -> InvoiceStatus:
    """Paid when payments and credit notes cover the total; a credit note is just issued."""
    if kind is InvoiceKind.CREDIT_NOTE:
        return InvoiceStatus.ISSUED
    settled = paid + credited
    if settled >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if settled > 0 else InvoiceStatus.UNPAID


def paid_at_issue(total: Decimal, sale: Sale | None) -> Decimal:
    """What a bill paid at the counter counts for its invoice: everything when nothing was left due
    (the counter rounded the cash), else what was paid."""
    if sale is None:
        return ZERO
    return total if sale.due == 0 else sale.paid


def settle(invoice: Invoice, *, paid: Decimal = ZERO, credited: Decimal = ZERO) -> None:
    """Add a payment or a credit note to the invoice's cached settlement, in the transaction booking it."""
    invoice.paid += paid
    invoice.credited += credited
    invoice.status = status_of(invoice.kind, invoice.total, invoice.paid, invoice.credited)


def rebuild_settlements(session: Session) -> dict[int, Settlement]:
    """Every invoice's settlement (by invoice id), derived from the facts of the session's tenant."""
    paid = dict(session.execute(
        select(InvoicePayment.invoice_id, func.sum(InvoicePayment.amount)).group_by(InvoicePayment.invoice_id)
    ).all())
    credited = dict(session.execute(
        select(Invoice.original_id, func.sum(Invoice.total))
        .where(Invoice.original_id.is_not(None)).group_by(Invoice.original_id)
    ).all())
    settlements = {}
    for invoice, sale in session.execute(
        select(Invoice, Sale).outerjoin(Sale, Sale.id == Invoice.sale_id).order_by(Invoice.id)
    ).all():
        if invoice.kind is InvoiceKind.CREDIT_NOTE:
            settlements[invoice.id] = Settlement(ZERO, ZERO, InvoiceStatus.ISSUED)
            continue
        invoice_paid = paid_at_issue(invoice.total, sale) + paid.get(invoice.id, ZERO)
        invoice_credited = credited.get(invoice.id, ZERO)
        settlements[invoice.id] = Settlement(
            invoice_paid, invoice_credited, status_of(invoice.kind, invoice.total, invoice_paid, invoice_credited))
    return settlements
