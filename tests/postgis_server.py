"""A throwaway PostgreSQL + PostGIS cluster for the tests (Debian's ``postgresql-15-postgis-3``).

Started once per test session in a temporary folder on a free port, owned by a non-root user
(``initdb`` refuses root: as root the cluster runs as ``postgres``), stopped and removed at the end.
Without PostgreSQL or PostGIS the PostGIS tests skip with a message, except on CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("ASSETMAP_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
MISSING = ("needs PostgreSQL 15 with PostGIS 3 (Debian: apt-get install postgresql-15-postgis-3; .ci/run installs "
           "it); the GeoPackage tests ran")


def missing_reason() -> str | None:
    """Why no cluster can be started here (None when it can)."""
    if not (PG_BIN / "initdb").is_file() or not POSTGIS_CONTROL.is_file():
        return MISSING
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "needs the psycopg driver (pip install -c constraints.txt -e .)"
    return None


def require_postgis() -> None:
    """Skip (fail on CI) when PostgreSQL/PostGIS is not installed."""
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostGIS tests: {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running cluster: ``uri(schema)`` gives a workspace URI in its test database."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="assetmap-pg-"))
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            shutil.chown(self.root, self.user)
        self.data = self.root / "data"
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "assetmap", "--auth=trust", "-E", "UTF8",
                  "--no-instructions")
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=120", "start")
        import psycopg
        with psycopg.connect(self.base("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE assetmap_test")
            conn.execute("CREATE DATABASE no_postgis")
        with psycopg.connect(self.base("assetmap_test"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def _run(self, *command) -> None:
        command = [str(c) for c in command]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def base(self, database: str = "assetmap_test") -> str:
        """libpq URI of a database of the cluster (user ``assetmap``, no password)."""
        return f"postgresql://assetmap@127.0.0.1:{self.port}/{database}"

    def uri(self, schema: str | None = None) -> str:
        """A workspace URI in a schema no test used before."""
        return f"{self.base()}?schema={schema or 'ws_' + uuid.uuid4().hex[:12]}"

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
