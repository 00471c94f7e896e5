"""Every attempt as one CSV row: who, which module of which course version, when, the
score against the pass mark, and the time on task.

Read from the ``attempts`` and ``learners`` projections (a department's export is
200,000 rows; its events' payloads are not parsed): the answers and time on task are
counted there as each event is appended, and the percent and pass mark are what scoring
wrote (``Records.complete``): the score's percent to two places, and the track's pass
mark in the attempt's own course version.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import orjson

from trainer.engine.scoring import Score
from trainer.records.db import RecordsError
from trainer.records.exports_read import Row, reading
from trainer.records.service import Records
from trainer.reports.text import csv_line, safe_cell, stored_time

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


def attempt_rows(records: Records, since: datetime | None = None) -> Iterator[list[object]]:
    """One row per attempt, in the order they were started (with ``since``, those started
    at or after it); an open attempt has no completion, score or verdict."""
    facts = _Facts(records)
    with reading(records.log) as read:
        learners = read.learners()
        for batch in read.attempts(_after(since)):
            for row in batch:
                yield _cells(facts, learners, row)


def _cells(
    facts: _Facts, learners: dict[str, tuple[str, str, str | None]], row: Row
) -> list[object]:
    """The cells of one attempt, from its row of the attempts table."""
    attempt, badge, track, module, version, content_hash, seed, items = row[:8]
    started, completed, answers, earned, maximum, passed, seconds = row[8:]
    name, agency, unit = learners.get(badge, _NOBODY)
    cells: list[object] = [
        attempt,
        badge,
        safe_cell(name),
        safe_cell(agency),
        safe_cell(unit),
        track,
        module,
        version,
        content_hash,
        str(seed),  # as text: a 63-bit seed is more than a spreadsheet keeps
        facts.count(items),
        _second(started),
    ]
    if completed is None:  # still open
        return [*cells, "", answers, "", "", "", "", "", round(seconds)]
    return [
        *cells,
        _second(completed),
        answers,
        earned,
        maximum,
        facts.percent(earned, maximum),
        facts.pass_mark(content_hash, track, attempt),
        "yes" if passed else "no",
        round(seconds),
    ]


def _second(stamp: str) -> str:
    """A stored time to the second: 2026-11-25T10:14:03Z."""
    return stamp[:19] + "Z"


_NOBODY = ("", "", None)
"""The name, agency and unit of a learner never registered: empty cells."""


def attempt_csv(records: Records, since: datetime | None = None) -> Iterator[bytes]:
    """:func:`attempt_rows` as RFC 4180 CSV with a header row, in UTF-8 blocks: the same
    bytes as :func:`~trainer.reports.text.csv_text` makes of them, at a fraction of the
    cost. What repeats (a learner's cells, a module's, a score's) is written once,
    by the csv module, and reused; the rest is numbers, hex attempt ids and stored times
    (as records/events.py ``format_time`` writes them: nothing a CSV cell quotes)."""
    facts = _Facts(records)
    who: dict[str, str] = {}
    modules: dict[tuple[str, str, str, str], str] = {}
    scores: dict[tuple[int, int, bool, str], str] = {}
    lines = [csv_line(COLUMNS)]
    add, who_of, module_of, score_of = lines.append, who.get, modules.get, scores.get
    with reading(records.log) as read:
        learners = read.learners()
        for batch in read.attempts(_after(since)):
            for row in batch:
                (
                    attempt,
                    badge,
                    track,
                    module,
                    version,
                    content_hash,
                    seed,
                    items,
                    started,
                    completed,
                    answers,
                    earned,
                    maximum,
                    passed,
                    seconds,
                ) = row
                if not attempt.isalnum():  # not trainer's hex: cell by cell, quoted if need be
                    add(csv_line(_cells(facts, learners, row)))
                    continue
                person = who_of(badge)
                if person is None:
                    name, agency, unit = learners.get(badge, _NOBODY)
                    cells = (badge, safe_cell(name), safe_cell(agency), safe_cell(unit))
                    person = who[badge] = csv_line(cells)[:-2]
                what = module_of((track, module, version, content_hash))
                if what is None:
                    cells = (track, module, version, content_hash)
                    what = modules[(track, module, version, content_hash)] = csv_line(cells)[:-2]
                # Canonical JSON: in a list of strings '","' is only ever between two ids.
                count = items.count('","') + 1 if items.startswith('["') else facts.count(items)
                if completed is None:  # no completion, score or verdict: empty cells
                    add(
                        f"{attempt},{person},{what},{seed},{count},{started[:19]}Z,,{answers},,,,,,"
                        f"{round(seconds)}\r\n"
                    )
                    continue
                key = (earned, maximum, passed, what)
                outcome = score_of(key)
                if outcome is None:
                    outcome = csv_line(_cells(facts, learners, row)[14:19])[:-2]
                    if facts.marked(content_hash, track):  # else it may differ attempt by attempt
                        scores[key] = outcome
                add(
                    f"{attempt},{person},{what},{seed},{count},{started[:19]}Z,{completed[:19]}Z,"
                    f"{answers},{outcome},{round(seconds)}\r\n"
                )
            yield "".join(lines).encode()
            lines.clear()
    if lines:  # the header of an export with no rows
        yield "".join(lines).encode()


class _Facts:
    """What a row states beyond the projection's columns, each worked out once."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.counts: dict[str, int] = {}
        self.percents: dict[tuple[int, int], float] = {}
        self.marks: dict[tuple[str, str], int | None] = {}

    def count(self, items: str) -> int:
        """The number of items in a stored JSON list."""
        found = self.counts.get(items)
        if found is None:
            found = self.counts[items] = len(orjson.loads(items))
        return found

    def percent(self, earned: int, maximum: int) -> float:
        """As scoring wrote it in the completion: to two places."""
        found = self.percents.get((earned, maximum))
        if found is None:
            found = self.percents[(earned, maximum)] = round(Score(earned, maximum).percent, 2)
        return found

    def pass_mark(self, content_hash: str, track: str, attempt: str) -> object:
        """The pass mark the attempt was scored against: its track's in its course
        version, which the records keep; for a version they lack, the one its completion
        states (read for that attempt alone)."""
        if self.marked(content_hash, track):
            return self.marks[(content_hash, track)]
        for event in self.records.log.events(attempt=attempt, kinds=["attempt_completed"]):
            return event.payload.get("pass_mark", "")
        return ""

    def marked(self, content_hash: str, track: str) -> bool:
        """Whether the records know the pass mark of every attempt of ``track`` in the
        course version ``content_hash``."""
        key = (content_hash, track)
        if key not in self.marks:
            try:
                tracks = self.records.version(content_hash).course.tracks.items()
            except RecordsError:
                tracks = []
            self.marks[key] = next((t.pass_mark for i, t in tracks if i == track), None)
        return self.marks[key] is not None


def _after(since: datetime | None) -> str | None:
    return None if since is None else stored_time(since)
