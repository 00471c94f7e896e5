"""Item analysis by agency and unit reads the items summed up by cohort as attempts
complete (records/cohorts.py): summed in any order they come out the same, cohorts that
share a name are merged, and a summary changed outside trainer is refused in one line."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from course_factory import Ticker, make_course
from trainer.cli import cli
from trainer.content.course import load_course
from trainer.records.cohorts import ItemCounts, group_cuts, summary
from trainer.records.db import connect
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.gather import item_report
from trainer.reports.items import Thresholds


def _answers(rng: random.Random, n: int) -> list[tuple[str, int, int, list[str], str, int]]:
    """(content hash, earned, attempt maximum, selected, verdict, points) at random."""
    found = []
    for _ in range(n):
        selected = rng.choice([["a"], ["b"], ["c"], ["a", "c"]])
        points = 1 if selected == ["a"] else 0
        found.append(
            (
                rng.choice(["h1", "h2"]),
                rng.randint(points, 5 + points),
                rng.choice([1, 6, 8]),
                selected,
                "correct" if points else "incorrect",
                points,
            )
        )
    return found


def test_counts_summed_in_parts_read_back_the_same() -> None:
    rng = random.Random(11)
    answers = _answers(rng, 200)
    whole = ItemCounts()
    for content_hash, earned, top, selected, verdict, points in answers:
        whole.add(content_hash, earned, top, selected, verdict, points, 1, None)
    stored = None
    for part in (answers[:70], answers[70:150], answers[150:]):
        counts = ItemCounts()
        for content_hash, earned, top, selected, verdict, points in part:
            counts.add(content_hash, earned, top, selected, verdict, points, 1, "sure")
        if stored is not None:
            kept = ItemCounts.from_texts(*stored)
            kept.merge(counts)
            counts = kept
        stored = counts.texts()
    assert stored is not None
    stats, rests = whole.texts()
    assert stored[1] == rests
    found = summary(1, "all", "onboarding", "m", "s", "q", stats)
    assert found.answers == 200
    assert found.hashes == {
        h: (sum(a[0] == h for a in answers), 0, 0) for h in ("h1", "h2")
    }  # asked for no certainty here, "sure" in the parts
    # The cut and the sides, straight from the answers that have a rest score.
    scored = [
        ((earned - points) / (top - 1), selected)
        for _, earned, top, selected, _, points in answers
        if top > 1
    ]
    assert found.sums[0] == len(scored)
    cuts = group_cuts([(rest, 1) for rest, _ in scored])
    assert cuts is not None
    assert found.cuts == cuts
    high = [selected for rest, selected in scored if rest >= cuts[0]]
    low = [selected for rest, selected in scored if rest <= cuts[1]]
    assert found.upper is not None
    assert found.lower is not None
    assert found.upper.answers == len(high)
    assert found.lower.answers == len(low)
    for choice in "abc":
        assert found.upper.picks.get(choice, 0) == sum(choice in s for s in high)
        assert found.lower.picks.get(choice, 0) == sum(choice in s for s in low)


@pytest.fixture
def squad(tmp_path: Path) -> tuple[Records, Path, Path]:
    """Eight learners answering at random; four in a unit named "(no unit)", four in
    none: by unit, one cohort that holds them all."""
    root = make_course(tmp_path / "course")
    db = tmp_path / "records.db"
    clock = Ticker()
    records = Records(EventLog(connect(f"sqlite:///{db}"), clock), load_course(root), clock=clock)
    rng = random.Random(5)
    for n in range(8):
        badge = f"{5000 + n}"
        records.register(f"Officer {n}", badge, "Test PD", unit="(no unit)" if n % 2 else None)
        for _ in range(2):
            attempt = records.start_attempt(badge, "onboarding", "basics")
            for i in range(6):
                records.answer(attempt.id, f"basics-{i}", "q", [rng.choice("abc")])
            records.complete(attempt.id)
    return records, db, root


def test_units_of_one_name_are_one_cohort(squad: tuple[Records, Path, Path]) -> None:
    records, _, _ = squad
    limits = Thresholds(min_answers=4)
    try:
        by_unit = item_report(records, by="unit", thresholds=limits)
        everyone = item_report(records, thresholds=limits)  # from the tallies instead
    finally:
        records.log.close()
    assert by_unit.cohorts == ("(no unit)",)
    assert by_unit.attempts == {"(no unit)": 16}
    assert [i.key for i in by_unit.items] == [i.key for i in everyone.items]
    for mine, all_of_them in zip(by_unit.items, everyone.items, strict=True):
        assert (mine.answers, mine.correct, mine.flags) == (
            all_of_them.answers,
            all_of_them.correct,
            all_of_them.flags,
        )
        assert mine.answers == (16 if mine.module == "basics" else 0)
        assert mine.discrimination == pytest.approx(all_of_them.discrimination)
        for a, b in zip(mine.choices, all_of_them.choices, strict=True):
            assert (a.id, a.picked, a.attracts_strong) == (b.id, b.picked, b.attracts_strong)
            assert (a.share, a.upper, a.lower) == pytest.approx((b.share, b.upper, b.lower))
    assert any(c.upper is not None for i in by_unit.items for c in i.choices)


def test_a_summary_changed_outside_trainer_is_one_line(
    squad: tuple[Records, Path, Path],
) -> None:
    records, db, root = squad
    records.log.close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE cohort_items SET stats = '{' WHERE scenario = 'basics-2'")
    result = CliRunner().invoke(
        cli, ["report", "items", "--by", "unit", "--db", str(db), "--course", str(root)]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"trainer: error: the item statistics by cohort in {db} were changed outside "
        "trainer: unreadable statistics of basics-2/q (run 'trainer records check')\n"
    )
    check = CliRunner().invoke(cli, ["records", "check", "--db", str(db)])
    assert check.exit_code == 1
    assert "the cohort_items row of cohort 'agency'" in check.output
