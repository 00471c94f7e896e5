"""The pieces of item analysis and impact, one at a time: statistics, bars, versions,
diffs, and an item worded differently across versions."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from course_factory import make_course
from trainer.cli import cli
from trainer.content.course import load_course
from trainer.content.models import Guideline, Policy
from trainer.records.answers import AnswerTally, RecordedAnswer
from trainer.reports.bars import bar, percent
from trainer.reports.impact import (
    ImpactError,
    VersionOnRecord,
    policy_changes,
    resolve_version,
)
from trainer.reports.items import (
    AttemptGroup,
    analyse,
    group_cuts,
    more_than_chance,
    point_biserial,
)

# --- statistics ---------------------------------------------------------------------------


def test_point_biserial_is_pearsons_r_on_weighted_rows() -> None:
    rng = random.Random(3)
    for _ in range(50):
        rows = [(rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]), rng.random() < 0.6, rng.randint(1, 4))]
        rows += [(rng.random(), rng.random() < 0.5, rng.randint(1, 3)) for _ in range(30)]
        xs = [1.0 if right else 0.0 for _, right, w in rows for _ in range(w)]
        ys = [y for y, _, w in rows for _ in range(w)]
        assert point_biserial(rows) == pytest.approx(statistics.correlation(xs, ys))


def test_point_biserial_needs_spread_in_both() -> None:
    assert point_biserial([(0.5, True, 3), (0.7, True, 2)]) is None  # all right
    assert point_biserial([(0.5, True, 3), (0.5, False, 2)]) is None  # one rest score
    assert point_biserial([]) is None


def test_upper_and_lower_groups_include_ties_and_need_to_differ() -> None:
    # 10 answers: 27% is 2.7, so 3 from each end, and any tied with the third.
    scores = [(0.9, 1), (0.8, 1), (0.7, 2), (0.5, 2), (0.3, 1), (0.2, 1), (0.1, 2)]
    assert group_cuts(scores) == (0.7, 0.2)
    assert group_cuts([(0.5, 10)]) is None
    assert group_cuts([(0.5, 8), (0.6, 1), (0.4, 1)]) is None  # ties swallow both groups
    assert group_cuts([]) is None


def test_more_than_chance_is_a_one_sided_z_test() -> None:
    # z = (0.5 - 0.2) / sqrt(0.35 * 0.65 * (2 / 40)) = 2.81
    assert more_than_chance((20, 40), (8, 40))
    assert not more_than_chance((8, 40), (20, 40))  # one-sided
    assert not more_than_chance((3, 27), (1, 27))  # 11% against 4%: chance can do that
    assert not more_than_chance((0, 27), (0, 27))
    assert not more_than_chance((5, 0), (1, 10))


def test_bars_fill_in_eighths_and_keep_their_width() -> None:
    assert bar(0.5, 10) == "█████     "
    assert bar(1.0, 4) == "████"
    assert bar(1.7, 4) == "████"
    assert bar(-1.0, 3) == "   "
    assert bar(0.01, 10) == "▏         "
    assert bar(3 / 4, 2) == "█▌"
    assert bar(3 / 16, 2) == "▍ "
    assert percent(0.625) == "62%"
    assert percent(None) == "—"


# --- versions and diffs -------------------------------------------------------------------

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def test_versions_resolve_by_number_hash_or_prefix() -> None:
    on_record = [
        VersionOnRecord("1.0.0", "ab12" + "0" * 60, WHEN),
        VersionOnRecord("1.1.0", "ab34" + "1" * 60, WHEN),
        VersionOnRecord("1.1.0", "cd56" + "2" * 60, WHEN),
    ]
    assert resolve_version("1.0.0", on_record) is on_record[0]
    assert resolve_version(" v1.0.0 ", on_record) is on_record[0]
    assert resolve_version("CD56", on_record) is on_record[2]
    assert resolve_version("ab34" + "1" * 60, on_record) is on_record[1]
    with pytest.raises(ImpactError, match=r"^version 1\.1\.0 was taught with 2 different contents"):
        resolve_version("1.1.0", on_record)
    with pytest.raises(ImpactError, match=r"^'ab' is too short"):
        resolve_version("ab", on_record)
    with pytest.raises(ImpactError, match=r"^no course version '2.0.0' on record; versions on"):
        resolve_version("2.0.0", on_record)
    with pytest.raises(ImpactError, match="the records hold no course version yet"):
        resolve_version("1.0.0", [])


def test_prefix_ambiguity_is_told() -> None:
    on_record = [
        VersionOnRecord("1.0.0", "abcd1" + "0" * 59, WHEN),
        VersionOnRecord("2.0.0", "abcd2" + "0" * 59, WHEN),
    ]
    with pytest.raises(ImpactError, match=r"'abcd' is the start of several content hashes"):
        resolve_version("abcd", on_record)
    assert resolve_version("abcd2", on_record) is on_record[1]


def _policy(*guidelines: Guideline) -> Policy:
    return Policy(title="Policy", guidelines=list(guidelines))


def test_policy_changes_diff_sentence_by_sentence() -> None:
    one = Guideline(id="A-1", group="g", title="One", text="First. Second! Third?")
    two = Guideline(id="B-1", group="g", title="Two", text="Unchanged.", source="Model")
    old = _policy(one, two, Guideline(id="C-1", group="g", title="Gone", text="Bye."))
    new = _policy(
        one.model_copy(update={"text": "First. Second, reworded. Third?"}),
        two.model_copy(update={"group": "filed elsewhere"}),  # not what a learner reads
        Guideline(id="D-1", group="g", title="New", text="Hello."),
    )
    changes = policy_changes(old, new, "1.0", "2.0")
    assert [(c.id, c.change) for c in changes] == [
        ("A-1", "changed"),
        ("D-1", "added"),
        ("C-1", "removed"),
    ]
    assert changes[0].diff == (
        "--- A-1 in 1.0",
        "+++ A-1 in 2.0",
        "@@ -1,4 +1,4 @@",
        " title: One",
        " First.",
        "-Second!",
        "+Second, reworded.",
        " Third?",
    )
    assert changes[1].diff[:2] == ("--- /dev/null", "+++ D-1 in 2.0")
    assert changes[2].diff[:2] == ("--- C-1 in 1.0", "+++ /dev/null")
    sourced = _policy(one, two.model_copy(update={"source": "Another"}))
    assert [c.id for c in policy_changes(_policy(one, two), sourced, "a", "b")] == ["B-1"]


# --- an item across versions --------------------------------------------------------------


def test_an_item_worded_differently_across_versions_is_marked(tmp_path: Path) -> None:
    old = load_course(make_course(tmp_path / "old"))
    root = make_course(tmp_path / "new", version="1.1.0")
    path = root / "scenarios" / "onboarding" / "basics.yaml"
    module = yaml.safe_load(path.read_text(encoding="utf-8"))
    module["scenarios"][0]["steps"][0]["choices"][1]["text"] = "Wrong, reworded"
    path.write_text(yaml.safe_dump(module, sort_keys=False), encoding="utf-8")
    new = load_course(root)
    tally: AnswerTally[AttemptGroup] = AnswerTally()
    for bundle, cohort in ((old, "1.0.0"), (new, "1.1.0")):
        for scenario in ("basics-0", "basics-1"):
            answer = RecordedAnswer(scenario, "q", ("b",), "incorrect", 0, 1, None)
            tally.counts[AttemptGroup(bundle.content_hash, cohort, 3, 6), answer] = 25
    report = analyse(
        tally,
        {old.content_hash: old, new.content_hash: new},
        new,
        cohorts=["1.0.0", "1.1.0"],
        attempts={"1.0.0": 25, "1.1.0": 25},
        by="version",
    )
    changed = {(i.scenario, i.cohort): i.changed for i in report.items}
    assert changed == {
        ("basics-0", "1.0.0"): False,  # within one version, nothing differs
        ("basics-0", "1.1.0"): False,
        ("basics-1", "1.0.0"): False,
        ("basics-1", "1.1.0"): False,
    }
    merged: AnswerTally[AttemptGroup] = AnswerTally(
        {(g._replace(cohort="all"), a): n for (g, a), n in tally.counts.items()}
    )
    report = analyse(
        merged, {old.content_hash: old, new.content_hash: new}, new, cohorts=["all"], attempts={}
    )
    by_item = {i.scenario: i for i in report.items}
    assert by_item["basics-0"].changed
    assert not by_item["basics-1"].changed
    assert by_item["basics-0"].choices[1].text == "Wrong, reworded"  # described as now
    assert by_item["basics-0"].answers == 50


def test_an_answer_changed_outside_trainer_is_one_line(tmp_path: Path) -> None:
    """Reports read the projections, not the log: a changed tally is refused in one line,
    and a changed log is what the check names."""
    import sqlite3

    from course_factory import Ticker
    from trainer.records.db import connect
    from trainer.records.log import EventLog
    from trainer.records.service import Records

    root = make_course(tmp_path / "course")
    db = tmp_path / "records.db"
    clock = Ticker()
    records = Records(EventLog(connect(f"sqlite:///{db}"), clock), load_course(root), clock=clock)
    records.register("Dana Reyes", "4471", "Test PD")
    attempt = records.start_attempt("4471", "onboarding", "basics")
    for i in range(6):
        records.answer(attempt.id, f"basics-{i}", "q", ["a"])
    records.complete(attempt.id)
    records.log.close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE answer_tally SET verdict = 'verdikt' WHERE id = 1")
    result = CliRunner().invoke(cli, ["report", "items", "--db", str(db), "--course", str(root)])
    assert result.exit_code == 1
    assert result.output == (
        f"trainer: error: the answer tallies in {db} were changed outside trainer: unknown "
        "verdict 'verdikt' (run 'trainer records check')\n"
    )
    check = CliRunner().invoke(cli, ["records", "check", "--db", str(db)])
    assert check.exit_code == 1
    assert "the answer_tally table counts 0 where the log counts 1" in check.output
