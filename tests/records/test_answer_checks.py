"""Records.answer keeps what never changes about an attempt and reads the rest once, under
the write lock: what another terminal recorded meanwhile still counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_factory import Ticker, make_course
from trainer.content.course import load_course
from trainer.records.db import RecordsError, connect
from trainer.records.log import EventLog
from trainer.records.service import Records


def terminal(tmp_path: Path) -> Records:
    """One more program over the same database and course."""
    root = tmp_path / "course"
    if not root.exists():
        make_course(root)
    log = EventLog(connect(f"sqlite:///{tmp_path / 'records.db'}"), clock=Ticker())
    return Records(log, load_course(root), clock=Ticker())


def test_an_item_answered_in_another_terminal_meanwhile_is_refused(tmp_path: Path) -> None:
    here = terminal(tmp_path)
    here.register("Dana Reyes", "4471", "Test PD")
    attempt = here.start_attempt("4471", "onboarding", "basics")
    there = terminal(tmp_path)
    first, second = attempt.items[:2]
    # Both have read the attempt, waiting for its first item.
    assert there.attempt(attempt.id).position(there.module_of(attempt)) == (0, first, "q")
    here.answer(attempt.id, first, "q", ["a"])
    with pytest.raises(RecordsError, match="was answered already"):
        there.answer(attempt.id, first, "q", ["b"])
    there.answer(attempt.id, second, "q", ["b"])  # the one it waits for now
    recorded = here.attempt(attempt.id).answers
    assert [(a.scenario, a.selected) for a in recorded] == [(first, ("a",)), (second, ("b",))]


def test_an_attempt_completed_in_another_terminal_takes_no_more_answers(
    tmp_path: Path,
) -> None:
    here = terminal(tmp_path)
    here.register("Dana Reyes", "4471", "Test PD")
    attempt = here.start_attempt("4471", "onboarding", "basics")
    there = terminal(tmp_path)
    last = attempt.items[-1]
    for item in attempt.items[:-1]:
        there.answer(attempt.id, item, "q", ["a"])
    here.answer(attempt.id, last, "q", ["a"])
    here.complete(attempt.id)
    with pytest.raises(RecordsError, match="already complete"):
        there.answer(attempt.id, last, "q", ["a"])


def test_an_unknown_attempt_is_named(tmp_path: Path) -> None:
    records = terminal(tmp_path)
    with pytest.raises(RecordsError, match="no attempt nosuch"):
        records.answer("nosuch", "x", "q", ["a"])
