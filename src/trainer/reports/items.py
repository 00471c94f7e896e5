"""Item analysis: how each step of each scenario performs, from the answers recorded.

Classical test theory, per step (an "item"), over completed attempts only (an open attempt
has no score to compare an answer with):

- **facility**: the share of answers that were correct (verdict ``correct``; for multi and
  flag steps, exactly right).
- **discrimination**: the point-biserial correlation between the item score (1 correct,
  0 not) and the learner's *rest score* on the same attempt: the attempt's points without
  this item's, over its maximum without this item's. Leaving the item out keeps it from
  correlating with itself, which matters in modules of ten items or fewer.
- **upper and lower groups**: the answers whose rest score is among the highest 27%
  (rounded up), and every answer tied with the last of them; the lowest likewise. A wrong
  choice picked by a larger share of the upper group than of the lower attracts strong
  learners: its wording, or the key, is worth a second look. The difference must be more
  than chance explains (a one-sided two-proportion z-test at 5%): by chance alone, the
  upper group picks a distractor more often than the lower about as often as not, and a
  flag on every other distractor would teach people to ignore it.

No statistic is given on fewer than ``min_answers`` answers; "n too small" is said
instead, and no flag is raised.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from trainer.content.course import CourseBundle
from trainer.content.models import Module, Scenario, Verdict, step_options
from trainer.content.paths import best_points, edges, step_index
from trainer.records.answers import AnswerTally, RecordedAnswer
from trainer.records.cohorts import ItemSummary, group_cuts  # the cohort tables cut too

Z_ONE_SIDED_5 = 1.6449
"""The standard normal's 95th percentile: a one-sided test at 5%."""


@dataclass(frozen=True)
class Thresholds:
    """Where a figure becomes a flag, and how many answers a figure needs."""

    min_answers: int = 20
    too_easy: float = 0.9
    too_hard: float = 0.3
    poor_discrimination: float = 0.2


class AttemptGroup(NamedTuple):
    """What the analysis needs of an attempt: its course version, cohort and score. (A
    named tuple: it is hashed once per attempt in the record, and a tuple hashes in C.)"""

    content_hash: str
    cohort: str
    earned: int
    maximum: int


@dataclass(frozen=True)
class ChoiceStats:
    """One choice (or segment) of an item. Shares are None below the minimum sample;
    ``upper`` and ``lower`` also when the upper and lower groups cannot be told apart."""

    id: str
    text: str
    verdict: Verdict
    picked: int
    share: float | None
    upper: float | None
    lower: float | None
    attracts_strong: bool = False
    """A wrong choice the upper group picks more often than the lower, by more than chance
    explains (see :func:`more_than_chance`)."""


@dataclass(frozen=True)
class ItemStats:
    """One step of one scenario, for one cohort."""

    module: str
    module_title: str
    scenario: str
    scenario_title: str
    step: str
    step_type: str
    prompt: str
    first_step: bool
    branching: bool
    cohort: str
    answers: int
    correct: int
    facility: float | None
    discrimination: float | None
    discrimination_note: str | None
    choices: tuple[ChoiceStats, ...]
    reached: float | None
    flags: tuple[str, ...]
    changed: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return self.module, self.scenario, self.step


@dataclass(frozen=True)
class PathStats:
    """The paths taken through one branching scenario, for one cohort. A path is wrong
    when it earns less than the scenario's best path."""

    module: str
    scenario: str
    scenario_title: str
    cohort: str
    takers: int
    best: int
    wrong_path: tuple[tuple[str, tuple[str, ...]], ...]
    wrong_count: int
    enough: bool

    @property
    def best_share(self) -> float | None:
        return self.best / self.takers if self.enough else None

    @property
    def wrong_share(self) -> float | None:
        return self.wrong_count / self.takers if self.enough else None


@dataclass(frozen=True)
class GuidelineCertainty:
    """Answers to steps testing one guideline where certainty was asked, and how many were
    answered "sure" and wrong."""

    guideline: str
    title: str
    cohort: str
    asked: int
    confidently_wrong: int
    enough: bool

    @property
    def share(self) -> float | None:
        return self.confidently_wrong / self.asked if self.enough else None


@dataclass(frozen=True)
class ItemReport:
    by: str | None
    cohorts: tuple[str, ...]
    attempts: dict[str, int]
    items: tuple[ItemStats, ...]
    paths: tuple[PathStats, ...]
    certainty: tuple[GuidelineCertainty, ...]
    thresholds: Thresholds

    @property
    def answers(self) -> int:
        return sum(i.answers for i in self.items)

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(i for i in self.items if i.flags)


# --- the item definitions ---------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    module: Module
    scenario: Scenario
    position: int


def _index(bundle: CourseBundle) -> dict[str, _Located]:
    """Scenario id (unique in a course) to where its steps are found."""
    return {s.id: _Located(m, s, i) for m in bundle.modules for i, s in enumerate(m.scenarios)}


def is_branching(scenario: Scenario) -> bool:
    """Whether some step leads to different steps depending on the choice."""
    return any(len({e.target for e in edges(scenario, i)}) > 1 for i in range(len(scenario.steps)))


def branching_scenarios(bundles: Iterable[CourseBundle]) -> set[str]:
    return {s.id for b in bundles for m in b.modules for s in m.scenarios if is_branching(s)}


def tested_guidelines(scenario: Scenario, step_id: str) -> tuple[str, ...]:
    """The guidelines a step tests: those its choices cite, else its scenario's (as the
    engine's mastery counts them)."""
    step = next((s for s in scenario.steps if s.id == step_id), None)
    if step is None:
        return tuple(scenario.guidelines)
    cited = dict.fromkeys(g for o in step_options(step) for g in o.cites)
    return tuple(cited) or tuple(scenario.guidelines)


# --- accumulating -----------------------------------------------------------------------


@dataclass
class _Item:
    """The answers to one item in one cohort, as counts; or, by agency or unit, as their
    summary kept in the records (``summary``: its figures are read from there)."""

    answers: int = 0
    correct: int = 0
    picks: dict[str, int] = field(default_factory=dict)
    # (rest score, correct, selected) -> count, for answers whose rest has a maximum
    rests: dict[tuple[float, bool, tuple[str, ...]], int] = field(default_factory=dict)
    hashes: set[str] = field(default_factory=set)
    summary: ItemSummary | None = None

    @classmethod
    def summed(cls, summary: ItemSummary) -> _Item:
        return cls(
            summary.answers,
            summary.correct,
            dict(summary.picks),
            hashes=set(summary.hashes),
            summary=summary,
        )

    def valid(self) -> int:
        """How many answers have a rest score (their attempt has other points to earn)."""
        if self.summary is not None:
            return int(self.summary.sums[0])
        return sum(self.rests.values())

    def discrimination(self) -> float | None:
        if self.summary is not None:
            return point_biserial_of(*self.summary.sums)
        return point_biserial((rest, right, w) for (rest, right, _), w in self.rests.items())

    def cuts(self) -> tuple[float, float] | None:
        if self.summary is not None:
            return self.summary.cuts
        return group_cuts([(rest, w) for (rest, _, _), w in self.rests.items()])

    def sides(self, choice: str, cuts: tuple[float, float]) -> tuple[int, int, int, int]:
        """(answers in the upper group, of which picked ``choice``; the same in the lower)."""
        found = self.summary
        if found is not None:
            upper, lower = found.upper, found.lower
            if upper is None or lower is None:  # pragma: no cover (cuts come with both)
                return 0, 0, 0, 0
            return (
                upper.answers,
                upper.picks.get(choice, 0),
                lower.answers,
                lower.picks.get(choice, 0),
            )
        top, bottom = cuts
        in_upper = in_lower = upper_picks = lower_picks = 0
        for (rest, _, selected), w in self.rests.items():
            chose = choice in selected
            if rest >= top:
                in_upper += w
                upper_picks += w if chose else 0
            if rest <= bottom:
                in_lower += w
                lower_picks += w if chose else 0
        return in_upper, upper_picks, in_lower, lower_picks

    def add(self, group: AttemptGroup, answer: RecordedAnswer, count: int) -> None:
        right = answer.verdict == "correct"
        self.answers += count
        self.correct += count if right else 0
        for choice in answer.selected:
            self.picks[choice] = self.picks.get(choice, 0) + count
        self.hashes.add(group.content_hash)
        rest_maximum = group.maximum - answer.maximum
        if rest_maximum > 0:
            key = ((group.earned - answer.points) / rest_maximum, right, answer.selected)
            self.rests[key] = self.rests.get(key, 0) + count


def point_biserial(scores: Iterable[tuple[float, bool, int]]) -> float | None:
    """The correlation of a 0/1 item score with a continuous score, from (score, correct,
    count) triples; None when either does not vary."""
    n = sx = sy = syy = sxy = 0.0
    for y, right, w in scores:
        x = 1.0 if right else 0.0
        n += w
        sx += w * x
        sy += w * y
        syy += w * y * y
        sxy += w * x * y
    return point_biserial_of(n, sx, sy, syy, sxy)


def point_biserial_of(n: float, sx: float, sy: float, syy: float, sxy: float) -> float | None:
    """The point-biserial from its sums: n, Σx, Σy, Σy², Σxy."""
    var_x = n * sx - sx * sx
    var_y = n * syy - sy * sy
    # Relative to the scale of the sums, so rounding noise is not taken for spread.
    if var_x <= 1e-9 * max(1.0, n * sx) or var_y <= 1e-9 * max(1.0, n * syy):
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


def more_than_chance(upper: tuple[int, int], lower: tuple[int, int]) -> bool:
    """Whether ``upper`` (picked, out of) is a larger share than ``lower`` by more than
    chance explains: a one-sided two-proportion z-test at 5%."""
    (a, n_upper), (b, n_lower) = upper, lower
    if n_upper == 0 or n_lower == 0:
        return False
    pooled = (a + b) / (n_upper + n_lower)
    if pooled in (0.0, 1.0):
        return False
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_upper + 1 / n_lower))
    return (a / n_upper - b / n_lower) / spread > Z_ONE_SIDED_5


# --- the analysis -----------------------------------------------------------------------


def analyse(
    tally: AnswerTally[AttemptGroup],
    versions: Mapping[str, CourseBundle],
    current: CourseBundle,
    *,
    cohorts: Sequence[str],
    attempts: Mapping[str, int],
    modules: Sequence[str] | None = None,
    by: str | None = None,
    thresholds: Thresholds | None = None,
    summaries: Iterable[ItemSummary] = (),
) -> ItemReport:
    """Item statistics from counted answers. ``versions`` maps each content hash in the
    tally to its course; items are described as the current course has them, else as the
    newest version that has them (``versions`` in the order first taught). ``modules``
    lists the current modules whose unanswered items are still shown (with no answers).
    ``summaries`` are items already summed up by cohort (agency or unit), one per item and
    cohort, used as they are."""
    limits = thresholds or Thresholds()
    where = _Where(versions, current)
    items: dict[tuple[str, str, str], dict[str, _Item]] = {}
    certainty: dict[tuple[str, str], list[int]] = {}
    for found in summaries:
        placed = [(where.find(h, found.scenario), counts) for h, counts in found.hashes.items()]
        if all(located is None for located, _ in placed):
            continue
        key = (found.module, found.scenario, found.step)
        items.setdefault(key, {})[found.cohort] = _Item.summed(found)
        for located, (_, asked, wrong) in placed:
            if located is None or not asked:
                continue
            for guideline in tested_guidelines(located.scenario, found.step):
                tally_row = certainty.setdefault((found.cohort, guideline), [0, 0])
                tally_row[0] += asked
                tally_row[1] += wrong
    for (group, answer), count in tally.counts.items():
        located = where.find(group.content_hash, answer.scenario)
        if located is None:
            continue
        key = (located.module.id, answer.scenario, answer.step)
        items.setdefault(key, {}).setdefault(group.cohort, _Item()).add(group, answer, count)
        if answer.certainty is not None:
            wrong = answer.certainty == "sure" and answer.verdict == "incorrect"
            for guideline in tested_guidelines(located.scenario, answer.step):
                tally_row = certainty.setdefault((group.cohort, guideline), [0, 0])
                tally_row[0] += count
                tally_row[1] += count if wrong else 0
    for module_id in modules or ():
        module = current.module(module_id)
        for scenario in module.scenarios:
            for step in scenario.steps:
                items.setdefault((module.id, scenario.id, step.id), {})
    stats = [
        _item_stats(key, cohort, items[key].get(cohort, _Item()), items, where, limits)
        for key in sorted(items, key=where.order)
        for cohort in cohorts
    ]
    return ItemReport(
        by=by,
        cohorts=tuple(cohorts),
        attempts=dict(attempts),
        items=tuple(stats),
        paths=tuple(_paths(tally, where, cohorts, limits)),
        certainty=tuple(_certainty(certainty, current, versions, limits)),
        thresholds=limits,
    )


class _Where:
    """Finds scenarios in the version an answer was given under, and the description to
    show: from the current course where it has the item, else the newest version."""

    def __init__(self, versions: Mapping[str, CourseBundle], current: CourseBundle) -> None:
        self.versions = versions
        self.current = current
        self.indexes = {h: _index(b) for h, b in versions.items()}
        self.indexes[current.content_hash] = _index(current)
        self.shown: dict[str, _Located] = {}
        for bundle in [*versions.values(), current]:  # later ones win
            self.shown.update(self.indexes[bundle.content_hash])
        tracks = [m for _, t in current.course.tracks.items() for m in t.modules]
        self.module_rank = {m: i for i, m in enumerate(dict.fromkeys(tracks))}

    def find(self, content_hash: str, scenario: str) -> _Located | None:
        index = self.indexes.get(content_hash)
        return None if index is None else index.get(scenario)

    def describe(self, scenario: str) -> _Located:
        return self.shown[scenario]

    def order(self, key: tuple[str, str, str]) -> tuple[int, str, int, int, str]:
        module, scenario, step = key
        located = self.shown[scenario]
        steps = step_index(located.scenario)
        return (
            self.module_rank.get(module, len(self.module_rank)),
            module,
            located.position,
            steps.get(step, len(steps)),
            step,
        )

    def changed(self, scenario: str, step: str, hashes: Iterable[str]) -> bool:
        """Whether the step reads differently in the versions it was answered under."""
        seen = set()
        for content_hash in hashes:
            located = self.find(content_hash, scenario)
            found = (
                None
                if located is None
                else next((s for s in located.scenario.steps if s.id == step), None)
            )
            seen.add(None if found is None else found.model_dump_json())
        return len(seen) > 1


def _item_stats(
    key: tuple[str, str, str],
    cohort: str,
    item: _Item,
    items: Mapping[tuple[str, str, str], Mapping[str, _Item]],
    where: _Where,
    limits: Thresholds,
) -> ItemStats:
    module_id, scenario_id, step_id = key
    located = where.describe(scenario_id)
    scenario = located.scenario
    step = next((s for s in scenario.steps if s.id == step_id), None)
    enough = item.answers >= limits.min_answers
    valid = item.valid()
    r: float | None = None
    note: str | None = None
    cuts: tuple[float, float] | None = None
    if valid < limits.min_answers:
        note = "n too small"
    else:
        r = item.discrimination()
        if r is None:
            note = "no spread"
        cuts = item.cuts()
    choices = tuple(
        _choice_stats(o.id, o.text, o.verdict, item, cuts, enough)
        for o in (step_options(step) if step is not None else [])
    )
    first = scenario.steps[0].id
    branching = is_branching(scenario)
    reached: float | None = None
    if branching and step_id != first:
        starts = items.get((module_id, scenario_id, first), {}).get(cohort)
        if starts is not None and starts.answers >= limits.min_answers:
            reached = item.answers / starts.answers
    facility = item.correct / item.answers if enough else None
    flags: list[str] = []
    if facility is not None:
        if facility > limits.too_easy:
            flags.append("too easy")
        if facility < limits.too_hard:
            flags.append("too hard")
    if r is not None:
        if r <= -0.005:  # negative as printed (to two places), not -0.00
            flags.append("negative discrimination")
        elif r < limits.poor_discrimination:
            flags.append("poor discrimination")
    flags += [f"choice {c.id} attracts strong learners" for c in choices if c.attracts_strong]
    return ItemStats(
        module=module_id,
        module_title=located.module.title,
        scenario=scenario_id,
        scenario_title=scenario.title,
        step=step_id,
        step_type=step.type if step is not None else "?",
        prompt=step.prompt if step is not None else "",
        first_step=step_id == first,
        branching=branching,
        cohort=cohort,
        answers=item.answers,
        correct=item.correct,
        facility=facility,
        discrimination=r,
        discrimination_note=note,
        choices=choices,
        reached=reached,
        flags=tuple(flags),
        changed=where.changed(scenario_id, step_id, item.hashes),
    )


def _choice_stats(
    choice_id: str,
    text: str,
    verdict: Verdict,
    item: _Item,
    cuts: tuple[float, float] | None,
    enough: bool,
) -> ChoiceStats:
    picked = item.picks.get(choice_id, 0)
    upper = lower = None
    attracts = False
    if cuts is not None:
        in_upper, upper_picks, in_lower, lower_picks = item.sides(choice_id, cuts)
        upper, lower = upper_picks / in_upper, lower_picks / in_lower
        attracts = verdict == "incorrect" and more_than_chance(
            (upper_picks, in_upper), (lower_picks, in_lower)
        )
    return ChoiceStats(
        id=choice_id,
        text=text,
        verdict=verdict,
        picked=picked,
        share=picked / item.answers if enough else None,
        upper=upper,
        lower=lower,
        attracts_strong=attracts,
    )


def _paths(
    tally: AnswerTally[AttemptGroup],
    where: _Where,
    cohorts: Sequence[str],
    limits: Thresholds,
) -> list[PathStats]:
    # (cohort, scenario) -> path -> [takers, wrong]
    counted: dict[tuple[str, str], dict[tuple[tuple[str, tuple[str, ...]], ...], list[int]]] = {}
    for (group, scenario_id), paths in tally.paths.items():
        located = where.find(group.content_hash, scenario_id)
        if located is None:
            continue
        best = best_points(located.scenario)
        into = counted.setdefault((group.cohort, scenario_id), {})
        for path, count in paths.items():
            steps = tuple((a.step, a.selected) for a in path)
            row = into.setdefault(steps, [0, 0])
            row[0] += count
            if sum(a.points for a in path) < best:
                row[1] += count
    found: list[PathStats] = []
    scenarios = {s for _, s in counted}
    for scenario_id in sorted(scenarios, key=lambda s: where.order(_first_key(where, s))):
        located = where.describe(scenario_id)
        for cohort in cohorts:
            taken = counted.get((cohort, scenario_id), {})
            takers = sum(row[0] for row in taken.values())
            wrong = [(row[1], steps) for steps, row in taken.items() if row[1]]
            # The most common wrong path; ties go to the one that sorts first, so the
            # report reads the same on every run.
            wrong.sort(key=lambda x: (-x[0], x[1]))
            count, worst = wrong[0] if wrong else (0, ())
            found.append(
                PathStats(
                    module=located.module.id,
                    scenario=scenario_id,
                    scenario_title=located.scenario.title,
                    cohort=cohort,
                    takers=takers,
                    best=takers - sum(row[1] for row in taken.values()),
                    wrong_path=worst,
                    wrong_count=count,
                    enough=takers >= limits.min_answers,
                )
            )
    return found


def _first_key(where: _Where, scenario_id: str) -> tuple[str, str, str]:
    located = where.describe(scenario_id)
    return located.module.id, scenario_id, located.scenario.steps[0].id


def _certainty(
    counted: Mapping[tuple[str, str], list[int]],
    current: CourseBundle,
    versions: Mapping[str, CourseBundle],
    limits: Thresholds,
) -> list[GuidelineCertainty]:
    titles: dict[str, str] = {}
    for bundle in [*versions.values(), current]:
        titles.update({g.id: g.title for g in bundle.policy.guidelines})
    rows = [
        GuidelineCertainty(
            guideline=guideline,
            title=titles.get(guideline, ""),
            cohort=cohort,
            asked=asked,
            confidently_wrong=wrong,
            enough=asked >= limits.min_answers,
        )
        for (cohort, guideline), (asked, wrong) in counted.items()
    ]
    return sorted(
        rows, key=lambda g: (g.cohort, -g.confidently_wrong, -(g.share or 0), g.guideline)
    )
