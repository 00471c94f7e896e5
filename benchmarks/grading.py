"""Grading speed: 100,000 answers through trainer.engine.grade, against a bare baseline.

    uv run python benchmarks/grading.py [--check]

The baseline, measured in the same run over the same answers, only looks up the chosen
options and adds their points: the floor any grader pays. Target: 100,000 answers graded
in under 1 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from trainer.content.course import load_course
from trainer.content.models import Scenario, step_options
from trainer.engine import grade

ANSWERS = 100_000
REPEATS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()
    bundle = load_course(Path(__file__).resolve().parents[1])
    guidelines = {g.id: g for g in bundle.policy.guidelines}
    rng = random.Random(1)
    work: list[tuple[object, Scenario, str, tuple[str, ...]]] = []
    steps = [(m, s, st) for m in bundle.modules for s in m.scenarios for st in s.steps]
    for _ in range(ANSWERS):
        module, scenario, step = rng.choice(steps)
        ids = [o.id for o in step_options(step)]
        chosen = (
            (rng.choice(ids),)
            if step.type == "single"
            else tuple(i for i in ids if rng.random() < 0.5)
        )
        work.append((module, scenario, step.id, chosen))

    def engine() -> None:
        for module, scenario, step_id, chosen in work:
            grade(module, scenario, step_id, chosen, guidelines)  # type: ignore[arg-type]

    def baseline() -> None:
        for _module, scenario, step_id, chosen in work:
            step = next(s for s in scenario.steps if s.id == step_id)
            points = {o.id: o.points for o in step_options(step)}
            sum(points[c] for c in chosen)

    best = {"engine": float("inf"), "baseline": float("inf")}
    for _ in range(REPEATS):
        for name, run in (("baseline", baseline), ("engine", engine)):
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    print(f"answers graded:          {ANSWERS:,} over {len(steps)} steps of the shipped course")
    print(f"baseline (sum points):   {best['baseline']:.3f} s")
    print(
        f"trainer.engine.grade:    {best['engine']:.3f} s "
        f"({best['engine'] / ANSWERS * 1e6:.1f} µs per answer)"
    )
    print(f"ratio: {best['engine'] / best['baseline']:.2f}")
    met = best["engine"] < 1.0
    print(f"target: under 1 s for {ANSWERS:,} answers: {'met' if met else 'MISSED'}")
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
