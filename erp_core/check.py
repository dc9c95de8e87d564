"""Proof that the books agree with themselves.

The derived tables (`stock_summary`, `party_balances`) and the settlement of
every invoice (`paid`, `credited`, `status`) are rebuilt from the ledgers, the
invoice payments and the credit notes, and compared with what is stored; the
audit chain is verified.
With `repair=True` the rebuilt values replace the stored ones.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_core import audit, batches
from erp_core.db import Database
from erp_core.inventory import EMPTY, StockState, apply_movement
from erp_core.invoice_settlement import Settlement, rebuild_settlements
from erp_core.models import CreditEntry, Invoice, PartyBalance, StockBatch, StockMovement, StockSummary


class CheckReport(BaseModel):
    tenant_id: int
    products: int
    parties: int
    audit_entries: int
    invoices: int = 0
    problems: list[str]
    repaired: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def rebuild_stock(session: Session) -> dict[int, StockState]:
    """Stock per product, replayed from the stock ledger of the session's tenant."""
    states: dict[int, StockState] = {}
    rows = session.execute(
        select(StockMovement.product_id, StockMovement.on_hand_delta, StockMovement.reserved_delta,
               StockMovement.unit_cost).order_by(StockMovement.id)
    ).yield_per(10_000)
    for product_id, on_hand_delta, reserved_delta, unit_cost in rows:
        states[product_id] = apply_movement(states.get(product_id, EMPTY), on_hand_delta, reserved_delta, unit_cost)
    return states


def rebuild_balances(session: Session) -> dict[int, Decimal]:
    """Khata balance per party, summed from the credit ledger of the session's tenant."""
    rows = session.execute(
        select(CreditEntry.party_id, func.sum(CreditEntry.debit), func.sum(CreditEntry.credit))
        .group_by(CreditEntry.party_id)
    )
    return {party_id: debit - credit for party_id, debit, credit in rows}


def check_tenant(db: Database, tenant_id: int, *, repair: bool = False) -> CheckReport:
    """Rebuild one tenant's derived tables from its ledgers and report every difference."""
    problems: list[str] = []
    with db.session(tenant_id, readonly=not repair) as session, session.begin():
        stock = rebuild_stock(session)
        summaries = session.scalars(select(StockSummary)).all()
        for summary in summaries:
            expected = stock.get(summary.product_id, EMPTY)
            stored = StockState(summary.on_hand, summary.reserved, summary.avg_cost, summary.value)
            if stored != expected:
                problems.append(f"product {summary.product_id}: stock_summary {tuple(stored)} "
                                f"but the ledger gives {tuple(expected)}")
                if repair:
                    summary.on_hand, summary.reserved, summary.avg_cost, summary.value = expected
        missing = set(stock) - {s.product_id for s in summaries}
        problems += [f"product {pid}: movements but no stock_summary row" for pid in sorted(missing)]
        balances = rebuild_balances(session)
        stored_balances = session.scalars(select(PartyBalance)).all()
        for row in stored_balances:
            expected_balance = balances.get(row.party_id, Decimal("0.00"))
            if row.balance != expected_balance:
                problems.append(f"party {row.party_id}: balance {row.balance} but the khata gives {expected_balance}")
                if repair:
                    row.balance = expected_balance
        invoices = _check_invoices(session, problems, repair=repair)
        _check_batches(session, problems, repair=repair)
        chain = audit.verify_chain(session)
        problems += chain
        audit_entries = session.scalar(select(func.count()).select_from(audit.AuditEntry)) or 0
    return CheckReport(tenant_id=tenant_id, products=len(summaries), parties=len(stored_balances),
                       audit_entries=audit_entries, invoices=invoices, problems=problems,
                       repaired=repair and bool(problems))


def _check_batches(session: Session, problems: list[str], *, repair: bool) -> None:
    """Compare every batch's stored stock with its movements, and no product's batches with more than it has."""
    totals = batches.rebuild(session)
    held: dict[int, Decimal] = {}
    for batch in session.scalars(select(StockBatch)):
        expected = totals.get(batch.id, Decimal(0))
        if batch.on_hand != expected:
            problems.append(f"batch {batch.batch_no} of product {batch.product_id}: {batch.on_hand} on hand but its "
                            f"movements give {expected}")
            if repair:
                batch.on_hand = expected
        held[batch.product_id] = held.get(batch.product_id, Decimal(0)) + expected
    for summary in session.scalars(select(StockSummary).where(StockSummary.product_id.in_(held))):
        if held[summary.product_id] > max(summary.on_hand, Decimal(0)):
            problems.append(f"product {summary.product_id}: its batches hold {held[summary.product_id]}, "
                            f"more than the {summary.on_hand} on hand")


def _check_invoices(session: Session, problems: list[str], *, repair: bool) -> int:
    """Compare every invoice's stored settlement with the one its payments and credit notes give."""
    settlements = rebuild_settlements(session)
    invoices = session.scalars(select(Invoice).order_by(Invoice.id)).all()
    for invoice in invoices:
        expected = settlements[invoice.id]
        stored = Settlement(invoice.paid, invoice.credited, invoice.status)
        if stored != expected:
            problems.append(f"invoice {invoice.id} ({invoice.number}): {stored} "
                            f"but its payments and credit notes give {expected}")
            if repair:
                invoice.paid, invoice.credited, invoice.status = expected.paid, expected.credited, expected.status
    return len(invoices)
