"""How long does a learner wait between answering and the answer being on disk?

Times ``EventLog.append`` of ``answer_recorded`` events (to attempts started before) on a
SQLite file in a temporary folder that already holds 20,000 events, from the call to the
return (the commit is durable then: WAL, ``synchronous=FULL``). Baseline, in the same run:
a bare ``sqlite3`` INSERT and COMMIT of a row of the same shape into a table of the same
shape and size, with the same pragmas. Appends and bare inserts alternate, so machine
noise hits both alike.

    uv run python benchmarks/records.py [--appends N] [--prefill N] [--check]

With ``--check`` the script exits 1 when the target is missed: append p99 under 10 ms.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import insert, update

from trainer.records import EventLog, NewEvent, projection
from trainer.records import schema as records_schema
from trainer.records.events import GENESIS_HASH, event_hash, format_time, payload_text

P99_TARGET_MS = 10.0
WARMUP = 50


def answer(n: int) -> NewEvent:
    """An answer as the service records it (so its projection row is written too)."""
    right = n % 3 == 0
    return NewEvent(
        "answer_recorded",
        {
            "scenario": f"geotag-{n % 40}",
            "step": "s1",
            "selected": ["abcd"[n % 4]],
            "certainty": "sure" if n % 2 else None,
            "points": 2 if right else 0,
            "maximum": 2,
            "verdict": "correct" if right else "incorrect",
            "next_step": None,
            "cited": ["CONF-1", "SAFE-2"],
        },
        learner=f"B-{1000 + n % 250}",
        attempt=f"attempt-{n // 20}",
    )


def started(n: int) -> NewEvent:
    """The start of ``attempt-{n}``, as the service records it: the answers to it count in
    its row of the attempts projection (answers, time on task)."""
    return NewEvent(
        "attempt_started",
        {
            "course_id": "bench",
            "version": "1.0.0",
            "content_hash": "0" * 64,
            "track": "onboarding",
            "module": "geotag",
            "seed": n,
            "items": [f"geotag-{i}" for i in range(4)],
        },
        learner=f"B-{1000 + n % 250}",
        attempt=f"attempt-{n}",
    )


def prefill(log: EventLog, count: int, starts: int) -> None:
    """``count`` valid, chained events in one transaction (fast; the chain check confirms):
    the starts of ``starts`` attempts, then answers to them."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[dict[str, object]] = []
    prev = GENESIS_HASH
    for seq in range(1, count + 1):
        event = started(seq - 1) if seq <= starts else answer(seq)
        when = format_time(start + timedelta(seconds=seq))
        payload = payload_text(event.payload)
        digest = event_hash(prev, seq, when, event.kind, event.learner, event.attempt, payload)
        rows.append(
            {
                "seq": seq,
                "time": when,
                "kind": event.kind,
                "learner": event.learner,
                "attempt": event.attempt,
                "payload": payload,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    with log.engine.begin() as conn:
        conn.execute(insert(records_schema.events), rows)
        conn.execute(
            update(records_schema.chain_head)
            .where(records_schema.chain_head.c.id == records_schema.HEAD_ROW)
            .values(count=count, hash=prev)
        )
        projection.rebuild(conn)  # events written in bulk: their projections likewise


BARE_SCHEMA = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, time VARCHAR(32) NOT NULL, kind VARCHAR(40) NOT NULL,
    learner VARCHAR, attempt VARCHAR, payload TEXT NOT NULL,
    prev_hash VARCHAR(64) NOT NULL UNIQUE, hash VARCHAR(64) NOT NULL UNIQUE
);
CREATE INDEX ix_events_kind ON events (kind);
CREATE INDEX ix_events_learner ON events (learner);
CREATE INDEX ix_events_attempt ON events (attempt);
"""
BARE_INSERT = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def bare_database(path: Path, count: int) -> sqlite3.Connection:
    """The baseline: plain sqlite3, same pragmas, same table shape, ``count`` rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout=10000", "journal_mode=WAL", "synchronous=FULL"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(BARE_SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(BARE_INSERT, (_bare_row(seq) for seq in range(1, count + 1)))
    conn.execute("COMMIT")
    return conn


def _bare_row(seq: int) -> tuple[object, ...]:
    event = answer(seq)
    return (
        seq,
        "2026-01-01T00:00:00.000000Z",
        event.kind,
        event.learner,
        event.attempt,
        payload_text(event.payload),
        f"{seq - 1:064x}",
        f"{seq:064x}",
    )


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    run()
    return (time.perf_counter_ns() - start) / 1e6


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2_000, help="timed appends (2,000)")
    parser.add_argument("--prefill", type=int, default=20_000, help="events before (20,000)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        folder = Path(tmp)
        with EventLog.open(str(folder / "records.db")) as log:
            # Every attempt the answers go to is started, prefilled or timed.
            prefill(log, args.prefill, (args.prefill + WARMUP + args.appends) // 20 + 1)
            start = time.perf_counter()
            assert log.check().ok
            check_ms = (time.perf_counter() - start) * 1000
            bare = bare_database(folder / "bare.db", args.prefill)
            print(
                f"prefilled: {args.prefill} events in each database; "
                f"chain check of the log: {check_ms:.0f} ms"
            )

            seq = args.prefill
            appends: list[float] = []
            inserts: list[float] = []

            def one_insert() -> None:
                bare.execute("BEGIN IMMEDIATE")
                bare.execute(BARE_INSERT, _bare_row(seq))
                bare.execute("COMMIT")

            gc.collect()
            for n in range(WARMUP + args.appends):
                seq += 1
                append = partial(log.append, answer(seq))
                if n % 2:  # alternate which goes first
                    bare_ms = timed(one_insert)
                    append_ms = timed(append)
                else:
                    append_ms = timed(append)
                    bare_ms = timed(one_insert)
                if n >= WARMUP:
                    appends.append(append_ms)
                    inserts.append(bare_ms)
            final = log.check()
            assert final.ok, final.reason
            assert final.count == args.prefill + WARMUP + args.appends
            bare.close()

    a_med, a_p99 = statistics.median(appends), percentile(appends, 0.99)
    b_med, b_p99 = statistics.median(inserts), percentile(inserts, 0.99)
    print(f"{args.appends} appends, each its own durable transaction (WAL, synchronous=FULL)")
    print(f"bare sqlite3 INSERT+COMMIT:   median {b_med:6.2f} ms   p99 {b_p99:6.2f} ms")
    print(f"EventLog.append:              median {a_med:6.2f} ms   p99 {a_p99:6.2f} ms")
    print(
        f"ratio (append / bare):        median {a_med / b_med:6.2f}      p99 {a_p99 / b_p99:6.2f}"
    )
    met = a_p99 < P99_TARGET_MS
    print(f"target: append p99 < {P99_TARGET_MS:.0f} ms: " + ("met" if met else "MISSED"))
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
