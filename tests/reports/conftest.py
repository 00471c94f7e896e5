"""Fixtures for the report tests: the scripted department, on SQLite and on PostgreSQL.

The department is written once per session through the real Records service on SQLite
(about 3,000 events), and copied row for row (same times, payloads and hashes) into a
PostgreSQL database of a real server: the reports only read, and writing it a second time
through the service over the network would take three times as long for nothing more.
The copy is checked with the chain check before any test reads it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))

from department import Department, copy_log
from population import (
    Clock,
    Population,
    build,
    department,
    department_course,
    now_to_the_minute,
)
from records_support import PostgresServer

from trainer.records.db import connect
from trainer.records.log import EventLog
from trainer.records.service import Records


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Population, str, Path]]:
    folder = tmp_path_factory.mktemp("department")
    course = department_course(folder / "course")
    now = now_to_the_minute()
    people = department(now)
    clock = Clock(people[0].registered)
    url = f"sqlite:///{folder / 'department.db'}"
    log = EventLog(connect(url), clock)
    population = build(log, course, people, clock=clock, now=now)
    yield population, url, course
    log.close()


@pytest.fixture(scope="session")
def department_postgres(
    built: tuple[Population, str, Path], postgres_server: PostgresServer
) -> str:
    population, _, _ = built
    url = postgres_server.new_database()
    copy_log(population.records.log, url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def dept(
    request: pytest.FixtureRequest, built: tuple[Population, str, Path]
) -> Iterator[Department]:
    """The department on each backend, with a Records service reading it."""
    population, sqlite_url, course = built
    url = (
        sqlite_url if request.param == "sqlite" else request.getfixturevalue("department_postgres")
    )
    log = EventLog(connect(url))
    records = Records(log, population.records.bundle, clock=lambda: population.now)
    yield Department(population, records, url, course)
    log.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
