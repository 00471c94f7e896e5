"""Exports: the standards body's completion roster, xAPI statements, every attempt as CSV."""

from __future__ import annotations

import csv
import io
import itertools
import json
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from department import Department
from population import CONTROL_NUMBER, Population
from xapi_check import Invalid, check_statement

from trainer.certificates.keys import init_keys, load_signing_key, load_trust
from trainer.certificates.revocation import revoke
from trainer.cli import cli
from trainer.reports.attempts import COLUMNS, attempt_rows
from trainer.reports.standards import standards_csv
from trainer.reports.xapi import ADL, Iris, XapiError, statements


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout_bytes, result.stderr


# --- the standards body's roster ---------------------------------------------------------


def test_one_row_per_certificate_issued(dept: Department) -> None:
    population = dept.population
    rows = list(csv.DictReader(io.StringIO(standards_csv(dept.records), newline="")))
    issued = {c.number: c for c in population.certificates}
    assert len(rows) == len(issued) == 272
    assert {r["certificate_number"] for r in rows} == set(issued)
    completions = len(population.completions)
    assert completions > len(issued)  # a few completions were never issued a certificate
    for row in rows:
        certificate = issued[row["certificate_number"]]
        person = population.person(certificate.badge)
        assert row["officer_name"] == person.name
        assert row["state_officer_id"] == (person.officer_id or "")
        assert row["agency"] == person.agency
        assert row["course_control_number"] == CONTROL_NUMBER
        assert row["provider_number"] == "T-1"
        assert row["credit_hours"] == {"onboarding": "2", "refresher": "1"}[certificate.track]
        assert row["completion_date"] == f"{certificate.completed:%Y-%m-%d}"
        assert (row["badge"], row["track"], row["revoked"]) == (
            person.badge,
            certificate.track,
            "no",
        )
    header = next(csv.reader(io.StringIO(standards_csv(dept.records))))
    assert header[:8] == [
        "officer_name",
        "state_officer_id",
        "agency",
        "course_control_number",
        "provider_number",
        "credit_hours",
        "completion_date",
        "certificate_number",
    ]


def test_a_revoked_certificate_is_marked(built: tuple[Population, str, Path]) -> None:
    population, url, course = built
    init_keys()
    number = population.certificates[5].number
    revoke(number, "issued in error", load_signing_key(), load_trust())
    code, out, _ = run(
        "records", "export", "--format", "roster-csv", "--db", url, "--course", str(course)
    )
    assert code == 0
    revoked = {
        r["certificate_number"]
        for r in csv.DictReader(io.StringIO(out.decode()))
        if r["revoked"] == "yes"
    }
    assert revoked == {number}


# --- xAPI --------------------------------------------------------------------------------


def test_every_statement_meets_the_specification(dept: Department) -> None:
    course = dept.records.bundle.course
    lines = list(statements(dept.records, Iris.of(course, None, None)))
    found = [json.loads(line) for line in lines]
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in lines)
    for statement in found:
        check_statement(statement)
    assert len({s["id"] for s in found}) == len(found)
    again = [
        json.loads(line)["id"] for line in statements(dept.records, Iris.of(course, None, None))
    ]
    assert again == [s["id"] for s in found]  # stable: an LRS takes each event once


def test_the_statements_tell_what_the_script_did(dept: Department) -> None:
    population = dept.population
    base = "https://academy.example.gov/xapi/social-media"
    iris = Iris.of(dept.records.bundle.course, base, None)
    found = [json.loads(line) for line in statements(dept.records, iris)]
    verbs = Counter(s["verb"]["id"].removeprefix(ADL) for s in found)
    completed = [a for a in population.attempts if a.completed is not None]
    assert verbs == {
        "attempted": len(population.attempts),
        "answered": len(population.answers),
        "passed": sum(1 for a in completed if a.passed),
        "failed": sum(1 for a in completed if not a.passed),
        "completed": len(population.completions),
    }
    answered = [s for s in found if s["verb"]["id"] == ADL + "answered"]
    for statement, answer in zip(answered, population.answers, strict=True):
        assert statement["actor"]["account"] == {
            "homePage": "https://academy.example.gov",
            "name": answer.badge,
        }
        assert statement["actor"]["name"] == population.person(answer.badge).name
        assert (
            statement["object"]["id"] == f"{base}/scenarios/{answer.scenario}/steps/{answer.step}"
        )
        result = statement["result"]
        assert result["response"] == "[,]".join(answer.selected)
        assert result["success"] == (answer.verdict == "correct")
        assert result["score"] == {
            "scaled": answer.points / answer.maximum,
            "raw": answer.points,
            "min": 0,
            "max": answer.maximum,
        }
        context = statement["context"]
        assert context["registration"] == str(uuid.UUID(hex=answer.attempt))
        assert context["contextActivities"]["parent"] == [
            {"objectType": "Activity", "id": f"{base}/modules/{answer.module}"}
        ]
        assert context["extensions"] == {
            f"{base}/extensions/course-version": "1.0.0",
            f"{base}/extensions/content-hash": dept.records.bundle.content_hash,
        }
    # Each activity's definition goes out once, with the first statement naming it.
    seen: set[str] = set()
    for statement in found:
        target = statement["object"]
        assert ("definition" in target) == (target["id"] not in seen), target["id"]
        seen.add(target["id"])
    first = next(s["object"] for s in answered if "definition" in s["object"])
    assert first["definition"]["interactionType"] == "choice"
    assert first["definition"]["correctResponsesPattern"] == ["a"]
    outcomes = [s for s in found if s["verb"]["id"] in (ADL + "passed", ADL + "failed")]
    for statement, attempt in zip(outcomes, completed, strict=True):
        assert statement["object"]["id"] == f"{base}/modules/{attempt.module}"
        assert statement["result"]["success"] is attempt.passed
        assert statement["result"]["score"]["raw"] == attempt.earned
        assert statement["result"]["score"]["max"] == attempt.maximum
        assert statement["result"]["completion"] is True
    tracks = [s for s in found if s["verb"]["id"] == ADL + "completed"]
    assert [(s["actor"]["account"]["name"], s["object"]["id"]) for s in tracks] == [
        (c.badge, f"{base}/tracks/{c.track}") for c in population.completions
    ]


@pytest.mark.parametrize(
    ("activity_iri", "home_page", "message"),
    [
        ("not an iri", None, "is not an absolute IRI"),
        ("urn:agency:social-media", None, "give --home-page"),
        ("https://academy.example.gov/x", "ftp://files.example.gov", "is not an http(s) address"),
    ],
)
def test_iris_an_lrs_would_refuse_are_refused(
    built: tuple[Population, str, Path], activity_iri: str, home_page: str | None, message: str
) -> None:
    course = built[0].records.bundle.course
    with pytest.raises(XapiError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Iris.of(course, activity_iri, home_page)
    iris = Iris.of(course, "urn:agency:social-media", "https://academy.example.gov")
    assert (iris.base, iris.home_page) == ("urn:agency:social-media", "https://academy.example.gov")


def test_the_checker_catches_a_broken_statement() -> None:
    """The checks are real: a statement a store would refuse fails them."""
    good = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://a.gov", "name": "1"}},
        "verb": {"id": ADL + "answered", "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": "https://a.gov/x"},
        "timestamp": "2026-01-01T00:00:00+00:00",
        "version": "1.0.3",
    }
    check_statement(good)
    for broken in (
        {**good, "id": "7"},
        {**good, "actor": {"mbox": "mailto:a@b.c", "account": good["actor"]["account"]}},
        {**good, "verb": {"id": "answered"}},
        {**good, "result": {"score": {"scaled": 1.5}}},
        {**good, "result": {"score": {"raw": 5, "min": 0, "max": 4}}},
        {**good, "result": {"duration": "12 minutes"}},
        {**good, "timestamp": "2026-01-01T00:00:00"},
        {**good, "colour": "blue"},
        {key: value for key, value in good.items() if key != "verb"},
    ):
        with pytest.raises(Invalid):
            check_statement(broken)


# --- every attempt as CSV -------------------------------------------------------------


def test_one_row_per_attempt(dept: Department) -> None:
    population = dept.population
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in attempt_rows(dept.records)]
    assert [r["attempt"] for r in rows] == [a.id for a in population.attempts]
    answers = Counter(a.attempt for a in population.answers)
    for row, attempt in zip(rows, population.attempts, strict=True):
        person = population.person(attempt.badge)
        assert (row["badge"], row["name"], row["agency"]) == (
            person.badge,
            person.name,
            person.agency,
        )
        assert (row["track"], row["module"], row["items"]) == (
            attempt.track,
            attempt.module,
            len(attempt.items),
        )
        assert row["answers"] == answers[attempt.id] == attempt.answers
        assert row["started"] == f"{attempt.started:%Y-%m-%dT%H:%M:%SZ}"
        if attempt.completed is None:
            assert (row["completed"], row["earned"], row["passed"]) == ("", "", "")
        else:
            assert row["completed"] == f"{attempt.completed:%Y-%m-%dT%H:%M:%SZ}"
            assert (row["earned"], row["maximum"]) == (attempt.earned, attempt.maximum)
            assert row["passed"] == ("yes" if attempt.passed else "no")
    # Time on task, from the attempt's own events, each gap capped at 15 minutes.
    for row in itertools.islice(rows, 0, None, 25):
        times = sorted(e.time for e in dept.records.log.events(attempt=str(row["attempt"])))
        seconds = sum(
            min(b - a, timedelta(minutes=15)).total_seconds() for a, b in itertools.pairwise(times)
        )
        assert row["time_on_task_seconds"] == round(seconds)


# --- the command ------------------------------------------------------------------------


def test_exports_to_a_file_or_standard_output(dept: Department, tmp_path: Path) -> None:
    for form, count in (("roster-csv", 273), ("csv", 351)):
        code, out, _ = run("records", "export", "--format", form, *dept.options)
        assert code == 0
        assert len(list(csv.reader(io.StringIO(out.decode(), newline="")))) == count
        assert out.endswith(b"\r\n")
    target = tmp_path / "statements.jsonl"
    code, out, err = run(
        "records", "export", "--format", "xapi", "--out", str(target), *dept.options
    )
    assert code == 0
    assert out == b""
    assert err == f"wrote {target}\n"
    lines = target.read_bytes().splitlines()
    assert len(lines) == 2670
    check_statement(json.loads(lines[0]))
    assert json.loads(lines[0])["object"]["id"].startswith(
        "https://xapi.trainer.invalid/test-course/"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "/no/such/folder/roster.csv"],
            "cannot write /no/such/folder/roster.csv: No such file or directory",
        ),
        (["--out", "."], "cannot write .: it is a folder"),
    ],
)
def test_an_export_that_cannot_be_written_says_so(
    built: tuple[Population, str, Path], args: list[str], message: str
) -> None:
    _, url, course = built
    code, out, err = run(
        "records", "export", "--format", "roster-csv", *args, "--db", url, "--course", str(course)
    )
    assert (code, out) == (1, b"")
    assert err == f"trainer: error: {message}\n"


def test_a_failed_export_leaves_the_earlier_file(
    built: tuple[Population, str, Path], tmp_path: Path
) -> None:
    _, url, course = built
    target = tmp_path / "attempts.csv"
    target.write_text("last week's export\n")
    code, _, err = run(
        "records", "export", "--format", "xapi", "--activity-iri", "nope", "--out", str(target),
        "--db", url, "--course", str(course),
    )  # fmt: skip
    assert code == 1
    assert err.startswith("trainer: error: 'nope' is not an absolute IRI")
    assert target.read_text() == "last week's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["attempts.csv"]
    code, _, err = run(
        "records",
        "export",
        "--format",
        "csv",
        "--activity-iri",
        "https://a.gov",
        "--db",
        url,
        "--course",
        str(course),
    )
    assert (code, err) == (
        1,
        "trainer: error: --activity-iri and --home-page are for --format xapi\n",
    )


def test_a_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from trainer.reports.output import file_output

    target = tmp_path / "export.csv"
    target.write_text("before\n")

    def fails() -> None:
        with file_output(target) as stream:
            stream.write(b"half an exp")
            raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        fails()
    assert target.read_text() == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]
    with file_output(target) as stream:
        stream.write(b"after\n")
    assert target.read_text() == "after\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]
