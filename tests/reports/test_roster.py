"""The roster: every learner's standing on each track, checked against the script."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime

from click.testing import CliRunner
from department import Department
from expected import standing
from population import AGENCIES

from trainer.cli import cli
from trainer.reports.roster import roster, roster_csv, roster_json, roster_table

TRACKS = ("onboarding", "refresher")


def test_every_learner_stands_where_the_script_put_them(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    found = roster(dept.records, now)
    assert [t for t, _ in found.tracks] == list(TRACKS)
    assert len(found.rows) == len(population.people) == 200
    for row in found.rows:
        for track, got in zip(TRACKS, row.tracks, strict=True):
            want = standing(population, row.learner.badge, track, now)
            assert (got.track, got.state, got.completed, got.valid_until) == (
                track,
                want.state,
                want.completed,
                want.valid_until,
            ), (row.learner.badge, track)
            assert (got.days_left, got.renewing) == (want.days_left, want.renewing)


def test_each_story_reads_as_written(dept: Department) -> None:
    """The plan's intent, in words: whatever the dates, these are the states."""
    found = {r.learner.badge: r for r in roster(dept.records, dept.population.now).rows}
    intended = {
        "never": ("never", "never"),
        "in progress": ("in progress", "never"),
        "failed": ("in progress", "never"),
        "onboarded": ("certified", "never"),
        "certified": ("certified", "certified"),
        "due 0-30": ("certified", "due"),
        "due 31-60": ("certified", "due"),
        "due 61-90": ("certified", "due"),
        "expired": ("certified", "expired"),
        "renewed": ("certified", "certified"),
    }
    for person in dept.population.people:
        row = found[person.badge]
        assert tuple(s.state for s in row.tracks) == intended[person.story], person
        refresher = row.tracks[1]
        if person.story.startswith("due "):
            low, high = (int(n) for n in person.story[4:].split("-"))
            assert refresher.days_left is not None
            assert low <= refresher.days_left <= high
            assert refresher.text().startswith(
                "due today" if refresher.days_left == 0 else f"due in {refresher.days_left} day"
            )
        if person.story == "expired":
            assert refresher.renewing == ((person.index // 10) % 2 == 1)
            assert refresher.text().startswith("expired ")
    counts = Counter(r.tracks[1].state for r in found.values())
    assert counts == {"never": 80, "certified": 40, "due": 60, "expired": 20}


def test_filters_by_agency_and_unit_whatever_the_case(dept: Department) -> None:
    now = dept.population.now
    people = dept.population.people
    found = roster(dept.records, now, agency=" harbor city pd ")
    assert {r.learner.badge for r in found.rows} == {
        p.badge for p in people if p.agency == "Harbor City PD"
    }
    found = roster(dept.records, now, agency="Riverton PD", unit="TRAFFIC")
    want = {p.badge for p in people if p.agency == "Riverton PD" and p.unit == "Traffic"}
    assert {r.learner.badge for r in found.rows} == want
    assert want
    empty = roster(dept.records, now, agency="Nowhere PD")
    assert empty.rows == ()
    assert roster_table(empty) == [
        f"Roster of agency Nowhere PD, as of {now:%Y-%m-%d}: 0 learners",
        f"agencies on record: {', '.join(sorted(AGENCIES))}",
    ]
    assert roster_csv(empty).splitlines()[1:] == []
    assert json.loads(roster_json(empty))["learners"] == []


def test_csv_and_json_say_the_same_as_the_table(dept: Department) -> None:
    population, now = dept.population, dept.population.now
    found = roster(dept.records, now)
    rows = list(csv.DictReader(io.StringIO(roster_csv(found), newline="")))
    document = json.loads(roster_json(found))
    assert len(rows) == len(document["learners"]) == 200
    for row, entry in zip(rows, document["learners"], strict=True):
        person = population.person(row["badge"])
        assert entry["badge"] == person.badge
        assert row["name"] == entry["name"] == person.name
        assert (row["agency"], row["unit"]) == (person.agency, person.unit or "")
        assert entry["unit"] == person.unit
        assert row["state_officer_id"] == (person.officer_id or "")
        for track in TRACKS:
            want = standing(population, person.badge, track, now)
            assert row[f"{track}_status"] == entry["tracks"][track]["status"] == want.state
            expected_until = f"{want.valid_until:%Y-%m-%d}" if want.valid_until else ""
            assert row[f"{track}_valid_until"] == expected_until
            left = "" if want.days_left is None else str(want.days_left)
            assert row[f"{track}_days_left"] == left
            assert entry["tracks"][track]["days_left"] == want.days_left
            assert row[f"{track}_renewing"] == ("yes" if want.renewing else "no")
            if want.valid_until is not None:
                assert entry["tracks"][track]["valid_until"] == (
                    f"{want.valid_until:%Y-%m-%dT%H:%M:%SZ}"
                )
    lines = roster_table(found)
    assert lines[0] == f"Roster, as of {now:%Y-%m-%d}: 200 learners"
    # Learner text is printed as typed: no markup is interpreted.
    assert any("Sam <b>Bold</b> & Co 7 " in line for line in lines)


def test_the_roster_command(dept: Department) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["records", "roster", "--format", "json", *dept.options])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert len(document["learners"]) == 200
    assert document["due_window_days"] == 90
    result = runner.invoke(
        cli, ["records", "roster", "--agency", "Nowhere PD", "--format", "csv", *dept.options]
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("badge,name,agency,unit")
    assert len(result.output.splitlines()) == 1
    result = runner.invoke(cli, ["records", "roster", "--unit", "Patrol", *dept.options])
    assert result.exit_code == 0
    patrol = sum(1 for p in dept.population.people if p.unit == "Patrol")
    assert result.output.splitlines()[0].endswith(
        f"unit Patrol, as of {datetime.now(UTC):%Y-%m-%d}: {patrol} learners"
    )
