"""REST API benchmark: requests per second and latency (p50, p95) for stock lookups and sale creation
under concurrent load, on loopback against the real server (`python -m bot api`, one process).

A shop with 200 stocked products and one API key; the load generator is
Python (httpx async) with N concurrent clients, each sending its next request as
soon as the last one is answered, for a fixed time per scenario:

- stock lookup: `GET /api/v1/stock/{id}` for random products;
- sale creation: `POST /api/v1/sales` with 1 to 3 random lines, each with its own `Idempotency-Key`.

    .venv/erp/bin/python bench/api_bench.py                         # SQLite, 4 clients, 10 s per scenario
    .venv/erp/bin/python bench/api_bench.py --backend postgresql --clients 32 --seconds 5

Target on SQLite: at least 300 stock lookups/s with p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.servers import start_api_server  # noqa: E402
from erp_core import catalog, inventory  # noqa: E402
from erp_core.api_keys import create_api_key  # noqa: E402
from erp_core.context import Context  # noqa: E402
from erp_core.db import Database  # noqa: E402
from erp_core.permissions import Actor  # noqa: E402
from erp_core.tenants import add_tenant  # noqa: E402
from tests.postgres_server import free_port  # noqa: E402

TARGET_RATE, TARGET_P95_MS = 300.0, 50.0
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def setup(url: str) -> tuple[str, list[int]]:
    """A shop with 200 products in stock; returns an API key and the product ids."""
    db = Database(url)
    db.migrate()
    tenant = add_tenant(db, phone_number_id=f"91{random.randint(10**9, 10**10 - 1)}", name="Bench Kirana")
    ctx = Context(db, tenant.id, Actor.system())
    products = []
    for i in range(200):
        product = catalog.add_product(ctx, sku=f"B{i}", name=f"Item {i}", unit="pcs",
                                      selling_price=f"{random.randint(10, 500)}.50", cost_price="5")
        inventory.receive_stock(ctx, product.id, 1_000_000, "5")
        products.append(product.id)
    key = create_api_key(ctx, "bench", ["read", "write"], rate_limit=100_000).key
    db.dispose()
    return key, products


async def load(client: httpx.AsyncClient, request: Callable[[], Awaitable[httpx.Response]], clients: int,
               seconds: float) -> tuple[list[float], int]:
    """Run `clients` loops of `request` for `seconds`; returns latencies (s) of good answers and the failures."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await request()
            if response.is_success:
                latencies.append(time.perf_counter() - start)
            else:
                failures += 1

    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, failures


def report(name: str, latencies: list[float], failures: int, seconds: float, cpu: float) -> tuple[float, float]:
    """Print the rate, latencies and the server's CPU time per request (what the rate would be on a free core)."""
    rate = len(latencies) / seconds
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else float("nan")
    p50 = statistics.median(ordered) * 1000 if ordered else float("nan")
    per_request = cpu / max(len(latencies), 1) * 1000
    print(f"  {name:<14} {rate:6.0f} req/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
          f"server CPU {per_request:4.2f} ms/request (≈{1000 / per_request:.0f} req/s per free core)   "
          f"({len(latencies)} ok, {failures} failed)")
    return rate, p95


async def run(base: str, key: str, products: list[int], clients: int, seconds: float,
              server_cpu: Callable[[], float]) -> tuple[float, float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits,
                                 timeout=30) as client:
        def lookup() -> Awaitable[httpx.Response]:
            return client.get(f"/stock/{random.choice(products)}")

        def sale() -> Awaitable[httpx.Response]:
            lines = [{"product_id": p, "quantity": random.randint(1, 3)}
                     for p in random.sample(products, random.randint(1, 3))]
            return client.post("/sales", json={"lines": lines}, headers={"Idempotency-Key": str(uuid.uuid4())})

        async def measured(name: str, request: Callable[[], Awaitable[httpx.Response]]) -> tuple[float, float]:
            await load(client, request, clients, 1.0)  # warm up: connections, key cache, statement caches
            before = server_cpu()
            latencies, failures = await load(client, request, clients, seconds)
            return report(name, latencies, failures, seconds, server_cpu() - before)

        rate, p95 = await measured("stock lookup", lookup)
        await measured("sale creation", sale)
    return rate, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    random.seed(7)
    with ExitStack() as stack:
        if args.backend == "postgresql":
            from tests.postgres_server import postgres_server

            url = stack.enter_context(postgres_server())
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.db"
        key, products = setup(url)
        port = free_port()
        server = start_api_server(ROOT, port, {"ERP_DATABASE_URL": url})
        stack.callback(server.stop)
        server.wait_ready(60)
        print(f"{args.backend}, {args.clients} concurrent clients, {args.seconds:g} s per scenario, "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")
        rate, p95 = asyncio.run(run(f"http://127.0.0.1:{port}/api/v1", key, products, args.clients, args.seconds,
                                    lambda: cpu_seconds(server.process.pid)))
    met = rate >= TARGET_RATE and p95 < TARGET_P95_MS
    print(f"target (≥{TARGET_RATE:.0f} stock lookups/s, p95 < {TARGET_P95_MS:.0f} ms): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
