"""Helpers for the records tests: a test clock, a real PostgreSQL server, the worker."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"


# --- PostgreSQL -------------------------------------------------------------------------


def find_postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin
    (Debian does not put them on PATH), newest version first."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in versions:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_user() -> pwd.struct_passwd | None:
    """None when not root; else the ``postgres`` system user (created if missing), because
    initdb and postgres refuse to run as root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
            check=True,
        )
        return pwd.getpwnam("postgres")


@dataclass
class PostgresServer:
    bin: Path
    folder: Path
    port: int
    user: pwd.struct_passwd | None
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server binary, as the ``postgres`` user when we are root."""
        user = self.user
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=False,
            user=None if user is None else user.pw_uid,
            group=None if user is None else user.pw_gid,
            extra_groups=None if user is None else [],
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = f"records_{next(self._names)}"
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)


def start_postgres(bin_dir: Path) -> PostgresServer:
    """initdb into a new temporary folder and start the server; the caller stops it."""
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="trainer-pg-"))
    try:
        (folder / "sock").mkdir()
        if user is not None:
            for owned in (folder, folder / "sock"):
                os.chown(owned, user.pw_uid, user.pw_gid)
        server = PostgresServer(bin_dir, folder, free_port(), user)
        init = server.run(
            "initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        # fsync=off: the tests check trainer's logic, not the server's durability.
        options = (
            f"-h 127.0.0.1 -p {server.port} -k {folder / 'sock'} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        start = server.run(
            "pg_ctl", "-D", str(server.data), "-l", str(folder / "server.log"), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip
        if start.returncode != 0:
            log_file = folder / "server.log"
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{log}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server


def run_worker(*args: str) -> subprocess.Popen[str]:
    """Start ``worker.py`` with this interpreter; it prints ``ready`` and waits for ``go``."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
