"""Item analysis against the scripted department, on SQLite and PostgreSQL: every figure
is checked against the same figure computed straight from the script's ledger."""

from __future__ import annotations

from collections import Counter

import pytest
from analysis_expected import (
    Expected,
    counted_answers,
    expected_confidently_wrong,
    expected_items,
    expected_paths,
)
from analysis_population import strength
from analysis_support import parse_csv
from click.testing import CliRunner
from department import Department
from population import Answered

from trainer.cli import cli
from trainer.reports.gather import item_report
from trainer.reports.items import ItemReport, ItemStats
from trainer.reports.text import width

WRONG = {("basics-branch", "fallout"): {"b"}, ("basics-multi", "pick"): {"c", "d"}}


def wrong_choices(scenario: str, step: str) -> set[str]:
    """The incorrect choices of each item, as the test course defines them."""
    return WRONG.get((scenario, step), {"b", "c"})


def found(report: ItemReport) -> dict[tuple[str, str, str], ItemStats]:
    return {(i.cohort, i.scenario, i.step): i for i in report.items}


def expected_flags(want: Expected) -> set[str]:
    flags = set()
    if want.facility > 0.9:
        flags.add("too easy")
    if want.facility < 0.3:
        flags.add("too hard")
    if want.discrimination is not None:
        if round(want.discrimination, 2) < 0:
            flags.add("negative discrimination")
        elif want.discrimination < 0.2:
            flags.add("poor discrimination")
    return flags | {f"choice {c} attracts strong learners" for c in want.attracts}


def check(item: ItemStats, want: Expected) -> None:
    where = f"{item.cohort} {item.scenario}/{item.step}"
    assert (item.answers, item.correct) == (want.answers, want.correct), where
    picked = {c.id: c for c in item.choices}
    if want.answers < 20:
        assert item.facility is None, where
        assert item.discrimination is None, where
        assert item.discrimination_note == "n too small", where
        assert not item.flags, where
        assert all(c.share is None for c in item.choices), where
        return
    assert item.facility == pytest.approx(want.facility), where
    if want.discrimination is None:
        assert item.discrimination is None, where
    else:
        assert item.discrimination == pytest.approx(want.discrimination), where
    for choice_id, share in want.shares.items():
        assert picked[choice_id].share == pytest.approx(share), (where, choice_id)
    for choice in item.choices:
        if choice.id not in want.shares:
            assert choice.share == 0, (where, choice.id)
        if want.upper is None or want.lower is None:
            assert choice.upper is None, (where, choice.id)
            continue
        assert choice.upper == pytest.approx(want.upper.get(choice.id, 0)), (where, choice.id)
        assert choice.lower == pytest.approx(want.lower.get(choice.id, 0)), (where, choice.id)
    assert set(item.flags) == expected_flags(want), where


def test_every_figure_matches_the_ledger(dept: Department) -> None:
    population = dept.population
    report = item_report(dept.records)
    want = expected_items(population, wrong_choices=wrong_choices)
    got = found(report)
    assert {k for k, item in got.items() if item.answers} == set(want)
    for key, expected in want.items():
        check(got[key], expected)
    # Open attempts' answers are not counted; completed ones are, retakes included.
    assert report.answers == len(counted_answers(population)) < len(population.answers)
    assert report.attempts == {"all": sum(1 for a in population.attempts if a.completed)}


def test_the_script_plants_what_the_flags_find(dept: Department) -> None:
    """The script's planted items come out flagged as planted (so the comparison above is
    not between two empty sets)."""
    got = {(i.scenario, i.step): i for i in item_report(dept.records).items}
    assert got["basics-0", "q"].flags == ("too easy",)
    assert "too hard" in got["basics-1", "q"].flags
    assert got["basics-3", "q"].flags == (
        "negative discrimination",
        "choice c attracts strong learners",
    )
    unrelated = got["basics-4", "q"]  # right or wrong whatever the strength: r near 0
    assert abs(unrelated.discrimination) < 0.2  # type: ignore[arg-type]
    assert {"poor discrimination", "negative discrimination"} & set(unrelated.flags)
    assert got["basics-2", "q"].flags == ()
    assert got["basics-2", "q"].discrimination > 0.5  # type: ignore[operator]
    reviews = [i for (s, _), i in got.items() if s.startswith("review-")]
    assert reviews
    assert all(i.facility is None and i.discrimination_note == "n too small" for i in reviews)
    # Reached by the learners who went wrong at the first step: strength 0 to 5.
    fallout = got["basics-branch", "fallout"]
    decide = got["basics-branch", "decide"]
    assert fallout.reached == pytest.approx(fallout.answers / decide.answers)
    assert decide.reached is None


@pytest.mark.parametrize("by", ["agency", "unit", "track"])
def test_cohorts_match_the_ledger(dept: Department, by: str) -> None:
    population = dept.population

    def cohort_of(answer: Answered) -> str:
        if by == "track":
            return answer.track
        person = population.person(answer.badge)
        return person.agency if by == "agency" else (person.unit or "(no unit)")

    report = item_report(dept.records, by=by)  # type: ignore[arg-type]
    want = expected_items(population, cohort_of, wrong_choices)
    got = found(report)
    assert set(report.cohorts) == {c for c, _, _ in want}
    assert {k for k, item in got.items() if item.answers} == set(want)
    for key, expected in want.items():
        check(got[key], expected)
    if by == "track":
        assert report.cohorts == ("onboarding", "refresher")


def test_paths_through_the_branching_scenario(dept: Department) -> None:
    population = dept.population
    agency = {p.badge: p.agency for p in population.people}
    for by, cohort_of in (("all", None), ("agency", lambda a: agency[a.badge])):
        report = item_report(dept.records, by=None if by == "all" else "agency")  # type: ignore[arg-type]
        if cohort_of is None:
            want = expected_paths(population, "basics-branch", best=2)
        else:
            want = expected_paths(population, "basics-branch", best=2, cohort_of=cohort_of)
        got = {p.cohort: p for p in report.paths if p.scenario == "basics-branch"}
        assert set(got) == set(want)
        for cohort, (taken, wrong) in want.items():
            path = got[cohort]
            assert path.takers == sum(taken.values())
            assert path.best == path.takers - sum(wrong.values())
            top = max(wrong.values())
            assert path.wrong_count == top
            assert path.wrong_path == min(p for p, n in wrong.items() if n == top)
            assert path.wrong_path[0][0] == "decide"
    assert {p.scenario for p in report.paths} == {"basics-branch"}


def test_confidently_wrong_by_guideline(dept: Department) -> None:
    population = dept.population
    report = item_report(dept.records)
    want = expected_confidently_wrong(population)
    got = {(g.cohort, g.guideline): (g.asked, g.confidently_wrong) for g in report.certainty}
    assert got == want
    assert all(wrong for _, wrong in want.values())
    # Most confidently wrong first.
    wrongs = [g.confidently_wrong for g in report.certainty]
    assert wrongs == sorted(wrongs, reverse=True)


def test_csv_parses_back_to_the_same_figures(dept: Department) -> None:
    population = dept.population
    result = CliRunner().invoke(cli, ["report", "items", "--format", "csv", *dept.options])
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.output)
    assert Counter(r["kind"] for r in rows).keys() == {"item", "choice", "path", "certainty"}
    want = expected_items(population, wrong_choices=wrong_choices)
    items = {(r["scenario"], r["step"]): r for r in rows if r["kind"] == "item"}
    for (_, scenario, step), expected in want.items():
        row = items[scenario, step]
        assert int(row["answers"]) == expected.answers
        assert int(row["correct"]) == expected.correct
        if expected.answers >= 20:
            assert float(row["facility"]) == pytest.approx(expected.facility, abs=5e-5)
            if expected.discrimination is not None:
                r_pb = float(row["discrimination"])
                assert r_pb == pytest.approx(expected.discrimination, abs=5e-5)
            assert set(filter(None, row["flags"].split("; "))) == expected_flags(expected)
        else:
            assert row["facility"] == row["discrimination"] == ""
            assert row["note"] == "n too small"
    choices = [r for r in rows if r["kind"] == "choice" and r["scenario"] == "basics-3"]
    assert [r["choice"] for r in choices] == ["a", "b", "c"]
    shares = want["all", "basics-3", "q"].shares
    for r in choices:
        assert float(r["share"]) == pytest.approx(shares.get(r["choice"], 0), abs=5e-5)
    assert [r["flags"] for r in choices] == ["", "", "attracts strong learners"]
    (path,) = [r for r in rows if r["kind"] == "path"]
    taken, wrong = expected_paths(population, "basics-branch", best=2)["all"]
    assert int(path["takers"]) == sum(taken.values())
    assert int(path["wrong_path_count"]) == max(wrong.values())
    assert path["wrong_path"].startswith("decide ")
    certain = {r["guideline"]: r for r in rows if r["kind"] == "certainty"}
    for (_, guideline), (asked, wrong_count) in expected_confidently_wrong(population).items():
        assert (int(certain[guideline]["asked"]), int(certain[guideline]["confidently_wrong"])) == (
            asked,
            wrong_count,
        )


def test_the_table_fits_80_columns_and_shows_numbers_with_its_bars(dept: Department) -> None:
    result = CliRunner().invoke(cli, ["report", "items", *dept.options])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(width(line) <= 80 for line in lines), max(lines, key=width)
    text = result.output
    assert lines[0].startswith("Item analysis: ")
    assert "basics-3 · q · single · Item 3 of basics" in text
    assert "  ⚑ negative discrimination · choice c attracts strong learners (upper " in text
    assert "basics-branch · fallout · single · The branching one" in text
    assert "reached by " in text
    assert "most common wrong path" in text
    assert "══ Confidently wrong" in text
    # Every bar line carries its number: a percentage or a two-decimal figure after it.
    for line in lines:
        if "█" in line:
            assert "%" in line or "facility 0." in line or "facility 1." in line, line
    assert "n too small" in text  # the refresher pool's items


def test_cohorts_side_by_side_and_only_the_flagged(dept: Department) -> None:
    result = CliRunner().invoke(
        cli, ["report", "items", "--by", "agency", "--flagged", *dept.options]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(width(line) <= 80 for line in lines), max(lines, key=width)
    heads = [
        tuple(line.split(" · ")[:2])
        for line in lines
        if " · single · " in line or " · multi · " in line
    ]
    report = item_report(dept.records, by="agency")
    assert heads == list(dict.fromkeys((i.scenario, i.step) for i in report.items if i.flags))
    assert ("basics-2", "q") not in heads
    table = lines.index(next(line for line in lines if line.startswith("basics-3 ")))
    assert lines[table + 2].split() == ["cohort", "n", "facility", "discr.", "✓a", "✗b", "✗c"]
    assert lines[table + 3].startswith("  Lakeside County SO ")
    assert lines[table + 4].startswith("  Riverton PD")


def test_a_track_and_a_small_sample(dept: Department) -> None:
    result = CliRunner().invoke(
        cli, ["report", "items", "--track", "refresher", "--min-answers", "2", *dept.options]
    )
    assert result.exit_code == 0, result.output
    assert "basics-" not in result.output
    assert "review-" in result.output
    refresher = [a for a in dept.population.attempts if a.track == "refresher" and a.completed]
    assert f"Item analysis: {len(refresher)} completed attempts" in result.output


def test_strength_drives_the_script() -> None:
    """The plan's strengths, as the docstring of the population promises."""
    from analysis_population import plan

    from course_factory import START

    people = plan(START, 20)
    assert [strength(p) for p in people[:12]] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]


def test_an_empty_record_and_a_bad_database(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    from course_factory import make_course

    course = make_course(folder / "course")
    runner = CliRunner()
    empty = runner.invoke(
        cli, ["report", "items", "--db", str(folder / "empty.db"), "--course", str(course)]
    )
    assert empty.exit_code == 0, empty.output
    assert "No completed attempts on record to analyse." in empty.output
    (folder / "junk.db").write_bytes(b"not a database at all" * 100)
    bad = runner.invoke(
        cli, ["report", "items", "--db", str(folder / "junk.db"), "--course", str(course)]
    )
    assert bad.exit_code == 1
    assert bad.output.startswith("trainer: error: ")
    assert "Traceback" not in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    wrong = runner.invoke(cli, ["report", "items", "--by", "rank", "--course", str(course)])
    assert wrong.exit_code == 2
    assert "'rank' is not one of 'track', 'version', 'agency', 'unit'" in wrong.output
