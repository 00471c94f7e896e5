"""Which scenarios an attempt asks, in which order: replayable from the recorded seed."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

from trainer.content.models import Module, Scenario


def select_items(
    module: Module,
    seed: int,
    *,
    avoid: Collection[str] = (),
    weakness: Mapping[str, float] | None = None,
) -> tuple[str, ...]:
    """The scenario ids of a new attempt at ``module``.

    Without a pool: every scenario, in the module's order. With a pool: ``draw`` scenarios,
    at least one per guideline in ``cover``, shuffled. Scenarios in ``avoid`` (those the
    learner met last time) are taken only when the pool has no others; scenarios testing
    the guidelines with the highest ``weakness`` (0 to 1, from a failed attempt) come first.
    The same module, seed, avoid and weakness always give the same items.
    """
    if module.pool is None:
        return tuple(s.id for s in module.scenarios)
    rng = random.Random(seed)  # noqa: S311 - replayable draws, not secrets
    avoided = set(avoid)
    weak = weakness or {}
    # One random tie-breaker per scenario, drawn in module order, keeps the draw replayable.
    ties = {s.id: rng.random() for s in module.scenarios}

    def preference(scenario: Scenario) -> tuple[bool, float, float]:
        need = max((weak.get(g, 0.0) for g in scenario.guidelines), default=0.0)
        return (scenario.id in avoided, -need, ties[scenario.id])

    chosen: list[Scenario] = []
    for guideline in module.pool.cover:
        if any(guideline in s.guidelines for s in chosen):
            continue
        candidates = [s for s in module.scenarios if guideline in s.guidelines and s not in chosen]
        if candidates and len(chosen) < module.pool.draw:
            chosen.append(min(candidates, key=preference))
    rest = sorted((s for s in module.scenarios if s not in chosen), key=preference)
    chosen += rest[: max(0, module.pool.draw - len(chosen))]
    ids = [s.id for s in chosen]
    rng.shuffle(ids)
    return tuple(ids)
