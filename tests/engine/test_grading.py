"""Grading by question type, branching, certainty and mastery, against hand-worked figures."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.content.models import Guideline, Module
from trainer.engine import AnswerError, grade, mastery, parse_answer, passed, score_of, weakest
from trainer.engine.scoring import Score

GUIDELINES = {
    g: Guideline(id=g, group="g", title=f"Title {g}", text=f"Text of {g}.")
    for g in ("CONF-1", "PROF-1", "ACCT-1")
}


def option(
    id: str,
    verdict: str,
    points: int | None = None,
    cites: tuple[str, ...] = ("CONF-1",),
    **extra: Any,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": id,
        "text": f"Option {id}",
        "verdict": verdict,
        "cites": list(cites),
        "feedback": f"Because {id}.",
        **extra,
    }
    if points is not None:
        found["points"] = points
    return found


def module(scoring: str = "partial") -> Module:
    return Module.model_validate(
        {
            "id": "m",
            "title": "M",
            "estimated_minutes": 5,
            "scoring": scoring,
            "scenarios": [
                {
                    "id": "branchy",
                    "title": "B",
                    "guidelines": ["CONF-1"],
                    "situation": "S",
                    "steps": [
                        {
                            "id": "s1",
                            "type": "single",
                            "prompt": "P",
                            "choices": [
                                option("a", "incorrect", next="s2"),
                                option("b", "partly", 1, next="end"),
                                option("c", "correct", 3, next="s3"),
                            ],
                        },
                        {
                            "id": "s2",
                            "type": "single",
                            "prompt": "P2",
                            "choices": [option("a", "correct", 1), option("b", "incorrect")],
                        },
                        {
                            "id": "s3",
                            "type": "single",
                            "prompt": "P3",
                            "choices": [option("a", "correct", 2), option("b", "incorrect")],
                        },
                    ],
                },
                {
                    "id": "multi",
                    "title": "M",
                    "guidelines": ["PROF-1"],
                    "situation": "S",
                    "steps": [
                        {
                            "id": "q",
                            "type": "multi",
                            "prompt": "P",
                            "choices": [
                                option("a", "correct", 2, ("PROF-1",)),
                                option("b", "correct", 1, ("PROF-1",)),
                                option("c", "incorrect", -2, ("PROF-1", "ACCT-1")),
                                option("d", "incorrect", None, ("PROF-1",)),
                            ],
                        }
                    ],
                },
                {
                    "id": "flag",
                    "title": "F",
                    "guidelines": ["ACCT-1"],
                    "situation": "S",
                    "post": {"platform": "x", "author": "A", "text": "one two three"},
                    "steps": [
                        {
                            "id": "f",
                            "type": "flag",
                            "prompt": "P",
                            "segments": [
                                {**option("one", "correct", None, ("ACCT-1",)), "text": "one"},
                                {**option("two", "incorrect", None, ("ACCT-1",)), "text": "two"},
                                {**option("three", "correct", None, ("ACCT-1",)), "text": "three"},
                            ],
                        }
                    ],
                },
            ],
        }
    )


def g(mod: Module, scenario: str, step: str, *selected: str, certainty: Any = None) -> Any:
    sc = next(s for s in mod.scenarios if s.id == scenario)
    return grade(mod, sc, step, selected, GUIDELINES, certainty)


def test_single_scores_the_choice_and_follows_its_branch() -> None:
    mod = module()
    wrong = g(mod, "branchy", "s1", "a")
    assert (wrong.points, wrong.maximum, wrong.verdict, wrong.next_step) == (
        0,
        3,
        "incorrect",
        "s2",
    )
    assert [c.feedback for c in wrong.chosen] == ["Because a."]
    assert [(c.id, c.title, c.text) for c in wrong.cited] == [
        ("CONF-1", "Title CONF-1", "Text of CONF-1.")
    ]
    partly = g(mod, "branchy", "s1", "b")
    assert (partly.points, partly.verdict, partly.next_step) == (1, "partly", None)
    best = g(mod, "branchy", "s1", "c")
    assert (best.points, best.verdict, best.next_step) == (3, "correct", "s3")
    last = g(mod, "branchy", "s3", "a")
    assert (last.points, last.next_step) == (2, None)


def test_branching_maximum_is_the_best_path() -> None:
    mod = module()
    scenario = mod.scenarios[0]
    # Best path: c (3) then s3 a (2) = 5; the wrong branch a -> s2 a earns 1 of that 5.
    path = [g(mod, "branchy", "s1", "a"), g(mod, "branchy", "s2", "a")]
    assert score_of([scenario], path) == Score(1, 5)
    assert score_of([scenario], [g(mod, "branchy", "s1", "b")]) == Score(1, 5)


@pytest.mark.parametrize(
    ("selected", "points", "verdict"),
    [
        (("a", "b"), 3, "correct"),
        (("a",), 2, "partly"),
        (("a", "b", "d"), 2, "partly"),  # d has no points: the default penalty is 1
        (("a", "c"), 0, "incorrect"),  # c costs 2: floored at 0
        (("a", "b", "c", "d"), 0, "incorrect"),  # selecting everything earns nothing
        ((), 0, "incorrect"),
    ],
)
def test_multi_credits_correct_and_penalises_incorrect(
    selected: tuple[str, ...], points: int, verdict: str
) -> None:
    outcome = g(module(), "multi", "q", *selected)
    assert (outcome.points, outcome.maximum, outcome.verdict) == (points, 3, verdict)


def test_multi_all_or_nothing() -> None:
    mod = module("all-or-nothing")
    assert g(mod, "multi", "q", "a", "b").points == 3
    assert g(mod, "multi", "q", "a").points == 0
    assert g(mod, "multi", "q", "a").verdict == "incorrect"


def test_flag_uses_the_same_rule_and_reports_what_was_missed() -> None:
    mod = module()
    outcome = g(mod, "flag", "f", "one")
    assert (outcome.points, outcome.maximum, outcome.verdict) == (1, 2, "partly")
    assert [m.id for m in outcome.missed] == ["three"]
    assert g(mod, "flag", "f", "one", "three").verdict == "correct"
    assert g(mod, "flag", "f", "one", "two", "three").points == 1


def test_certainty_marks_confidently_wrong() -> None:
    mod = module()
    assert g(mod, "branchy", "s1", "a", certainty="sure").confidently_wrong
    assert not g(mod, "branchy", "s1", "a", certainty="guessing").confidently_wrong
    assert not g(mod, "branchy", "s1", "c", certainty="sure").confidently_wrong


def test_answers_that_do_not_fit_are_refused() -> None:
    mod = module()
    step = mod.scenarios[0].steps[0]
    assert parse_answer(step, " C ") == ("c",)
    assert parse_answer(mod.scenarios[1].steps[0], "b, a") == ("b", "a")
    with pytest.raises(AnswerError, match="'z' is not one of the answers here: a, b, c"):
        parse_answer(step, "z")
    with pytest.raises(AnswerError, match="choose exactly one answer"):
        parse_answer(step, "a,c")
    with pytest.raises(AnswerError, match="choose exactly one answer"):
        g(mod, "branchy", "s1")


def test_mastery_pass_and_weakness() -> None:
    mod = module()
    outcomes = [
        g(mod, "branchy", "s1", "c"),
        g(mod, "branchy", "s3", "a"),
        g(mod, "multi", "q", "a", "c"),
        g(mod, "flag", "f", "one", "three"),
    ]
    per = mastery([mod], outcomes)
    assert per["CONF-1"] == Score(5, 5)
    assert per["PROF-1"] == Score(0, 3)
    assert per["ACCT-1"] == Score(2, 5)  # multi (0 of 3, c cites ACCT-1) + flag (2 of 2)
    total = score_of(mod.scenarios, outcomes)
    assert total == Score(7, 10)
    assert passed(total, 70)
    assert not passed(total, 71)
    assert weakest(per) == {"CONF-1": 0.0, "PROF-1": 1.0, "ACCT-1": 0.6}


@given(st.sets(st.sampled_from("abcd")))
def test_multi_points_stay_between_zero_and_maximum(selected: set[str]) -> None:
    outcome = g(module(), "multi", "q", *sorted(selected))
    assert 0 <= outcome.points <= outcome.maximum
    assert (outcome.verdict == "correct") == (selected == {"a", "b"})
