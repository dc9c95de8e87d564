"""The scale-out profile's capacity on this machine: 1 and 2 replicas on PostgreSQL and Redis.

    .venv/erp/bin/python bench/scale_bench.py                       # 1 and 2 replicas, writes docs/scaling.md
    .venv/erp/bin/python bench/scale_bench.py --replicas 2 --rates 10 --seconds 10 --no-write

For each replica count it starts the profile as the fault tests do (tests/scale/cluster.py: PostgreSQL 15, Redis 7,
the Rasa and action server pairs, the webhook gateway, the simulator as Meta's Graph API), then sends signed
webhooks through the gateway at each offered rate (stock questions from many customers, 10 % delivered twice as
Meta's retries are; `bench/whatsapp_bench.py`'s step), and reports: the achieved rate, p50/p95 from webhook to
reply, lost and duplicated replies, the CPU milliseconds each kind of process spent per answered message, and
PostgreSQL transactions and Redis commands per message. The figures replace the "Measured" section of
docs/scaling.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from whatsapp_bench import cpu_seconds, process_cpu_seconds, run_step  # noqa: E402

from erp_core import consents  # noqa: E402
from erp_core.context import Context  # noqa: E402
from erp_core.demo import DEMO_PHONE_NUMBER_ID  # noqa: E402
from erp_core.enums import ConsentPurpose  # noqa: E402
from erp_core.permissions import Actor  # noqa: E402
from erp_core.tenants import find_tenant  # noqa: E402
from tests.scale.cluster import running_cluster  # noqa: E402

REPORT = ROOT / "docs" / "scaling.md"
START, END = "<!-- scale_bench: start -->", "<!-- scale_bench: end -->"


def pid_cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time so far of one process (and, with `children`, of its live child processes: the
    postmaster's backends)."""
    return process_cpu_seconds(lambda found, fields: found == pid or (children and int(fields[1]) == pid))


def introduce(cluster, steps: int, customers: int) -> None:
    """The bench's customers (as `run_step` numbers them) already had the privacy notice, so each message gets one
    answer, as in a shop's ordinary day."""
    db = cluster.db
    try:
        ctx = Context(db, find_tenant(db, DEMO_PHONE_NUMBER_ID).id, Actor.system())
        for step in [99, *range(steps)]:
            for n in range(customers):
                consents.record(ctx, f"97{step:02d}{n:08d}", ConsentPurpose.TRANSACTIONAL, True, "cli")
    finally:
        db.dispose()


def postgres(cluster) -> tuple[int, int]:
    """Transactions committed or rolled back so far in the books' and the conversations' databases, and their size
    in bytes."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(cluster.pg.port), "-U", "postgres", "-d", "postgres",
                          "-At", "-c", "SELECT pg_stat_force_next_flush(); SELECT sum(xact_commit + xact_rollback), "
                          "sum(pg_database_size(datname)) FROM pg_stat_database WHERE datname IN ('erp', 'rasa')"],
                         capture_output=True, text=True, check=True).stdout.split()
    transactions, size = out[-1].split("|")
    return int(transactions), int(size)


def redis(cluster) -> tuple[int, int]:
    """Commands Redis processed so far, and the memory it uses (bytes)."""
    info = subprocess.run(["redis-cli", "-p", str(cluster.redis.port), "info"], capture_output=True, text=True,
                          check=True).stdout
    return (int(re.search(r"total_commands_processed:(\d+)", info).group(1)),
            int(re.search(r"used_memory:(\d+)", info).group(1)))


class Target:
    """What `run_step` needs of a stack: the simulator, the webhook URL (the gateway), a Rasa server."""

    def __init__(self, cluster) -> None:
        self.sim, self.rasa = cluster.sim, cluster.replicas[0][0]
        self.webhook_url = f"{cluster.gateway_url}/webhooks/whatsapp/webhook"


def measure(replicas: int, rates: list[float], seconds: float, customers: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="hisaab-scale-bench-") as tmp, \
            running_cluster(Path(tmp), replicas=replicas) as cluster:
        target = Target(cluster)
        introduce(cluster, len(rates), customers)
        asyncio.run(run_step(target, 2, 5, 10, 0, 99))  # warm-up: first parse, first action call on each replica
        postmaster = int((cluster.pg.data / "postmaster.pid").read_text().split()[0])
        groups = {f"rasa{i}": rasa.process.pid for i, (rasa, _) in enumerate(cluster.replicas)}
        groups |= {f"actions{i}": actions.process.pid for i, (_, actions) in enumerate(cluster.replicas)}
        for step, rate in enumerate(rates):
            cpu = {name: cpu_seconds(group) for name, group in groups.items()}
            redis_cpu, pg_cpu = pid_cpu_seconds(cluster.redis.process.pid), pid_cpu_seconds(postmaster, True)
            pg_before, redis_before = postgres(cluster), redis(cluster)
            result = asyncio.run(run_step(target, rate, seconds, customers, 0.1, step))
            answered = max(1, result["replies"])
            spent = {name: (cpu_seconds(group) - cpu[name]) * 1000 / answered for name, group in groups.items()}
            result["cpu_ms"] = {
                "Rasa (all replicas)": sum(v for k, v in spent.items() if k.startswith("rasa")),
                "actions (all)": sum(v for k, v in spent.items() if k.startswith("actions")),
                "PostgreSQL": (pid_cpu_seconds(postmaster, True) - pg_cpu) * 1000 / answered,
                "Redis": (pid_cpu_seconds(cluster.redis.process.pid) - redis_cpu) * 1000 / answered,
            }
            pg_after, redis_after = postgres(cluster), redis(cluster)
            result["pg_transactions"] = (pg_after[0] - pg_before[0]) / answered
            result["pg_bytes"] = (pg_after[1] - pg_before[1]) / answered
            result["redis_commands"] = (redis_after[0] - redis_before[0]) / answered
            result["redis_bytes"] = (redis_after[1] - redis_before[1]) / answered
            result["replicas"] = replicas
            rows.append(result)
            print(row(result), flush=True)
    return rows


HEADER = ("| replicas | offered/s | achieved/s | p50 ms | p95 ms | lost | dup | CPU ms/msg: Rasa | actions | "
          "PostgreSQL | Redis | PG transactions/msg | PG bytes/msg | Redis commands/msg | Redis bytes/msg |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def row(r: dict) -> str:
    cpu = r["cpu_ms"]
    return (f"| {r['replicas']} | {r['offered']:.0f} | {r['achieved']:.1f} | {r['p50'] * 1000:.0f} | "
            f"{r['p95'] * 1000:.0f} | {r['lost']} | {r['duplicated']} | {cpu['Rasa (all replicas)']:.1f} | "
            f"{cpu['actions (all)']:.1f} | {cpu['PostgreSQL']:.1f} | {cpu['Redis']:.2f} | "
            f"{r['pg_transactions']:.1f} | {r['pg_bytes']:.0f} | {r['redis_commands']:.1f} | {r['redis_bytes']:.0f} |")


def write(rows: list[dict], args: argparse.Namespace, load: str) -> None:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join([
        START,
        f"Measured {when} by `bench/scale_bench.py --rates {' '.join(f'{r:g}' for r in args.rates)} --seconds "
        f"{args.seconds:g}` on {os.cpu_count()} cores ({platform.machine()}), load average before the run {load}. "
        f"Stock questions from {args.customers} customers who had the privacy notice before, 10 % of webhooks "
        "delivered twice; everything (PostgreSQL, "
        "Redis, the replicas, the gateway, the simulator and the load generator) on the same cores.",
        "", HEADER, *(row(r) for r in rows), END])
    text = REPORT.read_text(encoding="utf-8")
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rates", type=float, nargs="+", default=[10, 20, 30, 40])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(HEADER, flush=True)
    started = time.monotonic()
    rows = [r for replicas in args.replicas for r in measure(replicas, args.rates, args.seconds, args.customers)]
    print(f"({time.monotonic() - started:.0f} s)")
    if not args.no_write:
        write(rows, args, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
