"""Every attempt as one CSV row: who, which module of which course version, when, the
score against the pass mark, and the time on task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import cast

from trainer.records.events import EventKind
from trainer.records.history import IDLE_CAP
from trainer.records.service import Records
from trainer.reports.standing import registered
from trainer.reports.stored import payload_of
from trainer.reports.text import safe_cell

COLUMNS = (
    "attempt",
    "badge",
    "name",
    "agency",
    "unit",
    "track",
    "module",
    "course_version",
    "content_hash",
    "seed",
    "items",
    "started",
    "completed",
    "answers",
    "earned",
    "maximum",
    "percent",
    "pass_mark",
    "passed",
    "time_on_task_seconds",
)


_CAP = IDLE_CAP.total_seconds()


class _Row:
    """An attempt's cells so far, and its time on task counted as its events come."""

    __slots__ = ("answers", "cells", "completed", "last", "seconds")

    def __init__(self, cells: list[object], started: float) -> None:
        self.cells = cells
        self.last = started
        self.seconds = 0.0
        self.answers = 0
        self.completed: tuple[float, list[object]] | None = None

    def tick(self, moment: float) -> None:
        gap = moment - self.last
        if gap > 0:
            self.seconds += min(gap, _CAP)
        self.last = moment


def attempt_rows(records: Records) -> Iterator[list[object]]:
    """One row per attempt, in the order they were started; an open attempt has no
    completion, score or verdict.

    Two passes, because answers are most of a record: the attempts' starts and
    completions with their payloads, then only the time of each answer (its payload is
    never read)."""
    learners = registered(records)
    rows: dict[str, _Row] = {}
    log = records.log
    for seq, stamp, kind, badge, attempt, payload, _, _ in log.rows(kinds=_ENDS):
        p = payload_of(seq, payload)
        if kind == "attempt_started":
            learner = learners.get(str(badge))
            rows[str(attempt)] = _Row(
                [
                    attempt,
                    badge,
                    safe_cell(learner.name) if learner else "",
                    safe_cell(learner.agency) if learner else "",
                    safe_cell(learner.unit) if learner else "",
                    p["track"],
                    p["module"],
                    p["version"],
                    p["content_hash"],
                    str(p["seed"]),  # as text: a 63-bit seed is more than a spreadsheet keeps
                    len(cast(list[str], p["items"])),
                    _second(stamp),
                ],
                _epoch(stamp),
            )
        elif (row := rows.get(str(attempt))) is not None:
            cells = [_second(stamp), p["earned"], p["maximum"], p["percent"], p["pass_mark"]]
            cells.append("yes" if p["passed"] else "no")
            row.completed = (_epoch(stamp), cells)
    for _, stamp, _, _, attempt, _, _, _ in log.rows(kinds=_ANSWERS, payloads=False):
        if (row := rows.get(str(attempt))) is not None:
            row.tick(_epoch(stamp))
            row.answers += 1
    for row in rows.values():
        if row.completed is None:  # still open
            row.cells += ["", row.answers, "", "", "", "", "", round(row.seconds)]
        else:
            moment, cells = row.completed
            row.tick(moment)
            row.cells += [cells[0], row.answers, *cells[1:], round(row.seconds)]
        yield row.cells


_ENDS: tuple[EventKind, ...] = ("attempt_started", "attempt_completed")
_ANSWERS: tuple[EventKind, ...] = ("answer_recorded",)


def _epoch(stamp: str) -> float:
    """A stored time (ISO 8601 UTC) in seconds."""
    return datetime.fromisoformat(stamp).timestamp()


def _second(stamp: str) -> str:
    """A stored time to the second: 2026-11-25T10:14:03Z."""
    return stamp[:19] + "Z"
