"""`bot privacy ...`: a person's data under the DPDP Act, everywhere it is kept (export, erase), the conversation
logs' purge, and how long a shop keeps them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from erp_core.context import Context
from erp_core.permissions import Actor


def cmd_privacy(args: argparse.Namespace) -> int:
    from bot import privacy as everywhere
    from bot.cli import ROOT, _database, _tenant_id

    db = _database()
    try:
        if args.action == "retention":
            from erp_core.privacy import conversation_retention_days, set_conversation_retention

            ctx = Context(db, _tenant_id(db, args.tenant), Actor.system())
            days = set_conversation_retention(ctx, args.days).days if args.days is not None else conversation_retention_days(ctx)
            print(f"conversation logs of {args.tenant} are kept {days} days")
            return 0
        with everywhere.open_stores(ROOT, db) as found:
            if args.action == "export":
                text = json.dumps(everywhere.export_person(found, args.wa_id, args.tenant), ensure_ascii=False, indent=2)
                if args.out:
                    Path(args.out).write_text(text + "\n", encoding="utf-8")
                else:
                    print(text)
            elif args.action == "erase":
                if not args.yes:
                    print("erasure cannot be undone: add --yes to erase", args.wa_id, file=sys.stderr)
                    return 2
                print(*everywhere.erase_person(found, args.wa_id, args.tenant), sep="\n")
            else:
                for store, count in everywhere.purge(found).items():
                    print(f"{store}: {count} deleted")
        return 0
    finally:
        db.dispose()


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`bot privacy export|erase|purge|retention`."""
    priv = sub.add_parser("privacy", help="a person's data (DPDP Act)").add_subparsers(dest="action", required=True)
    pexport = priv.add_parser("export", help="everything kept about a WhatsApp number, as JSON")
    perase = priv.add_parser("erase", help="erase a WhatsApp number's personal data (the books keep the amounts)")
    for command in (pexport, perase):
        command.add_argument("--wa-id", required=True, help="WhatsApp number with country code, e.g. 919812345678")
        command.add_argument("--tenant", help="only this business (phone_number_id)")
        command.set_defaults(func=cmd_privacy)
    pexport.add_argument("--out", help="write the JSON to this file instead of stdout")
    perase.add_argument("--yes", action="store_true", help="confirm: erasure cannot be undone")
    priv.add_parser("purge", help="delete conversation logs older than each shop's retention").set_defaults(
        func=cmd_privacy)
    pkeep = priv.add_parser("retention", help="show or set how many days a shop keeps conversation logs")
    pkeep.add_argument("--tenant", required=True, help="the business's phone_number_id")
    pkeep.add_argument("--days", type=int, help="keep conversation logs this many days (default 180)")
    pkeep.set_defaults(func=cmd_privacy)
