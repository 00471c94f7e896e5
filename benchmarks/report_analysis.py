"""Item analysis and policy-change impact over a department-sized record.

    uv run python benchmarks/report_analysis.py [--learners N] [--db FILE] [--check]

Builds a record of 10,000 learners x 20 attempts at the shipped course in a SQLite file
(valid, chained events, written in one transaction): each learner takes the 4 onboarding
modules, then 4 yearly refresher rounds of 4 modules, answering every step the engine
asks, right or wrong by a simple ability model. The first half of the timeline is taught
on an older course version whose CONF-1 text differs, so impact has learners to name.
Then it times, best of 3:

- ``trainer report items`` (the whole computation, without printing) against reading the
  same rows raw: the answer, start and completion payloads with sqlite3 and json alone;
- ``trainer report items --by agency`` and ``--by unit`` (500 and 10,000 items x cohorts,
  from the cohort tables), against the same raw read (measured once);
- ``trainer report impact --since`` the older version, against reading its rows raw: the
  start, completion, acknowledgement and registration payloads.

Target: each under 1 s. ``--db FILE`` keeps the built record in FILE and reuses it on the
next run (it is rebuilt when FILE does not exist).

The population builder follows ``benchmarks/due_report.py`` (rows chained in memory, one
insert), with real items and graded answers: the due report's fake attempts have none.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trainer.content.course import (
    CourseBundle,
    bundle_from_normalized,
    canonical_json,
    load_course,
    normalized,
)
from trainer.content.models import FlagStep, Module, SingleStep, step_options
from trainer.content.paths import best_points
from trainer.engine import Score, grade, passed, select_items
from trainer.records import projection
from trainer.records.db import connect
from trainer.records.events import GENESIS_HASH, event_hash, format_time
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.gather import impact_report, item_report

ATTEMPTS = 20
TARGET_S = 1.0
NOW = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)
CHANGED = "CONF-1"


def older_version(bundle: CourseBundle) -> CourseBundle:
    """The shipped course as it was before CHANGED was reworded."""
    data = normalized(bundle.course, bundle.policy, bundle.modules)
    course, policy = data["course"], data["policy"]
    assert isinstance(course, dict)
    assert isinstance(policy, dict)
    course["version"] = "0.9.0"
    for guideline in policy["guidelines"]:
        if guideline["id"] == CHANGED:
            guideline["text"] = guideline["text"].replace(".", ". Older wording.", 1)
    return bundle_from_normalized(data, bundle.root)


class Chain:
    """Events chained in memory, to be inserted in one go."""

    def __init__(self) -> None:
        self.rows: list[tuple[object, ...]] = []
        self.prev = GENESIS_HASH

    def add(
        self,
        kind: str,
        payload: dict[str, object],
        when: datetime,
        learner: str | None = None,
        attempt: str | None = None,
    ) -> None:
        seq = len(self.rows) + 1
        # canonical_json is what payload_text stores, without its checks: these payloads are
        # plain JSON data by construction, and the checks would double the build time.
        stamp, text = format_time(when), canonical_json(payload).decode()
        digest = event_hash(self.prev, seq, stamp, kind, learner, attempt, text)
        self.rows.append((seq, stamp, kind, learner, attempt, text, self.prev, digest))
        self.prev = digest


def answer_module(
    rng: random.Random, module: Module, items: tuple[str, ...], ability: float, course: CourseBundle
) -> list[dict[str, object]]:
    """Answer every step the attempt asks, following branches: right with a probability
    that grows with ability, else a wrong choice."""
    guidelines = {g.id: g for g in course.policy.guidelines}
    by_id = {s.id: s for s in module.scenarios}
    answers: list[dict[str, object]] = []
    for scenario_id in items:
        scenario = by_id[scenario_id]
        steps = {s.id: s for s in scenario.steps}
        step_id: str | None = scenario.steps[0].id
        while step_id is not None:
            step = steps[step_id]
            options = step_options(step)
            difficulty = zlib.crc32(f"{scenario_id}/{step_id}".encode()) % 200 / 100 - 1.2
            right = rng.random() < 1 / (1 + math.exp(-1.7 * (ability - difficulty)))
            correct = [o.id for o in options if o.verdict == "correct"]
            wrong = [o.id for o in options if o.verdict != "correct"] or correct
            if isinstance(step, SingleStep):
                selected = correct[:1] if right else [rng.choice(wrong)]
            elif right:
                selected = correct
            elif isinstance(step, FlagStep) or rng.random() < 0.5:
                selected = correct[1:] or [rng.choice(wrong)]
            else:
                selected = [*correct, rng.choice(wrong)]
            outcome = grade(module, scenario, step_id, selected, guidelines)
            answers.append(
                {
                    "scenario": scenario_id,
                    "step": step_id,
                    "selected": list(outcome.selected),
                    "certainty": None,
                    "points": outcome.points,
                    "maximum": outcome.maximum,
                    "verdict": outcome.verdict,
                    "next_step": outcome.next_step,
                    "cited": [c.id for c in outcome.cited],
                }
            )
            step_id = outcome.next_step
    return answers


def build(path: Path, current: CourseBundle, learners: int) -> int:
    old = older_version(current)
    chain = Chain()
    start = NOW - timedelta(days=5 * 365)
    middle = start + timedelta(days=int(2.5 * 365))
    for version in (old, current):
        when = start if version is old else middle
        chain.add(
            "course_version",
            {
                "course_id": version.course.id,
                "version": version.course.version,
                "content_hash": version.content_hash,
                "content": normalized(version.course, version.policy, version.modules),
            },
            when - timedelta(minutes=1),
        )
    best = {
        (v.content_hash, s.id): best_points(s)
        for v in (old, current)
        for m in v.modules
        for s in m.scenarios
    }
    rng = random.Random(7)
    track_plan = [("onboarding", m.id) for m in current.track_modules("onboarding")]
    for _year in range(4):
        track_plan += [("refresher", m.id) for m in current.track_modules("refresher")]
    assert len(track_plan) == ATTEMPTS
    for n in range(learners):
        badge = f"{10000 + n}"
        ability = rng.gauss(0.3, 1.0)
        when = start + timedelta(minutes=n * 10)
        chain.add(
            "learner_registered",
            {
                "name": f"Officer {n}",
                "badge": badge,
                "agency": "RPD" if n % 5 else "County SO",
                "unit": f"Unit {n % 40}",
                "officer_id": None,
            },
            when,
            badge,
        )
        for a, (track, module_id) in enumerate(track_plan):
            if a == 4 or (a > 4 and (a - 4) % 4 == 0):
                when += timedelta(days=300)
            when += timedelta(days=rng.randint(1, 4))
            version = old if when < middle else current
            module = version.module(module_id)
            seed = rng.getrandbits(48)
            items = select_items(module, seed)
            attempt = f"{badge}-{a}"
            chain.add(
                "attempt_started",
                {
                    "course_id": version.course.id,
                    "version": version.course.version,
                    "content_hash": version.content_hash,
                    "track": track,
                    "module": module_id,
                    "seed": seed,
                    "items": list(items),
                    "weak_guidelines": [],
                    "avoided": [],
                },
                when,
                badge,
                attempt,
            )
            answers = answer_module(rng, module, items, ability, version)
            for i, answer in enumerate(answers):
                chain.add(
                    "answer_recorded",
                    answer,
                    when + timedelta(seconds=40 * (i + 1)),
                    badge,
                    attempt,
                )
            earned = sum(int(x["points"]) for x in answers)  # type: ignore[call-overload]
            maximum = sum(best[version.content_hash, i] for i in items)
            pass_mark = dict(version.course.tracks.items())[track].pass_mark  # type: ignore[index]
            chain.add(
                "attempt_completed",
                {
                    "earned": earned,
                    "maximum": maximum,
                    "percent": round(100 * earned / maximum, 2),
                    "pass_mark": pass_mark,
                    "passed": passed(Score(earned, maximum), pass_mark),
                },
                when + timedelta(seconds=40 * (len(answers) + 1)),
                badge,
                attempt,
            )
            if a == 3 or (a > 4 and (a - 3) % 4 == 0):
                chain.add(
                    "policy_acknowledged",
                    {
                        "track": track,
                        "course_id": version.course.id,
                        "course_title": version.course.title,
                        "version": version.course.version,
                        "content_hash": version.content_hash,
                        "attestation": "a",
                        "recertification_months": 12 if track == "refresher" else None,
                        "time_on_task_seconds": 3600,
                    },
                    when + timedelta(hours=1),
                    badge,
                )
    EventLog(connect(f"sqlite:///{path}")).close()  # the schema
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", chain.rows)
        conn.execute("UPDATE chain_head SET count = ?, hash = ?", (len(chain.rows), chain.prev))
    began = time.perf_counter()
    engine = connect(f"sqlite:///{path}")
    with engine.begin() as conn:  # events written in bulk: their projections likewise
        projection.rebuild(conn)
    engine.dispose()
    print(f"projections rebuilt from the log in {time.perf_counter() - began:.1f} s")
    return len(chain.rows)


def raw_reader(path: Path, kinds: tuple[str, ...]) -> Callable[[], int]:
    marks = ", ".join("?" for _ in kinds)

    def read() -> int:
        with sqlite3.connect(path) as conn:
            found = conn.execute(
                f"SELECT attempt, payload FROM events WHERE kind IN ({marks}) ORDER BY seq", kinds
            ).fetchall()
        return len([json.loads(p) for _, p in found])

    return read


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="keep the record in this file and reuse it")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    current = load_course(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "analysis.db"
        if not path.exists():
            began = time.perf_counter()
            count = build(path, current, args.learners)
            print(
                f"record: {args.learners:,} learners x {ATTEMPTS} attempts, {count:,} events "
                f"(built in {time.perf_counter() - began:.1f} s)"
            )
        else:
            print(f"record: reusing {path}")
        log = EventLog(connect(f"sqlite:///{path}"))
        records = Records(log, current, clock=lambda: NOW)
        met = True
        answers_raw = raw_reader(path, ("attempt_started", "answer_recorded", "attempt_completed"))
        measured: dict[Callable[[], int], tuple[float, object]] = {}

        def once(read: Callable[[], int]) -> Callable[[], tuple[float, object]]:
            return lambda: measured.get(read) or measured.setdefault(read, best_of(3, read))

        for name, baseline, work in (
            ("items", once(answers_raw), lambda: item_report(records)),
            ("items --by agency", once(answers_raw), lambda: item_report(records, by="agency")),
            ("items --by unit", once(answers_raw), lambda: item_report(records, by="unit")),
            (
                "impact",
                once(
                    raw_reader(
                        path,
                        (
                            "attempt_started",
                            "attempt_completed",
                            "policy_acknowledged",
                            "learner_registered",
                        ),
                    )
                ),
                lambda: impact_report(records, "0.9.0"),
            ),
        ):
            raw, rows = baseline()
            took, _ = best_of(3, work)
            print(f"{name}: baseline (sqlite3 + json, {rows:,} rows): {raw:.3f} s")
            print(f"{name}: report:                              {took:.3f} s")
            print(
                f"{name}: ratio {took / raw:.2f}; target under {TARGET_S:g} s: "
                f"{'met' if took < TARGET_S else 'MISSED'}"
            )
            met = met and took < TARGET_S
        log.close()
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
