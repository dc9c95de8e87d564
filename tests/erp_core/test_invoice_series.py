"""Numbering series: numbers restart every financial year, series are checked, and numbers stay
gapless and unique, also when an invoice fails or many are issued at once."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from erp_core import invoice_series, invoice_settings, invoices
from erp_core.errors import InsufficientStock, NotFound, ValidationError
from erp_core.inventory import stock_of
from erp_core.invoices import InvoiceLineIn

D = Decimal


def test_numbers_restart_each_financial_year_and_series_are_checked(gst_shop, make_product):
    item = make_product("Sugar", ctx=gst_shop, stock=100, gst_rate="5")
    line = [InvoiceLineIn(product_id=item.id, quantity=D(1))]
    # 31 March 2026, 23:00 IST is still 2025-26; 1 April 00:30 IST is 2026-27.
    march = invoices.create_invoice(gst_shop, line, at=datetime(2026, 3, 31, 17, 30, tzinfo=timezone.utc),
                                    payment_mode="cash")
    april = invoices.create_invoice(gst_shop, line, at=datetime(2026, 3, 31, 19, 0, tzinfo=timezone.utc),
                                    payment_mode="cash")
    assert (march.number, april.number) == ("INV/25-26/0001", "INV/26-27/0001")
    invoice_series.add_series(gst_shop, "WS", "WS-{fy}-{n:05}", default=False)
    wholesale = invoices.create_invoice(gst_shop, line, series="WS", payment_mode="cash",
                                        at=datetime(2026, 4, 2, 6, tzinfo=timezone.utc))
    assert wholesale.number == "WS-26-27-00001"
    with pytest.raises(ValidationError):
        invoice_series.add_series(gst_shop, "LONG", "LONGPREFIX/{fy}/{n:04}")   # 20 characters
    with pytest.raises(ValidationError):
        invoice_series.add_series(gst_shop, "BAD", "/INV{n}")                   # must start alphanumeric
    with pytest.raises(ValidationError):
        invoice_series.add_series(gst_shop, "ODD", "INV#{n}")
    with pytest.raises(ValidationError):
        invoice_series.add_series(gst_shop, "ATTR", "INV{n.real}")
    with pytest.raises(NotFound):
        invoices.create_invoice(gst_shop, line, series="NOPE")


def test_a_failed_invoice_gives_its_number_back(gst_shop, make_product):
    item = make_product("Dal", ctx=gst_shop, stock=3, gst_rate="5")
    first = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))])
    with pytest.raises(InsufficientStock):
        invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(5))])
    second = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))])
    assert [first.number, second.number] == ["INV/" + first.financial_year[2:] + "/0001",
                                             "INV/" + first.financial_year[2:] + "/0002"]


def test_numbers_stay_gapless_and_unique_under_concurrent_creation(db, gst_shop, make_product):
    item = make_product("Biscuit", ctx=gst_shop, stock=200, gst_rate="18", unit="pcs")
    numbers, errors = [], []
    lock = threading.Lock()

    def issue() -> None:
        try:
            for _ in range(4):
                invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=item.id, quantity=D(1))],
                                                  payment_mode="upi")
                with lock:
                    numbers.append(invoice.number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    running = sorted(int(number.rsplit("/", 1)[1]) for number in numbers)
    assert running == list(range(1, 25))
    assert stock_of(gst_shop, item.id).on_hand == D(176)


def test_an_e_invoicing_shop_refuses_series_the_irp_would_refuse_when_they_are_configured(gst_shop):
    """The IRP takes numbers matching ^[A-Z1-9][A-Z0-9/-]{0,15}$: a series giving `0001` or `inv/25-26/1` is
    refused when it is added (or when e-invoicing is switched on), not when the invoice is filed."""
    invoice_series.add_series(gst_shop, "PLAIN", "{n:04}")          # fine for a shop that does not e-invoice
    with pytest.raises(ValidationError, match="series PLAIN gives numbers like 0001"):
        invoice_settings.configure_invoicing(gst_shop, e_invoicing=True)
    assert invoice_settings.configure_invoicing(gst_shop).e_invoicing is False


def test_an_e_invoicing_shop_takes_only_irp_numbers_for_new_series(new_shop):
    shop = new_shop(gstin="27AAPFU0939F1ZV", state="Maharashtra")
    assert invoice_settings.configure_invoicing(shop, e_invoicing=True).e_invoicing is True
    for name, pattern in (("ZERO", "{n:04}"), ("LOWER", "inv/{fy}/{n}"), ("SMALL", "ws-{n}")):
        with pytest.raises(ValidationError, match="e-invoice portal refuses"):
            invoice_series.add_series(shop, name, pattern)
    assert invoice_series.add_series(shop, "WS", "WS/{fy}/{n}").pattern == "WS/{fy}/{n}"
    assert invoice_series.add_series(shop, "NUM", "{n}").pattern == "{n}"
    assert invoice_series.add_series(shop, "BOS", "bos-{n}", kind="BILL_OF_SUPPLY").name == "BOS"  # not e-invoiced
