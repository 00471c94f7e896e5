"""Scores, pass or fail, and mastery per guideline, from graded outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trainer.content.models import Module, Scenario, step_options
from trainer.content.paths import best_points
from trainer.engine.outcome import Outcome


@dataclass(frozen=True)
class Score:
    """Points earned against the most that could be earned."""

    earned: int
    maximum: int

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.maximum if self.maximum else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.earned + other.earned, self.maximum + other.maximum)


def score_of(scenarios: Iterable[Scenario], outcomes: Iterable[Outcome]) -> Score:
    """The score of an attempt: points on the path taken, against each scenario's best path
    (a branch that ends early does not shrink the maximum)."""
    earned = sum(o.points for o in outcomes)
    return Score(earned, sum(best_points(s) for s in scenarios))


def passed(score: Score, pass_mark: int) -> bool:
    """Pass at or above the pass mark, compared in whole points to avoid float edges."""
    return score.maximum > 0 and score.earned * 100 >= pass_mark * score.maximum


def mastery(modules: Iterable[Module], outcomes: Iterable[Outcome]) -> dict[str, Score]:
    """Per guideline: the points earned on the steps that cite it, against their maximum.

    A step tests the guidelines its choices cite; where none do, its scenario's list."""
    steps = {
        (scenario.id, step.id): (scenario, step)
        for module in modules
        for scenario in module.scenarios
        for step in scenario.steps
    }
    totals: dict[str, Score] = {}
    for outcome in outcomes:
        found = steps.get((outcome.scenario_id, outcome.step_id))
        if found is None:
            continue
        scenario, step = found
        tested = dict.fromkeys(g for o in step_options(step) for g in o.cites) or dict.fromkeys(
            scenario.guidelines
        )
        for guideline in tested:
            totals[guideline] = totals.get(guideline, Score(0, 0)) + Score(
                outcome.points, outcome.maximum
            )
    return totals


def weakest(per_guideline: Mapping[str, Score]) -> dict[str, float]:
    """Weakness per guideline, 0 (mastered) to 1 (nothing earned), for a retake's selection."""
    return {g: 1.0 - s.earned / s.maximum if s.maximum else 0.0 for g, s in per_guideline.items()}
