"""NLU benchmark: parse latency (`/model/parse`) and full turns through Rasa's REST channel, on real servers.

The model is trained (or taken from the cache) as `bot run` does, and the time
is printed when it is trained now. A demo shop in a fresh SQLite database backs
the action server; the Rasa server keeps conversations in SQLite as in
production (endpoints.yml). A turn is one message in, the action run against
the books, and the replies out: `POST /webhooks/rest/webhook` until it answers.

    .venv/erp/bin/python bench/nlu_bench.py                 # 300 parses, 150 turns
    .venv/erp/bin/python bench/nlu_bench.py --parses 100 --turns 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.servers import RASA_START_TIMEOUT, start_action_server, start_rasa_server  # noqa: E402
from bot.training import ensure_model, model_inputs_hash  # noqa: E402
from erp_core.db import Database  # noqa: E402
from erp_core.demo import DEMO_OWNER_WA_ID, DEMO_PHONE_NUMBER_ID, seed_demo  # noqa: E402
from tests.postgres_server import free_port  # noqa: E402

PARSE_TARGET_P95_MS = 50.0
TURN_TARGET_P95_MS = 250.0

MESSAGES = [
    "kitna stock hai Maggi ka?", "Sharma ji ko 10 kilo chawal bhejo", "Gupta ji ne ₹5,000 diye",
    "kal ki bikri kitni thi", "चावल कितना बचा है?", "राम ने पाँच हजार दिए", "चामल कति बाँकी छ?",
    "आज को बिक्री कति भयो", "how much sugar do we have", "petrol 300 kharcha", "order 12 ka status",
    "dedh lakh ka bill banao Verma ji ka",
]
"""Parse inputs: every intent family and language, with and without rule-owned entities."""
TURNS = ["maggi kitna hai", "चावल कितना बचा है?", "चामल कति बाँकी छ?", "how much sugar do we have"]
"""Turn inputs: stock questions, which run an action against the books and end the conversation's turn."""


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def timed(call, count: int, inputs: list[str]) -> list[float]:
    """Milliseconds per call, cycling through `inputs`."""
    samples = []
    for i in range(count):
        started = time.perf_counter()
        call(inputs[i % len(inputs)], i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parses", type=int, default=300)
    parser.add_argument("--turns", type=int, default=150)
    args = parser.parse_args()

    name = model_inputs_hash(ROOT)
    trained_now = not (ROOT / "models" / f"{name}.tar.gz").exists()
    started = time.perf_counter()
    model = ensure_model(ROOT)
    if trained_now:
        print(f"model {name}: ready in {time.perf_counter() - started:.0f} s (trained now unless it was cached)")

    with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'erp.db'}"
        db = Database(url)
        db.migrate()
        seed_demo(db)
        db.dispose()
        actions_port, rasa_port = free_port(), free_port()
        endpoints = work / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {work / 'tracker.db'}\n"
        )
        actions = start_action_server(ROOT, actions_port, env={"ERP_DATABASE_URL": url})
        rasa = start_rasa_server(ROOT, model, rasa_port, endpoints)
        try:
            actions.wait_ready(60)
            rasa.wait_ready(RASA_START_TIMEOUT)
            with httpx.Client(base_url=f"http://127.0.0.1:{rasa_port}", timeout=60) as client:
                def parse(text: str, i: int) -> None:
                    client.post("/model/parse", json={"text": text}).raise_for_status()

                def turn(text: str, i: int) -> None:
                    sender = f"bench-{i % 20}"
                    replies = client.post("/webhooks/rest/webhook", json={
                        "sender": sender, "message": text,
                        "metadata": {"phone_number_id": DEMO_PHONE_NUMBER_ID, "wa_id": DEMO_OWNER_WA_ID},
                    }).raise_for_status().json()
                    if not replies:
                        raise SystemExit(f"no reply to {text!r}")

                timed(parse, 10, MESSAGES)
                timed(turn, 10, TURNS)
                parses = timed(parse, args.parses, MESSAGES)
                turns = timed(turn, args.turns, TURNS)
        finally:
            rasa.stop()
            actions.stop()

    load = os.getloadavg()[0]
    for label, samples, target in (("parse (/model/parse)", parses, PARSE_TARGET_P95_MS),
                                   ("turn (REST channel, message -> action -> reply)", turns, TURN_TARGET_P95_MS)):
        p50, p95 = percentiles(samples)
        verdict = "met" if p95 < target else "NOT met"
        print(f"{label}: n={len(samples)} p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < {target:.0f} ms: {verdict})")
    print(f"load average at the end: {load:.2f} (2 cores, shared)")


if __name__ == "__main__":
    main()
