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


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server, create the `erp` database, yield its SQLAlchemy URL, and remove it all afterwards."""
    if not (BINDIR / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is not installed; `make test` installs it (scripts/setup.sh test)")
    base = Path(tempfile.mkdtemp(prefix="hisaab-pg-"))
    data = base / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    run = {"check": True, "capture_output": True}
    subprocess.run(_as_server_user([str(BINDIR / "initdb"), "-D", str(data), "-U", "postgres",
                                    "--auth=trust", "-E", "UTF8", "--no-sync"]), **run)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(_as_server_user([str(BINDIR / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-l", str(base / "server.log"), "-w", "start"]), **run)
    try:
        for sql in ("CREATE ROLE erp_app LOGIN PASSWORD 'erp'", "CREATE DATABASE erp OWNER erp_app"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres",
                            "-v", "ON_ERROR_STOP=1", "-c", sql], **run)
        yield f"postgresql+psycopg://erp_app:erp@127.0.0.1:{port}/erp"
    finally:
        subprocess.run(_as_server_user([str(BINDIR / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
