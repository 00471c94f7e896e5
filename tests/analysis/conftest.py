"""Fixtures for the analysis tests: the scripted department on SQLite and PostgreSQL.

The population is written once per session through the real Records service on SQLite
(tests/reports/population.py drives it), then copied row for row into a database of a
real PostgreSQL server (the one tests/records starts, by the same helpers): the reports
only read, so both backends hold the very same events.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for helpers in (HERE.parent / "reports", HERE.parent / "records"):
    if str(helpers) not in sys.path:
        sys.path.insert(0, str(helpers))

from analysis_population import analysis_course, choose, plan  # noqa: E402
from department import Department, copy_log  # noqa: E402
from population import Clock, Population, build, now_to_the_minute  # noqa: E402
from records_support import PostgresServer  # noqa: E402

from trainer.records.db import connect  # noqa: E402
from trainer.records.log import EventLog  # noqa: E402
from trainer.records.service import Records  # noqa: E402


def _scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder in memory (/dev/shm) where there is one, else pytest's: the service commits
    every event with fsync, which makes a disk the slowest part of writing 3,000 events."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="trainer-analysis-", dir=shm))
    return tmp_path_factory.mktemp("analysis")


@pytest.fixture(scope="session")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Population, str, Path]]:
    folder = _scratch(tmp_path_factory)
    course = analysis_course(folder / "course")
    now = now_to_the_minute()
    people = plan(now - timedelta(days=400))
    clock = Clock(people[0].registered)
    url = f"sqlite:///{folder / 'analysis.db'}"
    log = EventLog(connect(url), clock)
    population = build(log, course, people, clock=clock, now=now, choose=choose)
    yield population, url, course
    log.close()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def analysed_postgres(
    analysed: tuple[Population, str, Path], postgres_server: PostgresServer
) -> str:
    population, _, _ = analysed
    url = postgres_server.new_database()
    copy_log(population.records.log, url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def dept(
    request: pytest.FixtureRequest, analysed: tuple[Population, str, Path]
) -> Iterator[Department]:
    """The scripted department on each backend, with a Records service reading it."""
    population, sqlite_url, course = analysed
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("analysed_postgres")
    log = EventLog(connect(url))
    records = Records(log, population.records.bundle, clock=lambda: population.now)
    yield Department(population, records, url, course)
    log.close()
