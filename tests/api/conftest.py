"""A real API server (`python -m bot api`) per database backend, and clients holding a tenant's key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.servers import Server, start_api_server
from erp_core.api_keys import create_api_key
from erp_core.context import Context
from erp_core.db import Database
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVER_ENV = {"HISAAB_API_KEY_CACHE_SECONDS": "0", "HISAAB_WEBHOOK_TICK": "0.1", "HISAAB_WEBHOOK_BACKOFF": "0.2"}
"""Keys are checked on every request (so revocation shows at once); webhooks are tried fast."""


def start_server(db_url: str, **env: str) -> tuple[Server, str]:
    port = free_port()
    server = start_api_server(ROOT, port, {**SERVER_ENV, "ERP_DATABASE_URL": db_url, **env})
    try:
        server.wait_ready(60)
    except Exception:
        server.stop()
        raise
    return server, f"http://127.0.0.1:{port}/api/v1"


@pytest.fixture(scope="package")
def api_servers() -> Iterator[Callable[[Database], str]]:
    """The base URL of an API server on `db`, started on first use and stopped after this package's tests."""
    running: dict[str, tuple[Server, str]] = {}

    def base_url(db: Database) -> str:
        url = db.url.render_as_string(hide_password=False)
        if url not in running:
            running[url] = start_server(url)
        return running[url][1]

    yield base_url
    for server, _ in running.values():
        server.stop()


@dataclass
class Tenant:
    """A shop reached through the API: `http` carries its key, `ctx` books fixtures directly."""

    ctx: Context
    http: httpx.Client
    base_url: str

    def client(self, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)


@pytest.fixture
def api_shop(db: Database, api_servers, new_shop) -> Callable[..., Tenant]:
    """Make a shop and a key for it (`scopes`, `rate_limit`)."""
    clients: list[httpx.Client] = []

    def make(scopes: tuple[str, ...] = ("read", "write"), rate_limit: int = 10_000, **settings: object) -> Tenant:
        ctx = new_shop(**settings)
        key = create_api_key(ctx, "tests", scopes, rate_limit).key
        base = api_servers(db)
        tenant = Tenant(ctx=ctx, http=httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"},
                                                   timeout=30), base_url=base)
        clients.append(tenant.http)
        return tenant

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def shop_api(api_shop) -> Tenant:
    return api_shop()


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem with this status and erp_core error key."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["title"] and body["detail"]
    return body
