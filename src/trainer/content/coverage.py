"""How well the scenarios cover the policy: the guideline x track matrix, and the mix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from trainer.content.course import CourseBundle
from trainer.content.models import SingleStep, TrackId


def coverage(bundle: CourseBundle) -> dict[str, dict[TrackId, int]]:
    """For each guideline, how many scenarios of each track test it (list it)."""
    tracks = [t for t, _ in bundle.course.tracks.items()]
    matrix: dict[str, dict[TrackId, int]] = {
        g.id: dict.fromkeys(tracks, 0) for g in bundle.policy.guidelines
    }
    for track in tracks:
        for module in bundle.track_modules(track):
            for scenario in module.scenarios:
                for guideline in dict.fromkeys(scenario.guidelines):
                    if guideline in matrix:
                        matrix[guideline][track] += 1
    return matrix


@dataclass(frozen=True)
class Mix:
    """What kinds of question a course asks."""

    scenarios: int
    step_types: dict[str, int]
    branching: int


def mix(bundle: CourseBundle) -> Mix:
    """Scenario count, steps by type, and scenarios that branch, over the course's tracks."""
    seen = {m.id: m for t, _ in bundle.course.tracks.items() for m in bundle.track_modules(t)}
    scenarios = [s for m in seen.values() for s in m.scenarios]
    types = Counter(step.type for s in scenarios for step in s.steps)
    branching = sum(
        1
        for s in scenarios
        if any(isinstance(st, SingleStep) and any(c.next for c in st.choices) for st in s.steps)
    )
    return Mix(len(scenarios), dict(sorted(types.items())), branching)
