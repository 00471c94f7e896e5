"""The due report over a department-sized record: 10,000 learners x 20 attempts.

    uv run python benchmarks/due_report.py [--learners N] [--check]

Builds the record in a temporary SQLite file (valid, chained events, written in one
transaction), then times ``trainer.reports.due.due`` against a baseline measured in the
same run: reading the same rows' payloads with sqlite3 and json alone. Target: under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from trainer.content.course import load_course
from trainer.records import projection
from trainer.records import schema as records_schema
from trainer.records.db import connect
from trainer.records.events import GENESIS_HASH, event_hash, format_time, payload_text
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.due import due

ATTEMPTS = 20
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def build(log: EventLog, records: Records, learners: int) -> int:
    rng = random.Random(5)
    bundle = records.bundle
    rows: list[dict[str, object]] = []
    prev = GENESIS_HASH

    def add(
        kind: str,
        payload: dict[str, object],
        when: datetime,
        learner: str,
        attempt: str | None = None,
    ) -> None:
        nonlocal prev
        seq = len(rows) + 1
        stamp, text = format_time(when), payload_text(payload)
        digest = event_hash(prev, seq, stamp, kind, learner, attempt, text)
        rows.append(
            {
                "seq": seq,
                "time": stamp,
                "kind": kind,
                "learner": learner,
                "attempt": attempt,
                "payload": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest

    start = NOW - timedelta(days=800)
    for n in range(learners):
        badge = f"{10000 + n}"
        when = start + timedelta(minutes=n)
        add(
            "learner_registered",
            {
                "name": f"Officer {n}",
                "badge": badge,
                "agency": "RPD",
                "unit": f"Unit {n % 40}",
                "officer_id": None,
            },
            when,
            badge,
        )
        for a in range(ATTEMPTS):
            track = "onboarding" if a < 4 else "refresher"
            attempt = f"{badge}-{a}"
            when += timedelta(days=rng.randint(5, 40))
            add(
                "attempt_started",
                {
                    "course_id": bundle.course.id,
                    "version": "0.1.0",
                    "content_hash": bundle.content_hash,
                    "track": track,
                    "module": "m",
                    "seed": a,
                    "items": ["x", "y"],
                },
                when,
                badge,
                attempt,
            )
            add(
                "attempt_completed",
                {"earned": 4, "maximum": 5, "percent": 80.0, "pass_mark": 80, "passed": True},
                when + timedelta(minutes=12),
                badge,
                attempt,
            )
            if a in (3, 11, 19):
                add(
                    "policy_acknowledged",
                    {
                        "track": track,
                        "course_id": bundle.course.id,
                        "course_title": "t",
                        "version": "0.1.0",
                        "content_hash": bundle.content_hash,
                        "attestation": "a",
                        "time_on_task_seconds": 1200,
                        "recertification_months": 12 if track == "refresher" else None,
                    },
                    when + timedelta(minutes=13),
                    badge,
                )
    with log.engine.begin() as conn:
        conn.execute(insert(records_schema.events), rows)
        conn.execute(
            update(records_schema.chain_head)
            .where(records_schema.chain_head.c.id == records_schema.HEAD_ROW)
            .values(count=len(rows), hash=prev)
        )
        projection.rebuild(conn)  # events written in bulk: their projections likewise
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()
    bundle = load_course(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "due.db"
        log = EventLog(connect(f"sqlite:///{path}"))
        records = Records(log, bundle, clock=lambda: NOW)
        began = time.perf_counter()
        count = build(log, records, args.learners)
        print(
            f"record: {args.learners:,} learners x {ATTEMPTS} attempts, {count:,} events "
            f"(built in {time.perf_counter() - began:.1f} s)"
        )

        def baseline() -> int:
            with sqlite3.connect(path) as conn:
                found = conn.execute(
                    "SELECT payload FROM events WHERE kind IN "
                    "('learner_registered', 'policy_acknowledged') ORDER BY seq"
                ).fetchall()
            return len([json.loads(p) for (p,) in found])

        def report() -> int:
            return len(due(records, 30, NOW))

        best = {"baseline": float("inf"), "due": float("inf")}
        listed = 0
        for _ in range(5):
            for name, run in (("baseline", baseline), ("due", report)):
                began = time.perf_counter()
                result = run()
                best[name] = min(best[name], time.perf_counter() - began)
                if name == "due":
                    listed = result
        print(f"baseline (sqlite3 + json, same rows): {best['baseline']:.3f} s")
        print(f"due report (--within 30d):            {best['due']:.3f} s, {listed:,} listed")
        print(f"ratio: {best['due'] / best['baseline']:.2f}")
        met = best["due"] < 0.3
        print(f"target: under 0.3 s: {'met' if met else 'MISSED'}")
        log.close()
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
