"""Due dates: the list, its CSV, the weekly digest and the iCalendar file."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from department import Department
from expected import due_in, expiring, overdue, whole_days
from population import Population

from trainer.cli import cli
from trainer.records.history import Completion, Learner
from trainer.reports.due import DueEntry, digest, digest_lines, due, due_csv
from trainer.reports.icalendar import calendar_text, fold


def test_due_within_and_overdue_match_the_script(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    for days in (0, 30, 45, 90, 365):
        found = due(dept.records, days, now)
        want = overdue(population, now) | due_in(population, now, 0, days)
        assert {e.learner.badge for e in found} == want, days
        assert [e.valid_until for e in found] == sorted(e.valid_until for e in found)
    everyone = expiring(population)
    for e in due(dept.records, 90, now):
        assert e.valid_until == everyone[(e.learner.badge, e.track)]
        assert e.days_left == whole_days(e.valid_until, now)
        assert e.overdue == (e.valid_until <= now)
    assert len(overdue(population, now)) == 20
    assert len(due_in(population, now, 0, 30)) == 20


def test_the_digest_has_its_four_sections(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    found = digest(dept.records, now)
    sections = {title: {e.learner.badge for e in entries} for title, entries in found.sections}
    assert list(sections) == ["overdue", "within 30 days", "in 31-60 days", "in 61-90 days"]
    assert sections == {
        "overdue": overdue(population, now),
        "within 30 days": due_in(population, now, 0, 30),
        "in 31-60 days": due_in(population, now, 31, 60),
        "in 61-90 days": due_in(population, now, 61, 90),
    }
    assert all(len(badges) == 20 for badges in sections.values())
    lines = digest_lines(dept.records, found)
    assert lines[0] == f"Certifications due, week of {now:%Y-%m-%d}"
    assert lines[1] == (
        "Test course: overdue: 20 · within 30 days: 20 · in 31-60 days: 20 · in 61-90 days: 20"
    )
    for title in (
        "OVERDUE (20)",
        "WITHIN 30 DAYS (20)",
        "IN 31-60 DAYS (20)",
        "IN 61-90 DAYS (20)",
    ):
        assert title in lines
    # The columns line up across sections: every header is the same line.
    headers = [line for line in lines if line.lstrip().startswith("badge")]
    assert len(headers) == 4
    assert len(set(headers)) == 1
    riverton = digest(dept.records, now, agency="riverton pd")
    lines = digest_lines(dept.records, riverton, agency="riverton pd")
    assert lines[0] == f"Certifications due (agency Riverton PD), week of {now:%Y-%m-%d}"
    assert all(
        e.learner.agency == "Riverton PD" for _, entries in riverton.sections for e in entries
    )


def test_due_csv_parses_back(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    entries = due(dept.records, 60, now)
    rows = list(csv.DictReader(io.StringIO(due_csv(entries, now), newline="")))
    assert [r["badge"] for r in rows] == [e.learner.badge for e in entries]
    for row in rows:
        person = population.person(row["badge"])
        until = expiring(population)[(person.badge, "refresher")]
        assert (row["name"], row["agency"], row["track"]) == (
            person.name,
            person.agency,
            "refresher",
        )
        assert row["expires"] == f"{until:%Y-%m-%d}"
        left = whole_days(until, now)
        assert row["days_left"] == str(left)
        plural = "" if abs(left) == 1 else "s"
        if until <= now:
            assert row["status"] == (
                "expired today" if left == 0 else f"overdue {-left} day{plural}"
            )
        else:
            assert row["status"] == ("due today" if left == 0 else f"due in {left} day{plural}")


# --- iCalendar --------------------------------------------------------------------------


def parse_ics(data: bytes) -> list[dict[str, tuple[dict[str, str], str]]]:
    """A small RFC 5545 reader, written apart from the writer: checks line ends and
    lengths, unfolds, splits NAME;PARAM=VALUE:VALUE, unescapes TEXT; one dict per
    component, calendar first, then each VEVENT."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    components: list[dict[str, tuple[dict[str, str], str]]] = []
    stack: list[dict[str, tuple[dict[str, str], str]]] = []
    for raw in logical:
        text = raw.decode("utf-8")  # fails if a fold split a character
        head, value = text.split(":", 1)
        name, *params = head.split(";")
        if name == "BEGIN":
            stack.append({"BEGIN": ({}, value)})
            continue
        if name == "END":
            component = stack.pop()
            assert component["BEGIN"][1] == value
            components.append(component)
            continue
        unescaped = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)
        stack[-1][name] = (dict(p.split("=", 1) for p in params), unescaped)
    assert not stack
    return components[-1:] + components[:-1]


def test_the_calendar_holds_one_all_day_event_per_expiry(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    entries = due(dept.records, 90, now)
    data = calendar_text(entries, dept.records.bundle.course, now).encode()
    calendar, *events = parse_ics(data)
    assert calendar["VERSION"][1] == "2.0"
    assert calendar["PRODID"][1]
    assert len(events) == len(entries) == 80
    uids = set()
    for event, entry in zip(events, entries, strict=True):
        person = population.person(entry.learner.badge)
        until = expiring(population)[(person.badge, "refresher")]
        params, start = event["DTSTART"]
        assert params == {"VALUE": "DATE"}
        assert start == f"{until:%Y%m%d}"
        assert event["DTEND"] == ({"VALUE": "DATE"}, f"{until + timedelta(days=1):%Y%m%d}")
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][1])
        assert event["SUMMARY"][1] == (
            f"Refresher certification expires: {person.name} ({person.badge})"
        )
        assert person.name in event["DESCRIPTION"][1]
        assert "\n" in event["DESCRIPTION"][1]  # escaped on the way out, back on the way in
        uids.add(event["UID"][1])
    assert len(uids) == len(events)
    # A week later the same expiries keep their UIDs: a calendar updates, not duplicates.
    later = calendar_text(entries, dept.records.bundle.course, now + timedelta(days=7))
    assert {e["UID"][1] for e in parse_ics(later.encode())[1:]} == uids
    assert later != data.decode()


def test_text_is_escaped_and_long_lines_fold_between_characters(
    built: tuple[Population, str, Path],
) -> None:
    course = built[0].records.bundle.course
    learner = Learner(
        badge="B-1",
        name='Łukasz; "Big" O\'Brien, Jr.\\ 陳美玲 ' + "Ω" * 60,
        agency="Harbor, City PD",
        unit=None,
        officer_id=None,
        registered=datetime(2026, 1, 1, tzinfo=UTC),
    )
    until = datetime(2027, 3, 1, 10, tzinfo=UTC)
    entry = DueEntry(learner, "refresher", until, 30, until - timedelta(days=365))
    data = calendar_text([entry], course, until - timedelta(days=30)).encode()
    _, event = parse_ics(data)
    assert event["SUMMARY"][1] == f"Refresher certification expires: {learner.name} (B-1)"
    assert "Harbor, City PD" in event["DESCRIPTION"][1]
    assert 'SUMMARY:Refresher certification expires: Łukasz\\; "Big" O\'Brien\\, Jr.\\\\' in (
        data.decode().replace("\r\n ", "")
    )
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"
    assert all(len(p.encode()) <= 75 for p in fold("é" * 100).split("\r\n"))


# --- the command ------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output (line ends as written) and standard error."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


def test_the_due_command_in_each_format(dept: Department) -> None:
    now = datetime.now(UTC)  # the command reads the real clock
    code, out, _ = run("records", "due", "--within", "6w", *dept.options)
    assert code == 0
    want = overdue(dept.population, now) | due_in(dept.population, now, 0, 42)
    assert (
        out.splitlines()[0] == f"Due within 42 days or overdue, as of {now:%Y-%m-%d}: {len(want)}"
    )
    code, out, _ = run("records", "due", "--overdue", "--format", "csv", *dept.options)
    assert code == 0
    assert {r["badge"] for r in csv.DictReader(io.StringIO(out))} == overdue(dept.population, now)
    code, out, _ = run("records", "due", "--within", "90d", "--format", "ics", *dept.options)
    assert code == 0
    assert len(parse_ics(out.encode())) == 81
    code, out, _ = run("records", "due", "--digest", "--unit", "patrol", *dept.options)
    assert code == 0
    assert out.startswith("Certifications due (unit Patrol), week of ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--within", "banana"], "'banana' is not a number of days: write it like 30d or 6w"),
        (["--digest", "--within", "30d"], "--digest covers overdue and the next 90 days"),
        (["--digest", "--format", "ics"], "the digest is text for an email"),
    ],
)
def test_bad_due_options_say_what_to_do(
    built: tuple[Population, str, Path], args: list[str], message: str
) -> None:
    _, url, course = built
    code, _, err = run("records", "due", *args, "--db", url, "--course", str(course))
    assert code == 1
    assert err.startswith(f"trainer: error: {message}")
    assert len(err.splitlines()) == 1


def test_an_unknown_agency_lists_no_one(dept: Department) -> None:
    code, out, _ = run("records", "due", "--within", "365d", "--agency", "Nowhere", *dept.options)
    assert code == 0
    assert out.splitlines() == [
        f"Due within 365 days or overdue (agency Nowhere), as of {datetime.now(UTC):%Y-%m-%d}: 0"
    ]
    code, out, _ = run("records", "due", "--agency", "Nowhere", "--format", "ics", *dept.options)
    assert code == 0
    assert len(parse_ics(out.encode())) == 1  # the calendar, empty


def test_days_are_calendar_days_so_the_count_matches_the_date() -> None:
    from trainer.reports.standing import standing_of

    learner = Learner("1", "Ann Lee", "Test PD", None, None, datetime(2025, 1, 1, tzinfo=UTC))
    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)

    def entry(until: datetime) -> DueEntry:
        return DueEntry(
            learner, "refresher", until, (until.date() - now.date()).days, None, until <= now
        )

    assert entry(datetime(2026, 11, 25, 23, 0, tzinfo=UTC)).status() == "due today"
    assert entry(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)).status() == "expired today"
    assert entry(datetime(2026, 11, 26, 1, 0, tzinfo=UTC)).status() == "due in 1 day"
    assert entry(datetime(2026, 11, 24, 23, 0, tzinfo=UTC)).status() == "overdue 1 day"
    assert entry(datetime(2026, 12, 9, 3, 0, tzinfo=UTC)).status() == "due in 14 days"
    completion = Completion(
        "1",
        "refresher",
        datetime(2025, 12, 9, 3, tzinfo=UTC),
        "c",
        "1.0.0",
        "h",
        datetime(2026, 12, 9, 3, tzinfo=UTC),
    )
    found = standing_of("refresher", completion, None, now)
    assert (found.state, found.days_left, found.text()) == (
        "due",
        14,
        "due in 14 days (2026-12-09)",
    )
    late = standing_of(
        "refresher", completion, completion.time + timedelta(days=400), now + timedelta(days=20)
    )
    assert (late.state, late.days_left, late.text()) == (
        "expired",
        -6,
        "expired 2026-12-09, renewing",
    )
