"""`python -m bot.api [--host H] [--port P]`: serve the API over the ERP database in `ERP_DATABASE_URL`."""

from __future__ import annotations

import argparse

from bot.api.app import create_app
from erp_core.db import Database, database_url


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.api")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5056)
    args = parser.parse_args()
    db = Database(database_url())
    db.migrate()
    create_app(db).run(host=args.host, port=args.port, single_process=True, motd=False, access_log=False)


if __name__ == "__main__":
    main()
