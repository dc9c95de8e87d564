"""The action server: rasa-sdk serving `actions/` on loopback, answering only the Rasa server that shares its token.

    python -m bot.action_server --port 5055

With `HISAAB_ACTIONS_TOKEN` set, every call but `/health` must carry `Authorization: Bearer <token>`, which
the Rasa server sends from the action endpoint's `headers` (`bot.servers.endpoints_file`); anything else gets
401 before an action runs, so a forged `POST /webhook` with a made-up tracker books nothing.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from functools import partial

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from bot.servers import ACTIONS_TOKEN, LOOPBACK


def authorised(request: Request, token: str) -> bool:
    """True when the request carries `Authorization: Bearer <token>` (compared in constant time)."""
    sent = request.headers.get("authorization", "").encode()
    return hmac.compare_digest(sent, f"Bearer {token}".encode())


def build_app(token: str | None) -> Sanic:
    """rasa-sdk's app for the `actions` package, without CORS, and behind the token when there is one."""
    executor = ActionExecutor()
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
