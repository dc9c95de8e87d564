"""Invoice benchmark: invoices per second, issuing (create) and rendering the PDF, on one core.

A GST shop with 200 products issues 3-line B2B invoices (a Devanagari buyer name,
mixed rates, a UPI QR code for the amount due) one after another through the
public API: `invoices.create_invoice` (stock out, khata debit, gapless number)
and `invoice_pdf.render_invoice`. Prints the rate of each step alone and of both
together, per backend.

    .venv/erp/bin/python bench/invoice_bench.py                      # SQLite and PostgreSQL, 300 invoices
    .venv/erp/bin/python bench/invoice_bench.py --backend sqlite --invoices 100
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from erp_core import catalog, inventory, invoice_settings, invoices, parties  # noqa: E402
from erp_core.context import Context  # noqa: E402
from erp_core.db import Database  # noqa: E402
from erp_core.invoice_pdf import render_invoice  # noqa: E402
from erp_core.invoices import InvoiceLineIn  # noqa: E402
from erp_core.permissions import Actor  # noqa: E402
from erp_core.tenants import add_tenant  # noqa: E402

RATES = ["0", "5", "12", "18", "28"]
TARGET = 50.0


def setup(db: Database) -> tuple[Context, list[int], int]:
    tenant = add_tenant(db, phone_number_id="919900000123", name="शर्मा जनरल स्टोर", gstin="27AAPFU0939F1ZV",
                        state="Maharashtra", address="12, MG Road, Pune 411001")
    ctx = Context(db, tenant.id, Actor.system())
    invoice_settings.configure_invoicing(ctx, upi_vpa="sharma.store@okicici", prices_include_tax=False)
    products = []
    for i in range(200):
        product = catalog.add_product(ctx, sku=f"B{i}", name=f"Item {i} बासमती", unit="pcs",
                                      selling_price=Decimal(random.randint(1000, 99999)) / 100,
                                      gst_rate=RATES[i % len(RATES)], hsn_code=f"{1001 + i % 90:04d}")
        inventory.receive_stock(ctx, product.id, 100_000, "5")
        products.append(product.id)
    buyer = parties.add_party(ctx, kind="customer", name="मीना अग्रवाल ट्रेडर्स", gstin="29AABCR1718E1ZL",
                              address="Jayanagar, Bengaluru 560011")
    return ctx, products, buyer.id


def measure(url: str, count: int) -> dict[str, float]:
    db = Database(url)
    db.migrate()
    random.seed(7)
    ctx, products, buyer = setup(db)

    def lines() -> list[InvoiceLineIn]:
        return [InvoiceLineIn(product_id=p, quantity=Decimal(random.randint(1, 9))) for p in random.sample(products, 3)]

    render_invoice(invoices.create_invoice(ctx, lines(), party_id=buyer))  # warm up fonts and caches
    created, create_time, create_cpu = [], 0.0, 0.0
    for _ in range(count):
        start, cpu = time.perf_counter(), time.process_time()
        created.append(invoices.create_invoice(ctx, lines(), party_id=buyer))
        create_time += time.perf_counter() - start
        create_cpu += time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    sizes = [len(render_invoice(invoice)) for invoice in created]
    pdf_time, pdf_cpu = time.perf_counter() - start, time.process_time() - cpu
    db.dispose()
    return {"create": count / create_time, "pdf": count / pdf_time, "both": count / (create_time + pdf_time),
            "create_cpu": count / create_cpu, "pdf_cpu": count / pdf_cpu, "both_cpu": count / (create_cpu + pdf_cpu),
            "pdf_kb": sum(sizes) / len(sizes) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--invoices", type=int, default=300)
    args = parser.parse_args()
    with ExitStack() as stack:
        urls = {}
        if args.backend in ("sqlite", "both"):
            urls["sqlite"] = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.db"
        if args.backend in ("postgresql", "both"):
            from tests.postgres_server import postgres_server

            urls["postgresql"] = stack.enter_context(postgres_server())
        print(f"{args.invoices} three-line B2B invoices with a UPI QR code, one at a time")
        print("per second of elapsed time (wall) and of this process's CPU time (cpu: one core's worth,")
        print("steady on a shared machine; it leaves out the PostgreSQL server's own CPU)")
        for name, url in urls.items():
            figures = measure(url, args.invoices)
            for clock, suffix in (("wall", ""), ("cpu", "_cpu")):
                verdict = "met" if figures["both" + suffix] >= TARGET else "missed"
                print(f"{name:>10} {clock:>4}: create {figures['create' + suffix]:6.1f}/s   "
                      f"PDF {figures['pdf' + suffix]:6.1f}/s   create + PDF {figures['both' + suffix]:6.1f}/s "
                      f"(target ≥ {TARGET:.0f}/s: {verdict})")
            print(f"{name:>10}: PDF size {figures['pdf_kb']:.0f} KiB")


if __name__ == "__main__":
    main()
