"""Incremental exports (``--since``), and the fast CSV writer against the csv module.

A weekly sync to a learning record store exports only the statements of events recorded
at or after a time: the same statements, with the same ids, as a full export holds for
those events, each activity defined with the first statement of the export naming it.
The expected statements are picked from the log's own events, and their ids made with
:func:`uuid.uuid5`, not with the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from department import Department
from population import Population
from xapi_check import check_statement

from course_factory import Ticker, make_course
from trainer.cli import cli
from trainer.content.course import load_course
from trainer.records.db import connect
from trainer.records.events import NewEvent
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.attempts import COLUMNS, attempt_csv, attempt_rows
from trainer.reports.text import csv_text, parse_since
from trainer.reports.xapi import NAMESPACE, Iris, statement_blocks, statements

KINDS = ("attempt_started", "answer_recorded", "attempt_completed", "policy_acknowledged")


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout_bytes, result.stderr


def cut_inside_an_attempt(dept: Department) -> datetime:
    """The time of the second answer of a completed attempt halfway through the log: that
    attempt began before the cut and ends after it."""
    population = dept.population
    done = [a for a in population.attempts if a.completed is not None and a.answers >= 3]
    attempt = done[len(done) // 2]
    answers = dept.records.log.events(attempt=attempt.id, kinds=["answer_recorded"])
    return answers[1].time


def without_definitions(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for statement in found:
        statement["object"].pop("definition", None)
    return found


def test_since_exports_the_statements_of_the_events_at_or_after_it(dept: Department) -> None:
    records = dept.records
    iris = Iris.of(records.bundle.course, None, None)
    cut = cut_inside_an_attempt(dept)
    events = records.log.events(kinds=list(KINDS))
    wanted = [str(uuid.uuid5(NAMESPACE, e.hash)) for e in events if e.time >= cut]
    assert 0 < len(wanted) < len(events)

    found = [json.loads(line) for line in statements(records, iris, cut)]
    assert [s["id"] for s in found] == wanted
    for statement in found:
        check_statement(statement)
    # Each activity is defined with the first statement of this export that names it.
    seen: set[str] = set()
    for statement in found:
        target = statement["object"]
        assert ("definition" in target) == (target["id"] not in seen), target["id"]
        seen.add(target["id"])
    # Otherwise the very statements of a full export, durations of attempts begun before
    # the cut included.
    everything = [json.loads(line) for line in statements(records, iris)]
    later = [s for s in everything if datetime.fromisoformat(s["timestamp"]) >= cut]
    assert without_definitions(found) == without_definitions(later)


def test_since_after_the_last_event_exports_nothing(dept: Department) -> None:
    records = dept.records
    iris = Iris.of(records.bundle.course, None, None)
    assert list(statements(records, iris, datetime.now(UTC) + timedelta(days=1))) == []
    assert list(attempt_rows(records, datetime.now(UTC) + timedelta(days=1))) == []


def test_blocks_are_the_lines_joined(dept: Department) -> None:
    records = dept.records
    iris = Iris.of(records.bundle.course, "https://academy.example.gov/xapi", None)
    cut = cut_inside_an_attempt(dept)
    for since in (None, cut):
        assert b"".join(statement_blocks(records, iris, since)) == b"".join(
            statements(records, iris, since)
        )


def test_since_lists_the_attempts_started_at_or_after_it(dept: Department) -> None:
    population, records = dept.population, dept.records
    cut = cut_inside_an_attempt(dept)
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in attempt_rows(records, cut)]
    assert [r["attempt"] for r in rows] == [a.id for a in population.attempts if a.started >= cut]
    every = {row[0]: row for row in attempt_rows(records)}
    assert all(list(r.values()) == every[r["attempt"]] for r in rows)


def test_the_csv_is_the_csv_modules(dept: Department) -> None:
    """The export writes repeated cells once; its bytes are still the csv module's."""
    records = dept.records
    cut = cut_inside_an_attempt(dept)
    for since in (None, cut):
        wanted = csv_text(COLUMNS, attempt_rows(records, since)).encode()
        assert b"".join(attempt_csv(records, since)) == wanted


def test_the_command_exports_since(built: tuple[Population, str, Path]) -> None:
    population, url, course = built
    options = ["--db", url, "--course", str(course)]
    records = population.records
    # Ten days back: the department's last sittings (renewals begun 5 hours ago).
    since = datetime.now(UTC) - timedelta(days=10)
    events = [e for e in records.log.events(kinds=list(KINDS)) if e.time >= since]
    assert events
    code, out, err = run("records", "export", "--format", "xapi", "--since", "10d", *options)
    assert (code, err) == (0, "")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert ids == [str(uuid.uuid5(NAMESPACE, e.hash)) for e in events]
    when = since.replace(microsecond=0).isoformat()
    code, out, err = run("records", "export", "--format", "csv", "--since", when, *options)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out.decode(), newline="")))
    assert [r["attempt"] for r in rows] == [
        a.id for a in population.attempts if a.started >= since.replace(microsecond=0)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "xapi", "--since", "last week"],
            "'last week' is not a time to export from: give a date (2026-05-01), a date and "
            "time (2026-05-01T08:00, UTC unless it names a zone) or a span back from now "
            "(7d, 2w, 12h)",
        ),
        (
            ["--format", "csv", "--since", "2026-02-30"],
            "'2026-02-30' is not a time to export from: give a date (2026-05-01), a date and "
            "time (2026-05-01T08:00, UTC unless it names a zone) or a span back from now "
            "(7d, 2w, 12h)",
        ),
        (
            ["--format", "roster-csv", "--since", "7d"],
            "--since is for --format xapi and csv (the roster lists every certificate)",
        ),
    ],
)
def test_a_bad_since_is_refused(
    built: tuple[Population, str, Path], args: list[str], message: str, tmp_path: Path
) -> None:
    _, url, course = built
    target = tmp_path / "out.jsonl"
    target.write_text("last week's export\n")
    code, out, err = run(
        "records", "export", *args, "--out", str(target), "--db", url, "--course", str(course)
    )
    assert (code, out) == (1, b"")
    assert err == f"trainer: error: {message}\n"
    assert target.read_text() == "last week's export\n"


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("7d", datetime(2026, 5, 2, 12, tzinfo=UTC)),
        (" 2W ", datetime(2026, 4, 25, 12, tzinfo=UTC)),
        ("36h", datetime(2026, 5, 8, tzinfo=UTC)),
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=UTC)),
        ("2026-05-01T08:30", datetime(2026, 5, 1, 8, 30, tzinfo=UTC)),
        ("2026-05-01T08:30:00-05:00", datetime(2026, 5, 1, 13, 30, tzinfo=UTC)),
        ("2026-05-01T08:30Z", datetime(2026, 5, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_when_is_a_span_back_a_date_or_a_time(text: str, wanted: datetime) -> None:
    assert parse_since(text, datetime(2026, 5, 9, 12, tzinfo=UTC)) == wanted


@pytest.mark.parametrize("text", ["", "7", "-7d", "7 days", "yesterday", "99999999w"])
def test_when_that_is_no_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time to export from"):
        parse_since(text, datetime(2026, 5, 9, 12, tzinfo=UTC))


# --- cells the csv module quotes --------------------------------------------------------


def test_names_and_ids_that_need_quoting(empty_url: str, tmp_path: Path) -> None:
    """Learner-typed text with commas, quotes, line breaks and formula starts, and an
    attempt imported under an id that is not hex: the same bytes as the csv module."""
    log = EventLog(connect(empty_url))
    try:
        records = Records(log, load_course(make_course(tmp_path / "course")), clock=Ticker())
        people = [
            ('Reyes, Dana "DJ"', "101", "Harbor City PD", "Patrol, North"),
            ("=HYPERLINK(1)", "102", "+Lakeside", "@unit"),
            ("Line\nbreak", "103", "-Riverton", None),
        ]
        for name, badge, agency, unit in people:
            records.register(name, badge, agency, unit)
            attempt = records.start_attempt(badge, "onboarding", "basics")
            for scenario in attempt.items:
                records.answer(attempt.id, scenario, "q", ["a"])
            records.complete(attempt.id)
        records.start_attempt("102", "onboarding", "basics")  # left open
        started = records.log.events(kinds=["attempt_started"])[0].payload
        log.append(NewEvent("attempt_started", started, learner="101", attempt='import,"7"'))
        # An attempt of a course version the records lack: its completion states the mark.
        other = {**started, "content_hash": "f" * 64}
        log.append(NewEvent("attempt_started", other, learner="103", attempt="f" * 32))
        done = {"earned": 3, "maximum": 4, "percent": 75.0, "pass_mark": 70, "passed": True}
        log.append(NewEvent("attempt_completed", done, learner="103", attempt="f" * 32))
        rows = list(attempt_rows(records))
        assert len(rows) == 6
        wanted = csv_text(COLUMNS, rows).encode()
        assert b"".join(attempt_csv(records)) == wanted
        parsed = list(csv.DictReader(io.StringIO(wanted.decode(), newline="")))
        assert [(r["name"], r["agency"], r["unit"]) for r in parsed[:3]] == [
            ('Reyes, Dana "DJ"', "Harbor City PD", "Patrol, North"),
            ("'=HYPERLINK(1)", "'+Lakeside", "'@unit"),
            ("Line\nbreak", "'-Riverton", ""),
        ]
        assert parsed[4]["attempt"] == 'import,"7"'
        assert (parsed[5]["percent"], parsed[5]["pass_mark"], parsed[5]["passed"]) == (
            "75.0",
            "70",
            "yes",
        )
        assert (parsed[3]["completed"], parsed[3]["passed"]) == ("", "")
    finally:
        log.close()
