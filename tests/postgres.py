"""A real PostgreSQL server for the workspace tests, started from Debian's `postgresql` package.

Installed through apt-get when missing and we run as root (as CI does); the server runs in a
temporary folder on a free loopback port with trust authentication and is stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUPERUSER = "postgres"


def _binaries() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def find_postgres() -> Path | None:
    """Where PostgreSQL's programs are (``make test`` installs the Debian package first); None when missing."""
    return _binaries()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(binaries: Path) -> Iterator[str]:
    """A running server; yields the SQLAlchemy URL of its `postgres` database."""
    folder = Path(tempfile.mkdtemp(prefix="ladder-postgres-"))
    data = folder / "data"
    as_owner: list[str] = []
    if _is_root():  # PostgreSQL refuses to run as root: its own system user runs it
        shutil.chown(folder, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    run = {"check": True, "capture_output": True}
    subprocess.run(
        [
            *as_owner,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        **run,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
    subprocess.run(
        [
            *as_owner,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        ],
        **run,
    )
    try:
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
            ).returncode
            != 0
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.2)
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_owner, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create a database on the server, empty or as a copy of ``template``; its SQLAlchemy URL."""
    from sqlalchemy import create_engine

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
