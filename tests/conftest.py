"""Shared fixtures: every erp_core test runs on SQLite and on a real PostgreSQL 15; the conversation tests share
one Rasa server and action server (`rasa_stack`), started once, only if a test that needs it runs."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from erp_core import catalog, inventory, parties
from erp_core.catalog import ProductRef
from erp_core.context import Context
from erp_core.db import Database
from erp_core.parties import PartyRef
from erp_core.permissions import Actor
from erp_core.secret_box import KEYS_ENV, new_key
from erp_core.tenants import add_tenant
from tests.postgres_server import postgres_server
from tests.shop_stack import Stack, running_stack

_numbers = itertools.count(910000000001)
os.environ.setdefault(KEYS_ENV, new_key())  # one key for the tests and every server they start


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the whole test session (never skipped: missing PostgreSQL is an error)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'erp.db'}")
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def postgresql_db(postgres_url: str) -> Iterator[Database]:
    db = Database(postgres_url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Database:
    """The ERP database, once per backend. Tests stay independent by each using a new tenant."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def new_shop(db: Database) -> Callable[..., Context]:
    """Make a new tenant (keyword arguments go to `add_tenant`) and return the owner's context."""

    def make(**settings: object) -> Context:
        settings.setdefault("name", "Test Kirana")
        tenant = add_tenant(db, phone_number_id=str(next(_numbers)), **settings)
        return Context(db, tenant.id, Actor.system())

    return make


@pytest.fixture
def shop(new_shop: Callable[..., Context]) -> Context:
    """A fresh shop with default settings, seen by its owner."""
    return new_shop()


@pytest.fixture
def make_product(shop: Context) -> Callable[..., ProductRef]:
    """Add a product to `shop`, optionally with opening stock received at `cost`."""
    counter = itertools.count(1)

    def make(name: str = "Chawal", *, stock: int | str = 0, cost: str = "40", price: str = "50",
             aliases: tuple[str, ...] = (), ctx: Context | None = None, **fields: object) -> ProductRef:
        ctx = ctx or shop
        product = catalog.add_product(ctx, sku=f"SKU-{next(counter)}", name=name, unit=fields.pop("unit", "kg"),
                                      selling_price=price, cost_price=cost, aliases=list(aliases), **fields)
        if Decimal(str(stock)) > 0:
            inventory.receive_stock(ctx, product.id, stock, cost)
        return product

    return make


@pytest.fixture
def make_customer(shop: Context) -> Callable[..., PartyRef]:
    def make(name: str = "Sharma ji", *, ctx: Context | None = None, **fields: object) -> PartyRef:
        return parties.add_party(ctx or shop, kind="customer", name=name, **fields)

    return make


@pytest.fixture(scope="session")
def simulator() -> Iterator["SimulatorClient"]:
    """The WhatsApp simulator's Graph API with no channel behind its webhooks (what the bot sends, on its own)."""
    from tests.connectors.simulator_process import SimulatorClient, start_simulator
    from tests.postgres_server import free_port

    port = free_port()
    server = start_simulator(port, f"http://127.0.0.1:{free_port()}/webhooks/whatsapp/webhook")
    try:
        server.wait_ready(30)
        yield SimulatorClient(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa (the current model) and the action server on one ERP database and one SQL tracker store, for the
    whole session. A test module takes a shop of its own from it (`rasa_stack.new_shop()`), so its books and
    its conversations stay apart from the other modules'."""
    with running_stack(tmp_path_factory.mktemp("rasa_stack")) as stack:
        yield stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow end-to-end tests (on the real Rasa server) last, after the fast feedback."""
    items.sort(key=lambda item: "rasa_stack" in getattr(item, "fixturenames", ()))
