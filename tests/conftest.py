"""Shared fixtures: copies of the shipped course that tests may change freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.content.locate import shipped_course_root

REPO = Path(__file__).resolve().parents[1]


def copy_course(source: Path, target: Path) -> Path:
    """Copy a course root's course/ and scenarios/ folders to ``target``."""
    for part in ("course", "scenarios"):
        shutil.copytree(source / part, target / part)
    return target


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped course."""
    return copy_course(shipped_course_root(), tmp_path / "course-root")
