"""The action server: rasa-sdk serving `actions/` on loopback, answering only the Rasa server that shares its token.

    python -m bot.action_server --port 5055

With `HISAAB_ACTIONS_TOKEN` set, every call but `/health` must carry `Authorization: Bearer <token>`, which
the Rasa server sends from the action endpoint's `headers` (`bot.servers.endpoints_file`); anything else gets
401 before an action runs, so a forged `POST /webhook` with a made-up tracker books nothing. An action that finds the
database away (a PostgreSQL restart or failover) waits and runs again from the start, for up to `DATABASE_WAIT` seconds,
instead of answering the person with nothing: its transaction was rolled back, and every write is idempotent.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import os
import time
from functools import partial
from typing import Any

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.endpoints import ACTIONS_TOKEN
from bot.servers import LOOPBACK

logger = logging.getLogger(__name__)

DATABASE_WAIT = 30.0
"""Seconds an action waits for the database to come back before it fails (Rasa's action call times out later)."""


class WaitingExecutor(ActionExecutor):
    """rasa-sdk's executor, running an action again (with a fresh dispatcher) while the database is unreachable."""

    async def run(self, action_call: dict[str, Any], sink: Any = None, dispatcher: Any = None) -> Any:
        deadline, pause = time.monotonic() + DATABASE_WAIT, 0.5
        while True:
            try:
                return await super().run(action_call, sink, dispatcher)
            except (OperationalError, InterfaceError) as error:
                if sink is not None or dispatcher is not None or time.monotonic() + pause > deadline:
                    raise
                logger.warning("%s: the database is unreachable (%s); running it again in %.1f s",
                               action_call.get("next_action"), str(error).splitlines()[0], pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)


def authorised(request: Request, token: str) -> bool:
    """True when the request carries `Authorization: Bearer <token>` (compared in constant time)."""
    sent = request.headers.get("authorization", "").encode()
    return hmac.compare_digest(sent, f"Bearer {token}".encode())


def build_app(token: str | None) -> Sanic:
    """rasa-sdk's app for the `actions` package, without CORS, and behind the token when there is one."""
    executor = WaitingExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins="")
    if token:
        async def require_token(request: Request) -> HTTPResponse | None:
            if request.path == "/health" or authorised(request, token):
                return None
            return response.json({"error": "this action server answers only the Rasa server"}, status=401)

        app.on_request(require_token, priority=100)
    return app


def serve(port: int, token: str | None) -> None:
    """Serve on loopback (only the Rasa server on this machine calls the actions), in one process, until stopped."""
    loader = AppLoader(factory=partial(build_app, token))
    app = loader.load()
    app.prepare(host=LOOPBACK, port=port, workers=1, access_log=False, motd=False)
    Sanic.serve(primary=app, app_loader=loader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(args.port, os.environ.get(ACTIONS_TOKEN) or None)


if __name__ == "__main__":
    main()
