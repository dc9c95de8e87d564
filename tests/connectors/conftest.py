from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from connectors.store import RedisStore, SQLiteStore
from tests.connectors.redis_server import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def sqlite_store(tmp_path):
    """A function opening the embedded default's store (inbox and outbox); called twice, a second handle on the
    same file (a restart)."""
    path = tmp_path / "whatsapp.db"
    return lambda: SQLiteStore(path)


@pytest.fixture(params=["sqlite", "redis"])
def store_factory(request, tmp_path):
    """A function opening the durable outbox; called twice it gives a second handle on the same data (a restart)."""
    if request.param == "sqlite":
        path = tmp_path / "whatsapp.db"
        return lambda: SQLiteStore(path)
    url = request.getfixturevalue("redis_url")
    prefix = f"test:{uuid.uuid4().hex}:"
    return lambda: RedisStore(url, prefix=prefix)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator["Stack"]:
    """Simulator, Rasa with the WhatsApp channel, action server, demo shop: shared by the channel tests."""
    from tests.connectors.stack import start_stack

    stack, others = start_stack(tmp_path_factory.mktemp("whatsapp"))
    try:
        yield stack
    finally:
        stack.rasa.stop()
        for server in others:
            server.stop()
