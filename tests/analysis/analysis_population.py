"""The scripted department the item analysis tests read: 200 learners, every answer planned.

Built with the report tests' population builder (``tests/reports/population.py``), which
drives the real Records service and keeps a ledger of every answer and attempt; here with
a course of its own (a branching scenario, a multi step, certainty asked) and a script in
which each learner has a strength from 0 to 9 and each item its own rule:

- ``basics-0``: everyone right (too easy);
- ``basics-1``: only strength 8 and 9 right (too hard);
- ``basics-2``: strength 3 and up right; weaker learners pick b or c;
- ``basics-3``: the weak right, the strong wrong, and the strong pick c (negative
  discrimination, a wrong choice that attracts strong learners);
- ``basics-4``: right or wrong regardless of strength (poor discrimination);
- ``basics-5``: strength 5 and up right;
- ``basics-branch``: strength 6 and up take the best path at once (2 points); the others
  go on to ``fallout``, where strength 3 and up recover (1 point: still a wrong path);
- ``basics-multi``: strength 7 and up exactly right, 4 to 6 half right, below that wrong.

Some learners leave an attempt open (their answers must not count), weak ones retake, and
20 take a refresher round (too few answers per pooled item for any figure).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml
from population import Person, Round, Take

from course_factory import make_course
from trainer.content.models import AnyStep, Scenario
from trainer.engine.outcome import Certainty

AGENCIES = ("Riverton PD", "Lakeside County SO")
UNITS = ("Patrol", "Traffic", None)


def strength(person: Person) -> int:
    return person.index % 10


def _choice(id_: str, verdict: str, cites: list[str], **more: object) -> dict[str, object]:
    return {
        "id": id_,
        "text": f"Choice {id_}, {verdict}",
        "verdict": verdict,
        "cites": cites,
        "feedback": "Because.",
        **more,
    }


def analysis_course(root: Path) -> Path:
    """course_factory's course, certainty asked in onboarding, and two more scenarios in
    its module: one branching, one 'select all that apply'."""
    make_course(root, onboarding_items=6, pool_size=12, draw=4, ask_certainty=True)
    path = root / "scenarios" / "onboarding" / "basics.yaml"
    module = yaml.safe_load(path.read_text(encoding="utf-8"))
    module["scenarios"] += [
        {
            "id": "basics-branch",
            "title": "The branching one",
            "guidelines": ["CONF-1"],
            "situation": "A choice with consequences.",
            "steps": [
                {
                    "id": "decide",
                    "type": "single",
                    "prompt": "What do you do first?",
                    "choices": [
                        _choice("a", "correct", ["CONF-1"], points=2, next="end"),
                        _choice("b", "incorrect", ["CONF-1"], next="fallout"),
                        _choice("c", "incorrect", ["CONF-1"], next="fallout"),
                    ],
                },
                {
                    "id": "fallout",
                    "type": "single",
                    "situation": "It went wrong.",
                    "prompt": "What now?",
                    "choices": [
                        _choice("a", "correct", ["CONF-1"]),
                        _choice("b", "incorrect", ["CONF-1"]),
                    ],
                },
            ],
        },
        {
            "id": "basics-multi",
            "title": "Select all that apply",
            "guidelines": ["PROF-1"],
            "situation": "Several things to do.",
            "steps": [
                {
                    "id": "pick",
                    "type": "multi",
                    "prompt": "Which of these? Select all that apply.",
                    "choices": [
                        _choice("a", "correct", ["PROF-1"]),
                        _choice("b", "correct", ["PROF-1"]),
                        _choice("c", "incorrect", ["PROF-1"]),
                        _choice("d", "incorrect", ["PROF-1"]),
                    ],
                }
            ],
        },
    ]
    path.write_text(yaml.safe_dump(module, sort_keys=False), encoding="utf-8")
    return root


def choose(
    person: Person, take: Take, number: int, items: int, scenario: Scenario, step: AnyStep
) -> tuple[list[str], Certainty | None]:
    """The script (see the module's docstring)."""
    s = strength(person)
    certainty: Certainty = "sure" if s >= 5 or person.index % 4 == 0 else "guessing"
    item = scenario.id
    if item.startswith("review-"):
        return (["a"] if s >= 4 else ["b"]), certainty
    right = {
        "basics-0": True,
        "basics-1": s >= 8,
        "basics-2": s >= 3,
        "basics-3": s <= 4,
        "basics-4": person.index % 3 != 0,
        "basics-5": s >= 5,
    }
    if item in right:
        if right[item]:
            return ["a"], certainty
        if item == "basics-3":
            return ["c"], certainty
        return (["b"] if person.index % 2 else ["c"]), certainty
    if item == "basics-branch" and step.id == "decide":
        return (["a"] if s >= 6 else ["b"] if s % 2 == 0 else ["c"]), certainty
    if item == "basics-branch":
        return (["a"] if s >= 3 else ["b"]), certainty
    assert item == "basics-multi"
    return (["a", "b"] if s >= 7 else ["a"] if s >= 4 else ["a", "c"]), certainty


def plan(start: datetime, count: int = 200) -> list[Person]:
    """``count`` learners registered an hour apart from ``start``: each takes onboarding
    (failed attempts retaken once); every 25th leaves a third attempt open; every 10th
    also takes a refresher round."""
    people: list[Person] = []
    for i in range(count):
        registered = start + timedelta(hours=i)
        takes = [Take("basics")]
        if i % 10 < 3:  # the weakest fail their first attempt (pass mark 80%): a retake
            takes.append(Take("basics"))
        if i % 25 == 0:
            takes.append(Take("basics", stop_after=3))
        rounds = [Round("onboarding", registered + timedelta(days=1), tuple(takes), False, False)]
        if i % 10 == 9:
            rounds.append(
                Round("refresher", registered + timedelta(days=40), (Take("review"),), False, False)
            )
        people.append(
            Person(
                index=i,
                badge=f"{5000 + i}",
                name=f"Learner {i}",
                agency=AGENCIES[i % 2],
                unit=UNITS[(i // 2) % 3],
                officer_id=None,
                role="learner",
                story="analysis",
                registered=registered,
                rounds=tuple(rounds),
            )
        )
    return people
