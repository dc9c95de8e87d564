"""`check`: derived tables rebuilt from the ledgers, and the hash-chained audit log."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from erp_core import credit_notes, invoice_payments, invoice_views, invoices, ledger, sales
from erp_core.check import check_tenant
from erp_core.credit_notes import ReturnLineIn
from erp_core.enums import InvoiceStatus
from erp_core.invoices import InvoiceLineIn
from erp_core.models import AuditEntry, Invoice, PartyBalance, StockSummary
from erp_core.sales import LineIn


def _trade(shop, make_product, make_customer):
    rice = make_product(stock=20)
    sharma = make_customer(opening_balance=100)
    sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=Decimal(3))], party_id=sharma.id,
                    payment_mode="credit")
    ledger.record_payment(shop, sharma.id, 50)
    return rice, sharma


def test_clean_books_pass(db, shop, make_product, make_customer):
    _trade(shop, make_product, make_customer)
    report = check_tenant(db, shop.tenant_id)
    assert report.problems == []
    assert (report.products, report.parties) == (1, 1)
    assert report.audit_entries == 6  # tenant, product, receipt, party, sale, payment


def test_a_tampered_summary_is_found_and_repaired(db, shop, make_product, make_customer):
    rice, sharma = _trade(shop, make_product, make_customer)
    with db.session(shop.tenant_id) as session, session.begin():
        session.execute(update(StockSummary).where(StockSummary.product_id == rice.id)
                        .values(on_hand=Decimal(99)))
        session.execute(update(PartyBalance).where(PartyBalance.party_id == sharma.id)
                        .values(balance=Decimal(0)))
    report = check_tenant(db, shop.tenant_id)
    assert len(report.problems) == 2
    assert f"product {rice.id}" in report.problems[0] and f"party {sharma.id}" in report.problems[1]
    assert check_tenant(db, shop.tenant_id, repair=True).repaired
    assert check_tenant(db, shop.tenant_id).problems == []
    with db.session(shop.tenant_id) as session:
        assert session.get(StockSummary, rice.id).on_hand == Decimal(17)
        assert session.get(PartyBalance, sharma.id).balance == Decimal(100 + 150 - 50)


def test_an_altered_audit_entry_breaks_the_chain(db, shop, make_product, make_customer):
    _trade(shop, make_product, make_customer)
    with db.session(shop.tenant_id) as session, session.begin():
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(payload='{"forged":true}'))
    problems = check_tenant(db, shop.tenant_id).problems
    assert problems == ["audit entry 3 was altered"]


def test_a_removed_audit_entry_is_noticed(db, shop, make_product, make_customer):
    _trade(shop, make_product, make_customer)
    with db.session(shop.tenant_id) as session, session.begin():
        session.delete(session.scalar(select(AuditEntry).where(AuditEntry.seq == 4)))
    problems = check_tenant(db, shop.tenant_id).problems
    assert "audit entry 4 is missing (found 5)" in problems
    assert "audit entry 5 does not follow entry 4" in problems


def test_every_operation_is_audited_with_who_and_what(db, shop, make_product):
    rice = make_product(stock=5)
    with db.session(shop.tenant_id) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["tenant.create", "product.add", "stock.receive"]
    assert f'"product_id":{rice.id}' in entries[-1].payload
    assert entries[1].prev_hash == entries[0].hash


def _invoiced(shop, make_product, make_customer):
    """An invoice on credit, part-paid, with a credit note against it."""
    rice = make_product(stock=20)
    sharma = make_customer()
    invoice = invoices.create_invoice(shop, [InvoiceLineIn(product_id=rice.id, quantity=Decimal(4))],
                                      party_id=sharma.id)
    invoice_payments.record_invoice_payment(shop, invoice.id, "50")
    credit_notes.credit_note(shop, invoice.id, [ReturnLineIn(product_id=rice.id, quantity=Decimal(1))],
                             reason="torn bag")
    return invoice


def test_invoice_settlements_agree_with_their_payments_and_credit_notes(db, shop, make_product, make_customer):
    _invoiced(shop, make_product, make_customer)
    report = check_tenant(db, shop.tenant_id)
    assert report.problems == []
    assert report.invoices == 2  # the invoice and its credit note


def test_a_tampered_invoice_settlement_is_found_and_repaired(db, shop, make_product, make_customer):
    invoice = _invoiced(shop, make_product, make_customer)
    with db.session(shop.tenant_id) as session, session.begin():
        session.execute(update(Invoice).where(Invoice.id == invoice.id)
                        .values(paid=Decimal(200), status=InvoiceStatus.PAID))
    report = check_tenant(db, shop.tenant_id)
    assert len(report.problems) == 1
    assert f"invoice {invoice.id} ({invoice.number}): paid 200.00" in report.problems[0]
    assert "give paid 50.00, credited 50.00, PARTIALLY_PAID" in report.problems[0]
    assert check_tenant(db, shop.tenant_id, repair=True).repaired
    assert check_tenant(db, shop.tenant_id).problems == []
    repaired = invoice_views.get_invoice(shop, invoice.id)
    assert (repaired.paid, repaired.credited, repaired.due, repaired.status) == (
        Decimal("50.00"), Decimal("50.00"), Decimal("100.00"), InvoiceStatus.PARTIALLY_PAID)
