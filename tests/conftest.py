"""Shared fixtures: copies of the shipped course that tests may change freely."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "records"))

from records_support import PostgresServer, find_postgres_bin, start_postgres  # noqa: E402


def copy_course(source: Path, target: Path) -> Path:
    """Copy a course root's course/ and scenarios/ folders to ``target``."""
    for part in ("course", "scenarios"):
        shutil.copytree(source / part, target / part)
    return target


@pytest.fixture(autouse=True)
def _no_real_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the developer's own database, keys or certificates."""
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "trainer-home"))
    monkeypatch.delenv("TRAINER_DB", raising=False)


SAMPLE = REPO / "tests" / "fixtures" / "sample_course"


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample course (the first course trainer shipped, kept here so
    that tests can name its lines while the shipped course grows)."""
    return copy_course(SAMPLE, tmp_path / "course-root")


# One PostgreSQL server for the whole session, for every test that needs one.
@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin: apt-get install postgresql"
        )
    server = start_postgres(bin_dir)
    try:
        yield server
    finally:
        server.run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(server.folder, ignore_errors=True)
