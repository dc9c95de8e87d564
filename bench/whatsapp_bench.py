"""WhatsApp channel benchmark: signed webhooks at increasing rates through the full stack.

Starts the simulator (its Graph API receives the replies and, as Meta does, sends
sent/delivered status webhooks back), the Rasa server with the WhatsApp channel,
the action server and a fresh demo shop. At each offered rate it sends stock
questions ("maggi kitna hai" and friends, answered from the books) from many
customers as signed webhooks for a fixed time, re-sends a share of them (Meta's
retries), waits for every answer, and prints the achieved rate, p50/p95/p99 from
webhook to the reply reaching the Graph API, lost and duplicated replies, and the
peak memory of the Rasa process (which hosts the channel).

    .venv/erp/bin/python bench/whatsapp_bench.py                      # SQLite inbox/outbox
    .venv/erp/bin/python bench/whatsapp_bench.py --redis              # Redis inbox/outbox
    .venv/erp/bin/python bench/whatsapp_bench.py --rates 10 30 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from connectors.simulator import webhooks  # noqa: E402
from erp_core.demo import DEMO_PHONE_NUMBER_ID as BUSINESS  # noqa: E402
from tests.connectors.simulator_process import APP_SECRET  # noqa: E402

QUESTIONS = ["maggi kitna hai", "cheeni kitna hai", "chawal kitna hai", "kitna stock hai Maggi ka?"]


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a process: its peak resident set size."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def process_cpu_seconds(selected: Callable[[int, list[str]], bool]) -> float:
    """User + system CPU time used so far by the live processes `selected(pid, fields of /proc/pid/stat)` picks."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if selected(int(stat.parent.name), fields):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(group: int) -> float:
    """User + system CPU time used so far by the live processes of a process group (a server and its workers)."""
    return process_cpu_seconds(lambda pid, fields: int(fields[2]) == group)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run_step(stack, rate: float, seconds: float, customers: int, retry_share: float, step: int,
                   processes: dict[str, int] | None = None) -> dict:
    """Send `rate` webhooks/s for `seconds`; return the figures once every reply is in (or none came for 60 s)."""
    stack.sim.reset()
    processes = processes or {}
    cpu_before = {name: cpu_seconds(group) for name, group in processes.items()}
    total = int(rate * seconds)
    sent_at: dict[tuple[str, int], float] = {}
    statuses: list[int] = []
    per_customer: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=200)) as client:
        async def post(payload: dict) -> None:
            body, headers = webhooks.signed(payload, APP_SECRET)
            try:
                answer = await client.post(stack.webhook_url, content=body, headers=headers)
                statuses.append(answer.status_code)
            except httpx.HTTPError:  # no answer within the timeout: Meta would retry; count it
                statuses.append(0)

        tasks = []
        start = time.time()
        for n in range(total):
            await asyncio.sleep(max(0.0, start + n / rate - time.time()))
            wa_id = f"97{step:02d}{n % customers:08d}"
            seq = per_customer.get(wa_id, 0)
            per_customer[wa_id] = seq + 1
            payload = webhooks.text(BUSINESS, wa_id, QUESTIONS[n % len(QUESTIONS)])
            sent_at[(wa_id, seq)] = time.time()
            tasks.append(asyncio.create_task(post(payload)))
            if (n * retry_share) % 1 + retry_share >= 1:  # a share of webhooks arrives twice, a moment later
                tasks.append(asyncio.create_task(post(payload)))
        await asyncio.gather(*tasks)
        sending = time.time() - start
    # a reply that is late is not lost: wait while replies keep coming, give up after 60 s without one
    seen, quiet_since = 0, time.time()
    while time.time() - quiet_since < 60:
        sends = [r for r in stack.sim.requests() if r["path"].endswith("/messages") and "status" not in r["body"]]
        if len(sends) >= total:
            break
        if len(sends) > seen:
            seen, quiet_since = len(sends), time.time()
        await asyncio.sleep(0.5)
    time.sleep(2)  # duplicates, if any, would arrive now
    sends = [r for r in stack.sim.requests() if r["path"].endswith("/messages") and "status" not in r["body"]]
    replies: dict[str, list[float]] = {}
    for request in sends:
        replies.setdefault(request["body"]["to"], []).append(request["at"])
    latencies = []
    for (wa_id, seq), at in sent_at.items():
        times = replies.get(wa_id, [])
        if seq < len(times):
            latencies.append(times[seq] - at)
    last = max((r["at"] for r in sends), default=start)
    return {
        "offered": rate, "messages": total, "webhooks": len(statuses), "non_200": sum(s != 200 for s in statuses),
        "achieved": len(sends) / max(last - start, sending), "replies": len(sends),
        "lost": max(0, total - len(sends)), "duplicated": max(0, len(sends) - total),
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "rasa_peak_mib": peak_rss_mib(stack.rasa.process.pid),
        "cpu_ms": {name: (cpu_seconds(group) - cpu_before[name]) * 1000 / max(1, len(sends))
                   for name, group in processes.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="+", default=[5, 10, 20, 30, 40, 50])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--retry-share", type=float, default=0.1, help="share of webhooks delivered twice")
    parser.add_argument("--redis", action="store_true", help="inbox and outbox in a local redis-server")
    args = parser.parse_args()

    from tests.connectors.redis_server import redis_server
    from tests.connectors.stack import start_stack

    with ExitStack() as cleanup:
        tmp = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="hisaab-wa-bench-")))
        env = {}
        if args.redis:
            env["WHATSAPP_REDIS_URL"] = cleanup.enter_context(redis_server())
        print(f"starting simulator, action server and Rasa ({'Redis' if args.redis else 'SQLite'} inbox/outbox)...",
              flush=True)
        stack, others = start_stack(tmp, env, rasa_timeout=900)  # a busy machine loads the model slowly
        cleanup.callback(lambda: [server.stop() for server in [stack.rasa, *others]])
        asyncio.run(run_step(stack, 2, 5, 10, 0, 99))  # warm-up: first parse, first action call
        # each server leads its own process group (start_new_session)
        processes = {"Rasa": stack.rasa.process.pid, "actions": others[1].process.pid, "sim": others[0].process.pid}
        print("CPU ms/msg: CPU time each process used per answered message (Rasa hosts the channel); on a shared")
        print("machine 1000 / (Rasa's figure) is the rate one free core would sustain")
        print(f"{'offered/s':>9} {'sent':>6} {'replies':>7} {'achieved/s':>10} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'lost':>4} {'dup':>4} {'non-200':>7} {'Rasa peak MiB':>13} "
              f"{'CPU ms/msg: Rasa':>16} {'actions':>7} {'sim':>5}")
        for step, rate in enumerate(args.rates):
            r = asyncio.run(run_step(stack, rate, args.seconds, args.customers, args.retry_share, step, processes))
            cpu = r["cpu_ms"]
            print(f"{r['offered']:>9.0f} {r['messages']:>6} {r['replies']:>7} {r['achieved']:>10.1f} "
                  f"{r['p50'] * 1000:>7.0f} {r['p95'] * 1000:>7.0f} {r['p99'] * 1000:>7.0f} {r['lost']:>4} "
                  f"{r['duplicated']:>4} {r['non_200']:>7} {r['rasa_peak_mib']:>13.0f} "
                  f"{cpu['Rasa']:>16.1f} {cpu['actions']:>7.1f} {cpu['sim']:>5.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
