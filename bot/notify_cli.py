"""`bot notify`: run the notice worker (`bot run` starts one), or, with `--dry-run --at <time>`, print what it
would send at that moment; `bot templates export`: the templates a shop must get approved."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime
from pathlib import Path

from erp_core.db import Database, database_url

ROOT = Path(__file__).resolve().parent.parent
HEALTH_PORT = 5057


def cmd_notify(args: argparse.Namespace) -> int:
    from bot.notify import dry_run, service

    db = Database(database_url())
    db.migrate()
    try:
        if args.dry_run:
            try:
                at = datetime.fromisoformat(args.at) if args.at else datetime.now().astimezone()
                lines = dry_run.preview(service.build(ROOT, db), at)
            except ValueError as error:
                raise SystemExit(f"error: {error}") from None
            print("\n".join(lines) if lines else "# nothing would be sent at that moment")
            return 0
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        asyncio.run(service.serve(ROOT, db, args.port, args.interval))
        return 0
    finally:
        db.dispose()


def cmd_templates(args: argparse.Namespace) -> int:
    from connectors.templates import export_lines

    print(export_lines())
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`bot notify [--dry-run --at T]` and `bot templates export`."""
    notify = sub.add_parser("notify", help="send the messages the shop sends on its own (reminders, receipts, "
                                           "alerts, the daily summary)")
    notify.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")
    notify.add_argument("--at", help="with --dry-run: the moment, ISO 8601 with its offset "
                                     "(2026-12-06T21:00:00+05:30); default now")
    notify.add_argument("--port", type=int, default=HEALTH_PORT, help="the worker's /health port (loopback)")
    notify.add_argument("--interval", type=float, default=2.0, help="seconds between passes")
    notify.set_defaults(func=cmd_notify)
    templates = sub.add_parser("templates", help="the WhatsApp message templates a shop must get approved")
    templates.add_subparsers(dest="action", required=True).add_parser(
        "export", help="print each template in every language as a Cloud API template-creation body, one a line"
    ).set_defaults(func=cmd_templates)
