"""Grading one answer to one step, by question type."""

from __future__ import annotations

from collections.abc import Collection, Sequence

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


def grade(
    module: Module,
    scenario: Scenario,
    step_id: str,
    selected: Collection[str],
    guidelines: dict[str, Guideline],
    certainty: Certainty | None = None,
) -> Outcome:
    """Grade the ids ``selected`` at step ``step_id`` of ``scenario``."""
    index = next((i for i, s in enumerate(scenario.steps) if s.id == step_id), None)
    if index is None:
        raise AnswerError(f"scenario '{scenario.id}' has no step '{step_id}'")
    step = scenario.steps[index]
    options = step_options(step)
    by_id = {o.id: o for o in options}
    unknown = [s for s in selected if s not in by_id]
    if unknown:
        raise AnswerError(f"'{unknown[0]}' is not one of the answers here: {', '.join(by_id)}")
    chosen_ids = tuple(o.id for o in options if o.id in set(selected))
    _check_count(step, chosen_ids)
    chosen = [by_id[i] for i in chosen_ids]
    following = scenario.steps[index + 1].id if index + 1 < len(scenario.steps) else END

    if isinstance(step, SingleStep):
        choice = step.choices[[c.id for c in step.choices].index(chosen_ids[0])]
        points, maximum = choice.points, max(c.points for c in step.choices)
        verdict: Verdict = choice.verdict
        target = choice.next or following
        missed: list[Option] = []
    else:
        points, maximum, verdict = _grade_selection(options, chosen, module.scoring)
        target = step.next or following
        missed = [o for o in options if o.verdict == "correct" and o.id not in chosen_ids]

    cites = dict.fromkeys(g for o in (*chosen, *missed) for g in o.cites)
    return Outcome(
        scenario_id=scenario.id,
        step_id=step.id,
        selected=chosen_ids,
        points=points,
        maximum=maximum,
        verdict=verdict,
        chosen=tuple(_feedback(o) for o in chosen),
        missed=tuple(_feedback(o) for o in missed),
        cited=tuple(
            CitedGuideline(g, guidelines[g].title, guidelines[g].text)
            for g in cites
            if g in guidelines
        ),
        next_step=None if target == END else target,
        certainty=certainty,
    )


def penalty(option: Option) -> int:
    """What selecting an incorrect option of a multi or flag step costs: its negative points,
    or 1. Without a cost, selecting everything would earn full marks."""
    return -option.points if option.points < 0 else 1


def _grade_selection(
    options: Sequence[Option], chosen: Sequence[Option], scoring: str
) -> tuple[int, int, Verdict]:
    maximum = sum(o.points for o in options if o.points > 0)
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
    return points, maximum, verdict


def _feedback(option: Option) -> ChoiceFeedback:
    return ChoiceFeedback(
        option.id, option.text, option.verdict, option.points, option.feedback or ""
    )
