"""Units and agencies listed as people count them: Unit 2 before Unit 10."""

from __future__ import annotations

from datetime import UTC, datetime

from trainer.records.history import Learner
from trainer.reports.standing import known_values
from trainer.reports.text import natural_order


def test_numbers_in_names_sort_by_value_and_case_is_ignored() -> None:
    names = ["Unit 10", "unit 2", "Unit 1", "Patrol", "Unit 2B", "Unit 2a", "K9", "k10"]
    assert sorted(names, key=natural_order) == [
        "K9",
        "k10",
        "Patrol",
        "Unit 1",
        "unit 2",
        "Unit 2a",
        "Unit 2B",
        "Unit 10",
    ]


def test_the_units_on_record_are_named_in_that_order() -> None:
    learners = [
        Learner(str(n), f"L{n}", "Riverton PD", f"Unit {n}", None, datetime(2026, 1, 1, tzinfo=UTC))
        for n in (10, 2, 1, 33, 3)
    ]
    assert known_values(learners, "unit") == ["Unit 1", "Unit 2", "Unit 3", "Unit 10", "Unit 33"]
