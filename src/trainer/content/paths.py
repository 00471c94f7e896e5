"""The step graph of a scenario: where each answer leads, and what the best path earns.

A ``single`` step branches per choice; ``multi`` and ``flag`` steps have one way on. Without
``next``, a step leads to the one after it, and the last step ends the scenario.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from trainer.content.models import END, AnyStep, FlagStep, MultiStep, Scenario, SingleStep


@dataclass(frozen=True)
class Edge:
    """One way from a step: ``choice`` is the choice id for a ``single`` step, else None."""

    source: int
    target: str
    choice: int | None


def edges(scenario: Scenario, index: int) -> Iterator[Edge]:
    """The ways on from step ``index``; ``target`` is a step id or ``END``."""
    steps = scenario.steps
    following = steps[index + 1].id if index + 1 < len(steps) else END
    step = steps[index]
    if isinstance(step, SingleStep):
        for i, choice in enumerate(step.choices):
            yield Edge(index, choice.next or following, i)
    else:
        yield Edge(index, step.next or following, None)


def step_index(scenario: Scenario) -> dict[str, int]:
    """Step id to position; the first wins where ids repeat (a checked error)."""
    index: dict[str, int] = {}
    for i, step in enumerate(scenario.steps):
        index.setdefault(step.id, i)
    return index


def reachable(scenario: Scenario) -> set[int]:
    """Positions of the steps a learner can reach from the first one."""
    index = step_index(scenario)
    seen = {0}
    todo = [0]
    while todo:
        for edge in edges(scenario, todo.pop()):
            target = index.get(edge.target)
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def find_cycle(scenario: Scenario) -> tuple[list[int], Edge] | None:
    """A loop of steps, as the positions on it and the edge that closes it, or None."""
    index = step_index(scenario)
    state: dict[int, int] = {}  # 1: on the current path, 2: finished
    path: list[int] = []

    def visit(node: int) -> tuple[list[int], Edge] | None:
        state[node] = 1
        path.append(node)
        for edge in edges(scenario, node):
            target = index.get(edge.target)
            if target is None:
                continue
            if state.get(target) == 1:
                return path[path.index(target) :], edge
            if target not in state and (found := visit(target)) is not None:
                return found
        state[node] = 2
        path.pop()
        return None

    for start in range(len(scenario.steps)):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def step_points(step: AnyStep) -> int:
    """The most a ``multi`` or ``flag`` step can earn: every option worth points, taken."""
    options = step.segments if isinstance(step, FlagStep) else step.choices
    return sum(o.points for o in options if o.points > 0)


def best_points(scenario: Scenario) -> int:
    """The most points any path through the scenario earns. Assumes no loops (checked)."""
    index = step_index(scenario)
    memo: dict[int, int] = {}

    def best(node: int) -> int:
        if node in memo:
            return memo[node]
        memo[node] = 0  # guards against a loop that slipped through
        step = scenario.steps[node]
        options: list[int] = []
        for edge in edges(scenario, node):
            target = index.get(edge.target)
            rest = best(target) if target is not None else 0
            if isinstance(step, SingleStep) and edge.choice is not None:
                options.append(step.choices[edge.choice].points + rest)
            else:
                assert isinstance(step, MultiStep | FlagStep)
                options.append(step_points(step) + rest)
        memo[node] = max(options, default=0)
        return memo[node]

    return best(0)
