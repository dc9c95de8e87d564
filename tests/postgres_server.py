"""A throwaway PostgreSQL 15 server in a temporary directory, for tests and benchmarks.

The application connects as `erp_app`, an ordinary role that owns its tables,
so row-level security applies to it exactly as in production (superusers
would bypass it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BINDIR = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: use the Debian `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PostgresProcess:
    """One PostgreSQL 15 cluster in a temporary directory, with the `erp` database owned by `erp_app`; `restart`
    stops it (fast shutdown: sessions cut off) and starts it again on the same port, as an operator's restart would."""

    def __init__(self) -> None:
        if not (BINDIR / "initdb").exists():
            raise RuntimeError("PostgreSQL 15 is not installed; `make test` installs it (scripts/setup.sh test)")
        self.base = Path(tempfile.mkdtemp(prefix="hisaab-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        subprocess.run(_as_server_user([str(BINDIR / "initdb"), "-D", str(self.data), "-U", "postgres",
                                        "--auth=trust", "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
        self.url = f"postgresql+psycopg://erp_app:erp@127.0.0.1:{self.port}/erp"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(_as_server_user([str(BINDIR / "pg_ctl"), "-D", str(self.data), "-o", options,
                                        "-l", str(self.base / "server.log"), *args]), check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "-w", "restart")

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run `statement` as the superuser."""
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                        "-v", "ON_ERROR_STOP=1", "-c", statement], check=True, capture_output=True)

    def create_erp_database(self) -> None:
        for statement in ("CREATE ROLE erp_app LOGIN PASSWORD 'erp'", "CREATE DATABASE erp OWNER erp_app"):
            self.sql(statement)

    def create_tracker_database(self) -> str:
        """The `rasa` database for Rasa's tracker store, owned by its own role; its URL as the scale-out profile's
        `HISAAB_TRACKER_STORE_URL` takes it."""
        self.sql("CREATE ROLE rasa LOGIN PASSWORD 'rasa'")
        self.sql("CREATE DATABASE rasa OWNER rasa")
        return f"postgresql://rasa:rasa@127.0.0.1:{self.port}/rasa"

    def remove(self) -> None:
        subprocess.run(_as_server_user([str(BINDIR / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def postgres_process() -> Iterator[PostgresProcess]:
    """A started server with the `erp` database, removed afterwards."""
    server = PostgresProcess()
    try:
        server.start()
        server.create_erp_database()
        yield server
    finally:
        server.remove()


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server, create the `erp` database, yield its SQLAlchemy URL, and remove it all afterwards."""
    with postgres_process() as server:
        yield server.url
