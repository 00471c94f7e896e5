"""Item statistics computed straight from the population's ledger of answers: lists and
the standard library (``statistics.correlation`` for the point-biserial), never through
the code under test."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from population import Answered, AttemptDone, Population

GUIDELINE_OF = {
    **{f"basics-{i}": ("CONF-1", "PROF-1", "ACCT-1")[i % 3] for i in range(6)},
    "basics-branch": "CONF-1",
    "basics-multi": "PROF-1",
}
"""The guideline each onboarding scenario's choices cite (course_factory cycles through
CONF-1, PROF-1, ACCT-1)."""


@dataclass(frozen=True)
class Expected:
    answers: int
    correct: int
    facility: float
    discrimination: float | None
    shares: dict[str, float]
    upper: dict[str, float] | None
    lower: dict[str, float] | None
    attracts: frozenset[str]


def completed(population: Population) -> dict[str, AttemptDone]:
    return {a.id: a for a in population.attempts if a.completed is not None}


def counted_answers(population: Population) -> list[Answered]:
    """Answers of completed attempts, in the order given."""
    done = completed(population)
    return [a for a in population.answers if a.attempt in done]


def rest(answer: Answered, attempt: AttemptDone) -> float | None:
    assert attempt.earned is not None
    assert attempt.maximum is not None
    left = attempt.maximum - answer.maximum
    return (attempt.earned - answer.points) / left if left > 0 else None


def z_says_more(a: int, n_a: int, b: int, n_b: int) -> bool:
    """Two-proportion z-test, one-sided at 5%: is a/n_a larger than b/n_b beyond chance?"""
    p = (a + b) / (n_a + n_b)
    if p in (0, 1):
        return False
    z = (a / n_a - b / n_b) / math.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    return z > 1.6449


def expected_items(
    population: Population,
    cohort_of: Callable[[Answered], str] = lambda _: "all",
    wrong_choices: Callable[[str, str], set[str]] = lambda scenario, step: set(),
) -> dict[tuple[str, str, str], Expected]:
    """(cohort, scenario, step) -> the figures, for every item with an answer."""
    done = completed(population)
    grouped: dict[tuple[str, str, str], list[Answered]] = {}
    for answer in counted_answers(population):
        grouped.setdefault((cohort_of(answer), answer.scenario, answer.step), []).append(answer)
    found: dict[tuple[str, str, str], Expected] = {}
    for key, answers in grouped.items():
        n = len(answers)
        right = [1.0 if a.verdict == "correct" else 0.0 for a in answers]
        choices = sorted({c for a in answers for c in a.selected})
        shares = {c: sum(c in a.selected for a in answers) / n for c in choices}
        scored = [(rest(a, done[a.attempt]), a) for a in answers]
        valid = [(r, a) for r, a in scored if r is not None]
        xs = [1.0 if a.verdict == "correct" else 0.0 for _, a in valid]
        ys = [r for r, _ in valid]
        r_pb: float | None = None
        if len(set(xs)) > 1 and len(set(ys)) > 1:
            r_pb = statistics.correlation(xs, ys)
        upper = lower = None
        attracts: set[str] = set()
        k = math.ceil(27 * len(valid) / 100)
        top = sorted(ys, reverse=True)[k - 1] if valid else 0.0
        bottom = sorted(ys)[k - 1] if valid else 0.0
        if top > bottom:
            high = [a for r, a in valid if r >= top]
            low = [a for r, a in valid if r <= bottom]
            upper = {c: sum(c in a.selected for a in high) / len(high) for c in choices}
            lower = {c: sum(c in a.selected for a in low) / len(low) for c in choices}
            for c in wrong_choices(key[1], key[2]):
                picked_high = sum(c in a.selected for a in high)
                picked_low = sum(c in a.selected for a in low)
                if z_says_more(picked_high, len(high), picked_low, len(low)):
                    attracts.add(c)
        found[key] = Expected(
            n, int(sum(right)), sum(right) / n, r_pb, shares, upper, lower, frozenset(attracts)
        )
    return found


Path = tuple[tuple[str, tuple[str, ...]], ...]


def expected_paths(
    population: Population,
    scenario: str,
    best: int,
    cohort_of: Callable[[Answered], str] = lambda _: "all",
) -> dict[str, tuple[Counter[Path], Counter[Path]]]:
    """cohort -> the paths completed attempts took through ``scenario``, and those of them
    that earned less than ``best``, counted."""
    walks: dict[str, list[Answered]] = {}
    for answer in counted_answers(population):
        if answer.scenario == scenario:
            walks.setdefault(answer.attempt, []).append(answer)
    paths: dict[str, tuple[Counter[Path], Counter[Path]]] = {}
    for walk in walks.values():
        path = tuple((a.step, a.selected) for a in walk)
        taken, wrong = paths.setdefault(cohort_of(walk[0]), (Counter(), Counter()))
        taken[path] += 1
        if sum(a.points for a in walk) < best:
            wrong[path] += 1
    return paths


def expected_confidently_wrong(
    population: Population, cohort_of: Callable[[Answered], str] = lambda _: "all"
) -> dict[tuple[str, str], tuple[int, int]]:
    """(cohort, guideline) -> (answers with certainty, of which sure and wrong)."""
    found: dict[tuple[str, str], list[int]] = {}
    for answer in counted_answers(population):
        if answer.certainty is None:
            continue
        row = found.setdefault((cohort_of(answer), GUIDELINE_OF[answer.scenario]), [0, 0])
        row[0] += 1
        row[1] += answer.certainty == "sure" and answer.verdict == "incorrect"
    return {key: (asked, wrong) for key, (asked, wrong) in found.items()}
