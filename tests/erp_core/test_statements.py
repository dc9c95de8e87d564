"""Khata statements for a period, from the ledger alone: they agree with the balance and with `bot check`;
the PDF prints every entry and a UPI QR code for what is due."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from erp_core import ledger, sales, shop_settings, upi
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.enums import EntryKind, Role
from erp_core.errors import PermissionDenied, UnknownParty, ValidationError
from erp_core.permissions import Actor
from erp_core.sales import LineIn
from erp_core.statement_pdf import render_statement, statement_pdf
from erp_core.statements import record_sending, statement

D = Decimal
IST = ZoneInfo("Asia/Kolkata")


def on(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=IST)


@pytest.fixture
def sharma(shop, make_product, make_customer):
    """Sharma ji's khata: 500 on credit in January, 200 paid; 300 on credit in February, 100 paid."""
    rice = make_product("Chawal", stock=100, price="50")
    party = make_customer("Sharma ji")
    for day, qty in (("2025-01-10", 10), ("2025-02-05", 6)):
        sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(qty))], party_id=party.id,
                        payment_mode="credit", at=on(day))
    for day, amount in (("2025-01-20", "200"), ("2025-02-25", "100")):
        ledger.record_payment(shop, party.id, amount, "upi", at=on(day))
    return party


def test_a_period_statement_has_the_balance_brought_forward_every_entry_and_the_closing(db, shop, sharma):
    february = statement(shop, sharma.id, date(2025, 2, 1), date(2025, 2, 28))
    assert february.opening_balance == D("300.00")
    assert [(e.entry_date, e.kind, e.debit, e.credit, e.balance) for e in february.entries] == [
        (date(2025, 2, 5), EntryKind.SALE, D("300.00"), D("0.00"), D("600.00")),
        (date(2025, 2, 25), EntryKind.PAYMENT, D("0.00"), D("100.00"), D("500.00"))]
    assert (february.total_debit, february.total_credit, february.closing_balance) == (D(300), D(100), D(500))
    whole = statement(shop, sharma.id)
    assert whole.opening_balance == D(0) and len(whole.entries) == 4
    assert whole.closing_balance == ledger.balance(shop, sharma.id).balance == D("500.00")
    assert statement(shop, sharma.id, date(2025, 1, 1), date(2025, 1, 15)).closing_balance == D("500.00")
    assert check_tenant(db, shop.tenant_id).ok


def test_statements_refuse_a_backwards_period_an_unknown_party_and_other_peoples_khata(shop, sharma):
    with pytest.raises(ValidationError):
        statement(shop, sharma.id, date(2025, 3, 1), date(2025, 2, 1))
    with pytest.raises(UnknownParty):
        statement(shop, 999_999)
    with pytest.raises(PermissionDenied):
        statement(Context(shop.db, shop.tenant_id, Actor(None, Role.CUSTOMER, party_id=sharma.id + 1)), sharma.id)
    own = statement(Context(shop.db, shop.tenant_id, Actor(None, Role.CUSTOMER, party_id=sharma.id)), sharma.id)
    assert own.closing_balance == D(500), "a customer sees their own (a reminder's statement button)"
    assert statement(Context(shop.db, shop.tenant_id, Actor(None, Role.STAFF)), sharma.id).closing_balance == D(500)


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "statement.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "statement.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout


def read_qr(pdf: bytes, tmp_path, modules: int) -> list[list[int]]:
    """Rasterise the page (4 pixels a point) and read the QR code printed at the left margin, module by module."""
    (tmp_path / "qr.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "288", "-gray", "-singlefile", str(tmp_path / "qr.pdf"),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.pgm")
    left = round(32 * 4) + 2
    bottom = [y for y in range(page.height) if page.getpixel((left, y)) < 128][-1] + 1
    module = 92 * 4 / modules
    return [[int(page.getpixel((round(left - 2 + (c + 0.5) * module), round(bottom - 92 * 4 + (r + 0.5) * module)))
                 < 128) for c in range(modules)] for r in range(modules)]


def test_the_pdf_prints_the_statement_and_a_qr_code_for_the_due(shop, sharma, make_customer, tmp_path):
    shop_settings.update_settings(shop, name="Ramesh Kirana", upi_vpa="ramesh@okaxis")
    view = statement(shop, sharma.id, date(2025, 2, 1), date(2025, 2, 28))
    text = pdf_text(render_statement(view), tmp_path)
    for expected in ("STATEMENT OF ACCOUNT", "Ramesh Kirana", "Sharma ji", "01-02-2025 to 28-02-2025",
                     "Balance brought forward", "300.00 Dr", "Payment (upi)", "600.00 Dr", "₹ 500.00 Dr",
                     "Scan to pay ₹ 500.00"):
        assert expected in text, expected
    link = upi.pay_link("ramesh@okaxis", "Ramesh Kirana", D(500), "KHATA-%d-20250228" % sharma.id,
                        note="Khata up to 28-02-2025")
    expected_qr = upi.qr_code(link).matrix
    assert read_qr(render_statement(view), tmp_path, len(expected_qr)) == [list(row) for row in expected_qr]

    devanagari = make_customer("रमेश शर्मा", opening_balance="-50")  # an advance: nothing due, no QR
    text = pdf_text(statement_pdf(shop, devanagari.id), tmp_path)
    assert "रमेश शर्मा" in text and "50.00 Cr" in text and "Scan to pay" not in text


def test_sending_a_statement_is_recorded_once_per_key(shop, sharma):
    february = statement(shop, sharma.id, date(2025, 2, 1), date(2025, 2, 28))
    assert record_sending(shop, february, idempotency_key="chat:x:wamid.1:send") is True
    assert record_sending(shop, february, idempotency_key="chat:x:wamid.1:send") is False
    assert record_sending(shop, february, idempotency_key="chat:x:wamid.2:send") is True
    with pytest.raises(PermissionDenied):
        record_sending(Context(shop.db, shop.tenant_id, Actor(None, Role.CUSTOMER, party_id=sharma.id)), february,
                       idempotency_key="chat:x:wamid.3:send")
