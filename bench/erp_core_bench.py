"""erp_core benchmark: one large shop (10,000 SKUs, 1,000,000 ledger rows) among 100 small ones.

Prints, for SQLite and PostgreSQL: stock lookup by name (p50/p99), sale posting
throughput (3-line bills per second), party balance latency (p99) and the peak
memory of the process. Each backend runs in its own process so memory figures
do not mix.

    .venv/erp/bin/python bench/erp_core_bench.py                 # both backends, full size
    .venv/erp/bin/python bench/erp_core_bench.py --backend sqlite --scale 0.1

The history is bulk-loaded (as an import would), with its derived tables
computed by erp_core's own arithmetic, so `check` agrees with it; everything
measured then goes through the public erp_core API.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from erp_core import catalog, inventory, ledger, sales  # noqa: E402
from erp_core.check import check_tenant  # noqa: E402
from erp_core.columns import utcnow  # noqa: E402
from erp_core.context import Context  # noqa: E402
from erp_core.db import Database  # noqa: E402
from erp_core.enums import EntryKind, MovementKind, PartyKind  # noqa: E402
from erp_core.inventory import EMPTY, apply_movement  # noqa: E402
from erp_core.models import (  # noqa: E402
    CreditEntry,
    Party,
    PartyBalance,
    Product,
    ProductAlias,
    StockMovement,
    StockSummary,
    Tenant,
)
from erp_core.permissions import Actor  # noqa: E402
from erp_core.sales import LineIn  # noqa: E402
from erp_core.search_keys import search_key  # noqa: E402
from erp_core.tenants import add_tenant  # noqa: E402

NOUNS = ["Chawal", "Atta", "Dal", "Cheeni", "Tel", "Namak", "Biscuit", "Sabun", "Chai", "Masala", "Ghee", "Besan"]
WORDS = ["Premium", "Gold", "Classic", "Fresh", "Royal", "Desi", "Super", "Shudh", "Nirmal", "Anand"]
BATCH = 10_000
LARGE_SHOP = "900000000001"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _insert(db: Database, tenant_id: int, table: object, rows: list[dict]) -> None:
    with db.session(tenant_id) as session, session.begin():
        for start in range(0, len(rows), BATCH):
            session.execute(insert(table), rows[start:start + BATCH])


def build_large_shop(db: Database, skus: int, ledger_rows: int, rng: random.Random) -> tuple[int, list, list]:
    """Bulk-load the large shop: products, aliases, stock ledger and summaries, parties and khata."""
    tenant = add_tenant(db, phone_number_id=LARGE_SHOP, name="Large Wholesale")
    tid, now = tenant.id, utcnow()
    names = [f"{WORDS[i % len(WORDS)]} {NOUNS[(i // len(WORDS)) % len(NOUNS)]} {i}" for i in range(skus)]
    _insert(db, tid, Product.__table__, [
        {"tenant_id": tid, "sku": f"SKU-{i:05d}", "name": name, "unit": "pcs", "gst_rate": Decimal(5),
         "selling_price": Decimal(50), "cost_price": Decimal(40), "reorder_point": Decimal(10), "lead_time_days": 2,
         "active": True, "created_at": now}
        for i, name in enumerate(names)
    ])
    with db.session(tid) as session:
        product_ids = [row.id for row in session.query(Product.id).order_by(Product.id)]
    _insert(db, tid, ProductAlias.__table__, [
        {"tenant_id": tid, "product_id": pid, "alias": alias, "search_key": search_key(alias)}
        for pid, name in zip(product_ids, names) for alias in (name, f"item {name.split()[-1]}")
    ])
    parties = max(1, skus // 5)
    stock_rows, credit_rows = ledger_rows * 4 // 5, ledger_rows // 5
    movements, summaries = [], []
    per_product = max(2, stock_rows // skus)
    for pid in product_ids:
        state = EMPTY
        for n in range(per_product):
            at = now - timedelta(days=365 - n * 365 // per_product)
            if n == 0 or n % 10 == 0:
                kind, delta, cost = MovementKind.STOCK_IN, Decimal(rng.randint(100, 500)), Decimal(rng.randint(30, 45))
            else:
                kind, delta, cost = MovementKind.STOCK_OUT, -Decimal(rng.randint(1, 5)), None
            if state.on_hand + delta < 0:
                kind, delta, cost = MovementKind.STOCK_IN, Decimal(200), Decimal(40)
            state = apply_movement(state, delta, Decimal(0), cost)
            movements.append({"tenant_id": tid, "product_id": pid, "kind": kind, "on_hand_delta": delta,
                              "reserved_delta": Decimal(0), "unit_cost": cost, "ref_type": "import", "ref_id": None,
                              "note": "", "created_by": None, "created_at": at})
        summaries.append({"tenant_id": tid, "product_id": pid, "on_hand": state.on_hand, "reserved": state.reserved,
                          "avg_cost": state.avg_cost, "value": state.value})
    _insert(db, tid, StockMovement.__table__, movements)
    _insert(db, tid, StockSummary.__table__, summaries)
    _insert(db, tid, Party.__table__, [
        {"tenant_id": tid, "kind": PartyKind.CUSTOMER, "name": f"Customer {i}",
         "search_key": search_key(f"Customer {i}"), "phone": None, "gstin": None, "state": "", "address": "",
         "credit_limit": None, "flagged_for_review": False, "created_at": now}
        for i in range(parties)
    ])
    with db.session(tid) as session:
        party_ids = [row.id for row in session.query(Party.id).order_by(Party.id)]
    entries, balances = [], {pid: Decimal(0) for pid in party_ids}
    for n in range(credit_rows):
        pid = party_ids[n % len(party_ids)]
        at = now - timedelta(days=rng.randint(0, 200))
        debit = Decimal(rng.randint(100, 2000)) if n % 3 else Decimal(0)
        credit = Decimal(0) if n % 3 else Decimal(rng.randint(100, 1000))
        balances[pid] += debit - credit
        entries.append({"tenant_id": tid, "party_id": pid, "kind": EntryKind.SALE if debit else EntryKind.PAYMENT,
                        "debit": debit, "credit": credit, "entry_date": at.date(), "ref_type": "import", "ref_id": None,
                        "reverses_id": None, "note": "", "created_by": None, "created_at": at})
    _insert(db, tid, CreditEntry.__table__, entries)
    _insert(db, tid, PartyBalance.__table__, [{"tenant_id": tid, "party_id": pid, "balance": balance}
                                              for pid, balance in balances.items()])
    return tid, list(zip(product_ids, names)), party_ids


def build_small_shops(db: Database, count: int) -> None:
    """Small shops built through the API, so the database holds many tenants as in production."""
    for n in range(count):
        tenant = add_tenant(db, phone_number_id=f"91000000{n:04d}", name=f"Small Kirana {n}")
        ctx = Context(db, tenant.id, Actor.system())
        for i, noun in enumerate(NOUNS[:5]):
            product = catalog.add_product(ctx, sku=f"S{i}", name=noun, unit="kg", selling_price=50, cost_price=40)
            inventory.receive_stock(ctx, product.id, 100, 40)


def measure(db: Database, tid: int, products: list, parties: list, scale: float, rng: random.Random) -> dict:
    ctx = Context(db, tid, Actor.system())
    queries = []
    for _ in range(1000):
        pid, name = rng.choice(products)
        style = rng.random()
        if style < 0.6:
            queries.append((pid, name))                                   # the catalog name
        elif style < 0.8:
            queries.append((pid, f"item {name.split()[-1]}"))            # an alias
        else:
            queries.append((pid, name.lower().replace("a", "aa", 1)))     # a spelling variant
    catalog.resolve_product(ctx, queries[0][1])  # warm the alias index once, as a running server would be
    lookups, found = [], 0
    for pid, query in queries:
        start = time.perf_counter()
        try:
            product = catalog.resolve_product(ctx, query)
            inventory.stock_of(ctx, product.id)
            found += product.id == pid
        except Exception:  # an ambiguous spelling counts against accuracy, not speed
            pass
        lookups.append((time.perf_counter() - start) * 1000)

    typos = []
    for _ in range(200):
        _, name = rng.choice(products)
        cut = rng.randrange(1, len(name.split()[0]))
        query = name[:cut] + name[cut + 1:]  # one letter missing from the first word
        start = time.perf_counter()
        catalog.find_products(ctx, query)
        typos.append((time.perf_counter() - start) * 1000)

    bills = max(200, int(2000 * scale))
    ids = [pid for pid, _ in products]
    start = time.perf_counter()
    for _ in range(bills):
        lines = [LineIn(product_id=pid, quantity=Decimal(1)) for pid in rng.sample(ids, 3)]
        sales.post_sale(ctx, lines)
    sales_per_second = bills / (time.perf_counter() - start)

    balances = []
    for _ in range(1000):
        start = time.perf_counter()
        ledger.balance(ctx, rng.choice(parties))
        balances.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    report = check_tenant(db, tid)
    return {
        "lookup_p50_ms": percentile(lookups, 50), "lookup_p99_ms": percentile(lookups, 99),
        "lookup_accuracy": found / len(queries), "typo_p50_ms": percentile(typos, 50),
        "typo_p99_ms": percentile(typos, 99), "sales_per_second": sales_per_second, "bills": bills,
        "balance_p99_ms": percentile(balances, 99), "check_seconds": time.perf_counter() - start,
        "check_ok": report.ok,
    }


def build(url: str, scale: float) -> None:
    """Create the benchmark database (run in its own process, so its memory is not counted)."""
    rng = random.Random(42)
    db = Database(url)
    db.migrate()
    start = time.perf_counter()
    build_large_shop(db, int(10_000 * scale), int(1_000_000 * scale), rng)
    build_small_shops(db, 100)
    print(f"built in {time.perf_counter() - start:.0f} s", flush=True)
    db.dispose()


def load_large_shop(db: Database) -> tuple[int, list, list]:
    with db.session(None) as session:
        tid = session.scalar(select(Tenant.id).where(Tenant.phone_number_id == LARGE_SHOP))
    with db.session(tid) as session:
        products = [tuple(row) for row in session.execute(select(Product.id, Product.name).order_by(Product.id))]
        parties = list(session.scalars(select(Party.id).order_by(Party.id)))
    return tid, products, parties


def run_backend(backend: str, scale: float) -> None:
    skus, rows = int(10_000 * scale), int(1_000_000 * scale)
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/erp.db"
        else:
            from tests.postgres_server import postgres_server

            url = stack.enter_context(postgres_server())
        print(f"\n== {backend}: {skus:,} SKUs, {rows:,} ledger rows + 100 small shops", flush=True)
        subprocess.run([sys.executable, __file__, "--build", url, "--scale", str(scale)], check=True)
        db = Database(url)
        tid, products, parties = load_large_shop(db)
        figures = measure(db, tid, products, parties, scale, random.Random(7))
        db.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"stock lookup by name   p50 {figures['lookup_p50_ms']:.2f} ms   p99 {figures['lookup_p99_ms']:.2f} ms"
          f"   ({figures['lookup_accuracy']:.0%} resolved to the intended product)")
    print(f"fuzzy match of a typo  p50 {figures['typo_p50_ms']:.2f} ms   p99 {figures['typo_p99_ms']:.2f} ms")
    print(f"sale posting           {figures['sales_per_second']:.0f} three-line bills/s ({figures['bills']} bills)")
    print(f"party balance          p99 {figures['balance_p99_ms']:.2f} ms")
    print(f"check (rebuild)        {figures['check_seconds']:.1f} s, {'ok' if figures['check_ok'] else 'MISMATCH'}")
    print(f"peak memory            {peak_mb:.0f} MB (the measuring process: lookups, bills, balances, check)")
    if backend == "sqlite":
        targets = [("stock lookup p99 < 5 ms", figures["lookup_p99_ms"] < 5),
                   ("sales >= 500/s", figures["sales_per_second"] >= 500), ("memory < 300 MB", peak_mb < 300)]
        print("targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (1.0)")
    parser.add_argument("--build", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.scale)
    elif args.backend == "both":
        for backend in ("sqlite", "postgresql"):
            subprocess.run([sys.executable, __file__, "--backend", backend, "--scale", str(args.scale)], check=True)
    else:
        run_backend(args.backend, args.scale)


if __name__ == "__main__":
    main()
