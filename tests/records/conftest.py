"""Fixtures for the records tests: real databases only.

Every log test runs twice, on a SQLite file and on a PostgreSQL database. The PostgreSQL
server is a real one made from the Debian packages' binaries for the test session: initdb
into a temporary folder, started on 127.0.0.1 with a free port, stopped at the end. Each
test gets its own database (CREATE DATABASE), so tests cannot see each other's events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from records_support import PostgresServer

from course_factory import Ticker
from trainer.records import EventLog, connect


@pytest.fixture(autouse=True)
def _no_real_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing here may touch the real user data folder or an inherited TRAINER_DB."""
    monkeypatch.delenv("TRAINER_DB", raising=False)
    monkeypatch.delenv("TRAINER_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


# --- backends ---------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def open_log(db_url: str) -> Iterator[Callable[..., EventLog]]:
    """Opens logs on ``db_url`` (a Ticker clock by default) and closes them afterwards."""
    opened: list[EventLog] = []

    def opener(clock: Callable[[], datetime] | None = None) -> EventLog:
        log = EventLog(connect(db_url), clock or Ticker())
        opened.append(log)
        return log

    yield opener
    for log in opened:
        log.close()


@pytest.fixture
def log(open_log: Callable[..., EventLog]) -> EventLog:
    return open_log()
