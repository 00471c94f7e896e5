"""The training officer's reports over a department: 10,000 learners x 20 attempts.

    uv run python benchmarks/reports.py [--learners N] [--db FILE] [--check]

Builds a record in SQLite (valid, chained events written in bulk, as trainer writes them:
registrations, attempts at the shipped course's modules with every answer, completions,
signed certificates), then times each report against a baseline measured in the same run:
reading the same rows the report reads with sqlite3 (and orjson, for event payloads)
alone, doing nothing with them. Prints seconds per report (best of three), that ratio,
and whether the target (under 1 s each) is met. ``--db FILE`` keeps the record in FILE
and reuses it next time.

The full xAPI export is about 1.5 million statements (1.8 GB of JSON lines): no 1 s
report, so its row gives statements per second and no verdict. What a department runs
each week is the incremental export of the last 7 days (``--since``), which has the
target.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, update

from trainer.certificates.keys import SigningKey
from trainer.certificates.numbers import new_number
from trainer.certificates.payload import AttemptSeed, CertificatePayload, ModuleScore, percent_of
from trainer.certificates.token import sign
from trainer.content.course import CourseBundle, load_course, normalized
from trainer.content.models import step_options
from trainer.records import projection, schema
from trainer.records.db import connect
from trainer.records.events import GENESIS_HASH, event_hash, format_time, payload_text
from trainer.records.history import add_months
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.attempts import attempt_csv
from trainer.reports.due import digest, digest_lines, due, due_csv, due_lines
from trainer.reports.icalendar import calendar_text
from trainer.reports.output import write_all
from trainer.reports.roster import roster, roster_csv, roster_json, roster_table
from trainer.reports.standards import standards_csv
from trainer.reports.text import stored_time
from trainer.reports.transcript import transcript_lines
from trainer.reports.transcript_pdf import transcript_pdf
from trainer.reports.xapi import Iris, statement_blocks

ATTEMPTS = 20
"""Per learner: the 4 onboarding modules, then 4 yearly refresher rounds of 4 modules."""
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TARGET = 1.0
KEY = SigningKey.of(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
AGENCIES = ("Riverton PD", "Lakeside County SO", "Harbor City PD")


class Builder:
    """Events as the log stores them, chained, collected for one bulk insert."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.prev = GENESIS_HASH

    def add(
        self,
        kind: str,
        payload: dict[str, object],
        when: datetime,
        learner: str | None,
        attempt: str | None = None,
    ) -> None:
        seq = len(self.rows) + 1
        stamp, text = format_time(when), payload_text(payload)
        digest = event_hash(self.prev, seq, stamp, kind, learner, attempt, text)
        self.rows.append(
            {
                "seq": seq,
                "time": stamp,
                "kind": kind,
                "learner": learner,
                "attempt": attempt,
                "payload": text,
                "prev_hash": self.prev,
                "hash": digest,
            }
        )
        self.prev = digest


def build(path: Path, bundle: CourseBundle, learners: int) -> int:
    rng = random.Random(7)
    out = Builder()
    course = bundle.course
    tracks = dict(course.tracks.items())
    out.add(
        "course_version",
        {
            "course_id": course.id,
            "version": course.version,
            "content_hash": bundle.content_hash,
            "content": normalized(course, bundle.policy, bundle.modules),
        },
        NOW - timedelta(days=2000),
        None,
    )
    start = NOW - timedelta(days=1700)
    for n in range(learners):
        badge = f"{10000 + n}"
        name = f"Officer {n}"
        agency = AGENCIES[n % len(AGENCIES)]
        when = start + timedelta(minutes=n)
        out.add(
            "learner_registered",
            {
                "name": name,
                "badge": badge,
                "agency": agency,
                "unit": f"Unit {n % 40}",
                "officer_id": f"POST-{n}",
                "role": "officer" if n % 100 == 0 else "learner",
            },
            when,
            badge,
        )
        # Rounds: onboarding, then refreshers a year apart; the last one some weeks ago,
        # spread so that the due list and the digest find people in every section.
        last_round = NOW - timedelta(days=rng.randint(200, 460))
        rounds = [("onboarding", when + timedelta(days=3))]
        rounds += [("refresher", last_round - timedelta(days=365 * k)) for k in (3, 2, 1, 0)]
        for track, began in rounds:
            at = began
            modules, scores, seeds = [], [], []
            for module in bundle.track_modules(track):
                attempt = uuid.UUID(int=rng.getrandbits(128)).hex
                seed = rng.getrandbits(63)
                scenarios = list(module.scenarios)
                if module.pool:
                    scenarios = rng.sample(scenarios, module.pool.draw)
                out.add(
                    "attempt_started",
                    {
                        "course_id": course.id,
                        "version": course.version,
                        "content_hash": bundle.content_hash,
                        "track": track,
                        "module": module.id,
                        "seed": seed,
                        "items": [s.id for s in scenarios],
                        "weak_guidelines": [],
                        "avoided": [],
                    },
                    at,
                    badge,
                    attempt,
                )
                earned = maximum = 0
                for scenario in scenarios:
                    at += timedelta(seconds=rng.randint(20, 200))
                    step = scenario.steps[0]
                    options = step_options(step)
                    right = [o for o in options if o.verdict == "correct"]
                    wrong = [o for o in options if o.verdict == "incorrect"]
                    top = (
                        sum(max(0, o.points) for o in right)
                        if step.type != "single"
                        else max(o.points for o in right)
                    )
                    chosen = [rng.choice(wrong)] if wrong and rng.random() < 0.1 else right[:1]
                    points = max(0, sum(o.points for o in chosen))
                    earned, maximum = earned + points, maximum + top
                    out.add(
                        "answer_recorded",
                        {
                            "scenario": scenario.id,
                            "step": step.id,
                            "selected": [o.id for o in chosen],
                            "certainty": None,
                            "points": points,
                            "maximum": top,
                            "verdict": chosen[0].verdict,
                            "next_step": None,
                            "cited": list(chosen[0].cites),
                        },
                        at,
                        badge,
                        attempt,
                    )
                at += timedelta(seconds=30)
                pass_mark = tracks[track].pass_mark
                passed = earned * 100 >= pass_mark * maximum
                out.add(
                    "attempt_completed",
                    {
                        "earned": earned,
                        "maximum": maximum,
                        "percent": round(100 * earned / maximum, 2),
                        "pass_mark": pass_mark,
                        "passed": passed,
                    },
                    at,
                    badge,
                    attempt,
                )
                modules.append(
                    ModuleScore(
                        module.id, module.title, earned, maximum, percent_of(earned, maximum)
                    )
                )
                scores.append((earned, maximum))
                seeds.append(AttemptSeed(module.id, seed))
            at += timedelta(minutes=2)
            months = tracks[track].recertification_months
            out.add(
                "policy_acknowledged",
                {
                    "track": track,
                    "course_id": course.id,
                    "course_title": course.title,
                    "version": course.version,
                    "content_hash": bundle.content_hash,
                    "attestation": course.attestation,
                    "recertification_months": months,
                    "time_on_task_seconds": 1500,
                },
                at,
                badge,
            )
            earned, maximum = sum(e for e, _ in scores), sum(m for _, m in scores)
            payload = CertificatePayload(
                number=new_number(),
                learner_name=name,
                badge=badge,
                state_officer_id=f"POST-{n}",
                agency=agency,
                provider_name=course.provider.name,
                provider_number=course.provider.number,
                course_id=course.id,
                course_title=course.title,
                course_version=course.version,
                content_hash=bundle.content_hash,
                track=track,
                track_title=tracks[track].title,
                modules=tuple(modules),
                earned=earned,
                maximum=maximum,
                percent=percent_of(earned, maximum),
                pass_mark=tracks[track].pass_mark,
                credit_hours=tracks[track].credit_hours,
                started=began,
                completed=at,
                delivery_method=course.delivery_method,
                attempts=tuple(seeds),
                expires=add_months(at, months) if months else None,
                acknowledged=at,
                time_on_task=1500,
                officer_name="Sgt. Dana Reyes",
                officer_title="Training Officer",
                control_number=course.course_control_number,
                kid=KEY.kid,
                issued=at,
            )
            out.add(
                "certificate_issued",
                {
                    "number": payload.number,
                    "track": track,
                    "completed": at.isoformat(),
                    "content_hash": bundle.content_hash,
                    "kid": KEY.kid,
                    "token": sign(payload, KEY),
                },
                at + timedelta(seconds=1),
                badge,
            )
    engine = connect(f"sqlite:///{path}")
    with engine.begin() as conn:
        for i in range(0, len(out.rows), 50_000):
            conn.execute(insert(schema.events), out.rows[i : i + 50_000])
        conn.execute(
            update(schema.chain_head)
            .where(schema.chain_head.c.id == schema.HEAD_ROW)
            .values(count=len(out.rows), hash=out.prev)
        )
        projection.rebuild(conn)  # events written in bulk: their projections likewise
    engine.dispose()
    return len(out.rows)


def raw(
    path: Path, kinds: Iterable[str] = (), *, bare: Iterable[str] = (), learner: str | None = None
) -> Callable[[], int]:
    """The baseline: the rows a report reads, read with sqlite3, each payload parsed with
    orjson, and nothing done with them. ``bare`` kinds are read without their payload (as
    the attempts CSV reads answers); ``learner`` reads one learner's events."""
    passes: list[tuple[str, tuple[str, ...], bool]] = []
    if learner is not None:
        passes.append(("learner = ?", (learner,), True))
    for found, parse in ((tuple(kinds), True), (tuple(bare), False)):
        if found:
            passes.append((f"kind IN ({','.join('?' * len(found))})", found, parse))

    def read() -> int:
        count = 0
        with sqlite3.connect(path) as conn:
            for where, values, parse in passes:
                columns = "seq, time, learner, attempt, " + ("payload" if parse else "''")
                query = f"SELECT {columns} FROM events WHERE {where} ORDER BY seq"
                for row in conn.execute(query, values):
                    if parse:
                        orjson.loads(row[4])
                    count += 1
        return count

    return read


def raw_sql(path: Path, *queries: str) -> Callable[[], int]:
    """The baseline of a report that reads projection tables: its queries' rows read with
    sqlite3, nothing done with them."""

    def read() -> int:
        count = 0
        with sqlite3.connect(path) as conn:
            for query in queries:
                cursor = conn.execute(query)
                while batch := cursor.fetchmany(20_000):
                    count += len(batch)
        return count

    return read


def xapi_sql(since: str | None) -> list[str]:
    """What the xAPI export reads: attempts started, answers, attempts completed, tracks
    completed, each with its event's hash (and ``since``, the attempts open then)."""
    when = "" if since is None else f" AND {{time}} >= '{since}'"
    queries = [
        "SELECT t.seq, 0, t.started, e.hash, t.id, t.learner, t.version, t.content_hash, "
        "t.track, t.module FROM attempts t JOIN events e ON e.seq = t.seq WHERE 1"
        + when.format(time="t.started")
        + " ORDER BY t.seq",
        "SELECT a.seq, 1, a.time, e.hash, a.attempt, a.scenario, a.step, a.selected, "
        "a.points, a.maximum, a.verdict FROM answers a JOIN events e ON e.seq = a.seq WHERE 1"
        + when.format(time="a.time")
        + " ORDER BY a.seq",
        "SELECT t.completed_seq, 2, t.completed, e.hash, t.id, t.earned, t.maximum, t.passed, "
        "t.seconds FROM attempts t JOIN events e ON e.seq = t.completed_seq "
        "WHERE t.completed_seq IS NOT NULL"
        + when.format(time="t.completed")
        + " ORDER BY t.completed_seq",
        "SELECT c.seq, 3, c.time, e.hash, c.learner, c.track, c.version, c.content_hash, "
        "e.payload FROM completions c JOIN events e ON e.seq = c.seq WHERE 1"
        + when.format(time="c.time")
        + " ORDER BY c.seq",
        "SELECT badge, name, agency, unit FROM learners",
    ]
    if since is not None:
        queries.append(
            "SELECT seq, 4, started, '', id, learner, version, content_hash, track, module "
            f"FROM attempts WHERE started < '{since}' AND (completed IS NULL OR completed >= "
            f"'{since}') ORDER BY seq"
        )
    return queries


def attempts_sql(since: str | None) -> list[str]:
    """What the attempts CSV reads: every attempt's row, and the learners."""
    when = "" if since is None else f" WHERE started >= '{since}'"
    return [
        "SELECT id, learner, track, module, version, content_hash, seed, items, started, "
        f"completed, answers, earned, maximum, passed, seconds FROM attempts{when} ORDER BY seq",
        "SELECT badge, name, agency, unit FROM learners",
    ]


def best(run: Callable[[], object], rounds: int) -> float:
    fastest = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - began)
    return fastest


def drain(chunks: Iterable[bytes]) -> None:
    """Write an export as the command does (in 64 KB blocks), to the null device: what is
    timed is making it, not the disk."""
    with open(os.devnull, "wb") as sink:  # noqa: PTH123
        write_all(sink, chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None, help="keep (and reuse) the record here")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--only", default="", help="only the reports whose name has this")
    args = parser.parse_args()
    bundle = load_course(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "reports.db"
        if not path.exists():
            began = time.perf_counter()
            count = build(path, bundle, args.learners)
            print(f"built {count:,} events in {time.perf_counter() - began:.0f} s")
        log = EventLog(connect(f"sqlite:///{path}"))
        records = Records(log, bundle, clock=lambda: NOW)
        events, _ = log.head()
        print(f"record: {args.learners:,} learners x {ATTEMPTS} attempts, {events:,} events")
        iris = Iris.of(bundle.course, None, None)
        with sqlite3.connect(path) as conn:
            (last,) = conn.execute("SELECT max(time) FROM events").fetchone()
        # The last 7 days of the population (its latest round ended months before NOW).
        week = datetime.fromisoformat(last) - timedelta(days=7)
        people = ("learner_registered", "learner_role_changed")
        acks = (*people, "policy_acknowledged")
        roster_rows = raw(path, (*acks, "attempt_started"))
        due_rows = raw(path, acks)
        one = raw(path, learner="10042")
        reports: list[tuple[str, Callable[[], object], Callable[[], int]]] = [
            ("roster (table)", lambda: roster_table(roster(records, NOW)), roster_rows),
            ("roster (csv)", lambda: roster_csv(roster(records, NOW)), roster_rows),
            ("roster (json)", lambda: roster_json(roster(records, NOW)), roster_rows),
            ("due --within 30d (text)", lambda: due_lines(records, 30, False), due_rows),
            ("due --within 30d (csv)", lambda: due_csv(due(records, 30, NOW), NOW), due_rows),
            (
                "due --within 30d (ics)",
                lambda: calendar_text(due(records, 30, NOW), bundle.course, NOW),
                due_rows,
            ),
            ("due --digest", lambda: digest_lines(records, digest(records, NOW)), due_rows),
            (
                "export roster-csv",
                lambda: standards_csv(records),
                raw(path, (*people, "certificate_issued")),
            ),
            (
                "export xapi",
                lambda: drain(statement_blocks(records, iris)),
                raw_sql(path, *xapi_sql(None)),
            ),
            (
                "export xapi --since 7d",
                lambda: drain(statement_blocks(records, iris, week)),
                raw_sql(path, *xapi_sql(stored_time(week))),
            ),
            (
                "export csv (attempts)",
                lambda: drain(attempt_csv(records)),
                raw_sql(path, *attempts_sql(None)),
            ),
            (
                "export csv --since 7d",
                lambda: drain(attempt_csv(records, week)),
                raw_sql(path, *attempts_sql(stored_time(week))),
            ),
            ("transcript (text)", lambda: transcript_lines(records, "10042"), one),
            ("transcript (pdf)", lambda: transcript_pdf(records, "10042", NOW), one),
        ]
        print(f"(due within 30 days or overdue: {len(due(records, 30, NOW)):,} learners)")
        print(f"(--since 7d: events recorded at or after {week:%Y-%m-%d %H:%M:%S} UTC)")
        print(f"{'report':<26} {'seconds':>8} {'raw read':>9} {'ratio':>6}  target")
        missed = []
        for name, run, baseline in reports:
            if args.only not in name:
                continue
            seconds, floor = best(run, args.rounds), best(baseline, args.rounds)
            met = seconds < TARGET
            if name == "export xapi":  # one statement per row read
                rate = baseline() / seconds
                verdict = f"none: a full export, {rate:,.0f} statements/s"
            elif met:
                verdict = "met"
            else:
                missed.append(name)
                verdict = "MISSED"
            print(f"{name:<26} {seconds:8.3f} {floor:9.3f} {seconds / floor:6.2f}  {verdict}")
        log.close()
    outcome = "met" if not missed else "MISSED by " + ", ".join(missed)
    print(f"target: each under {TARGET:g} s: {outcome}")
    return 0 if not missed or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
