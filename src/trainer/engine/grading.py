"""Grading one answer to one step, by question type."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from trainer.content.models import (
    END,
    FlagStep,
    Guideline,
    Module,
    MultiStep,
    Option,
    Scenario,
    SingleStep,
    Verdict,
    step_options,
)
from trainer.engine.outcome import Certainty, ChoiceFeedback, CitedGuideline, Outcome


class AnswerError(ValueError):
    """An answer that does not fit its question; the message says what would."""


def parse_answer(step: SingleStep | MultiStep | FlagStep, text: str) -> tuple[str, ...]:
    """Read ``b`` or ``a,c`` (ids, case-insensitive, spaces allowed) as the ids selected."""
    ids = {o.id.casefold(): o.id for o in step_options(step)}
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    unknown = [p for p in parts if p.casefold() not in ids]
    if unknown:
        raise AnswerError(
            f"'{unknown[0]}' is not one of the answers here: {', '.join(ids.values())}"
        )
    selected = tuple(dict.fromkeys(ids[p.casefold()] for p in parts))
    _check_count(step, selected)
    return selected


def _check_count(step: SingleStep | MultiStep | FlagStep, selected: Sequence[str]) -> None:
    if isinstance(step, SingleStep) and len(selected) != 1:
        raise AnswerError("choose exactly one answer")


@dataclass(frozen=True, slots=True)
class _StepTable:
    """What grading needs of one step, worked out once: grading is on the hot path of
    every face and of every replay an auditor runs."""

    step: SingleStep | MultiStep | FlagStep
    options: tuple[Option, ...]
    position: dict[str, int]
    feedback: tuple[ChoiceFeedback, ...]
    maximum: int
    following: str


# Keyed by the scenario object's id; the entry holds the scenario, so the id cannot be reused
# while it is cached.
_TABLES: dict[tuple[int, str], tuple[Scenario, _StepTable]] = {}
_CITED: dict[int, tuple[Guideline, CitedGuideline]] = {}
_CACHE_LIMIT = 20_000


def _table(scenario: Scenario, step_id: str) -> _StepTable:
    key = (id(scenario), step_id)
    hit = _TABLES.get(key)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    index = next((i for i, s in enumerate(scenario.steps) if s.id == step_id), None)
    if index is None:
        raise AnswerError(f"scenario '{scenario.id}' has no step '{step_id}'")
    step = scenario.steps[index]
    options = tuple(step_options(step))
    if isinstance(step, SingleStep):
        maximum = max(c.points for c in step.choices)
    else:
        maximum = sum(o.points for o in options if o.points > 0)
    table = _StepTable(
        step=step,
        options=options,
        position={o.id: i for i, o in enumerate(options)},
        feedback=tuple(_feedback(o) for o in options),
        maximum=maximum,
        following=scenario.steps[index + 1].id if index + 1 < len(scenario.steps) else END,
    )
    if len(_TABLES) >= _CACHE_LIMIT:
        _TABLES.clear()
    _TABLES[key] = (scenario, table)
    return table


def _cited(guideline: Guideline) -> CitedGuideline:
    hit = _CITED.get(id(guideline))
    if hit is not None and hit[0] is guideline:
        return hit[1]
    cited = CitedGuideline(guideline.id, guideline.title, guideline.text)
    if len(_CITED) >= _CACHE_LIMIT:
        _CITED.clear()
    _CITED[id(guideline)] = (guideline, cited)
    return cited


def grade(
    module: Module,
    scenario: Scenario,
    step_id: str,
    selected: Collection[str],
    guidelines: dict[str, Guideline],
    certainty: Certainty | None = None,
) -> Outcome:
    """Grade the ids ``selected`` at step ``step_id`` of ``scenario``."""
    table = _table(scenario, step_id)
    position = table.position
    for choice_id in selected:
        if choice_id not in position:
            raise AnswerError(
                f"'{choice_id}' is not one of the answers here: {', '.join(position)}"
            )
    taken = sorted({position[i] for i in selected})
    step = table.step
    if isinstance(step, SingleStep):
        if len(taken) != 1:
            raise AnswerError("choose exactly one answer")
        choice = step.choices[taken[0]]
        points, verdict = choice.points, choice.verdict
        target = choice.next or table.following
        missed: list[int] = []
    else:
        chosen = [table.options[i] for i in taken]
        points, verdict = _grade_selection(table.options, chosen, table.maximum, module.scoring)
        target = step.next or table.following
        missed = [
            i for i, o in enumerate(table.options) if o.verdict == "correct" and i not in taken
        ]
    options = table.options
    cites = dict.fromkeys(g for i in (*taken, *missed) for g in options[i].cites)
    return Outcome(
        scenario_id=scenario.id,
        step_id=step.id,
        selected=tuple(options[i].id for i in taken),
        points=points,
        maximum=table.maximum,
        verdict=verdict,
        chosen=tuple(table.feedback[i] for i in taken),
        missed=tuple(table.feedback[i] for i in missed),
        cited=tuple(_cited(guidelines[g]) for g in cites if g in guidelines),
        next_step=None if target == END else target,
        certainty=certainty,
    )


def penalty(option: Option) -> int:
    """What selecting an incorrect option of a multi or flag step costs: its negative points,
    or 1. Without a cost, selecting everything would earn full marks."""
    return -option.points if option.points < 0 else 1


def _grade_selection(
    options: Sequence[Option], chosen: Sequence[Option], maximum: int, scoring: str
) -> tuple[int, Verdict]:
    chosen_ids = {o.id for o in chosen}
    # Exactly right: every option worth points taken, and nothing incorrect.
    exact = all(o.id in chosen_ids for o in options if o.points > 0) and not any(
        o.verdict == "incorrect" for o in chosen
    )
    if scoring == "all-or-nothing":
        points = maximum if exact else 0
    else:
        earned = sum(o.points for o in chosen if o.verdict != "incorrect")
        lost = sum(penalty(o) for o in chosen if o.verdict == "incorrect")
        points = max(0, earned - lost)
    verdict: Verdict = "correct" if exact else ("incorrect" if points == 0 else "partly")
    return points, verdict


def _feedback(option: Option) -> ChoiceFeedback:
    return ChoiceFeedback(
        option.id, option.text, option.verdict, option.points, option.feedback or ""
    )
