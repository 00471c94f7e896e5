"""Fixtures shared by the TUI tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from course_factory import Ticker
from trainer.content.course import check_course
from trainer.records.log import EventLog
from trainer.records.service import Records

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "fixtures" / "sample_course"
BADGE = "4471"


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    """The sample course (every question type and a branch) on a fresh SQLite file, with a
    fixed clock and seed, and one learner registered: BADGE."""
    course = tmp_path / "course"
    shutil.copytree(SAMPLE, course)
    shutil.copytree(REPO / "certificates", course / "certificates")
    bundle = check_course(course).bundle
    assert bundle is not None
    log = EventLog.open(f"sqlite:///{tmp_path / 'records.db'}")
    service = Records(log, bundle, clock=Ticker(), new_seed=lambda: 7)
    service.register("Dana Reyes", BADGE, "Riverton Police Department")
    yield service
    log.close()
