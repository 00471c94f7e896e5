"""Many processes writing at once, and a writer killed mid-write.

Each worker is a separate OS process (worker.py) with its own engine: on SQLite they share
one file and contend for its write lock; on PostgreSQL they contend for the chain head row.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

from records_support import run_worker
from sqlalchemy import make_url

from course_factory import make_course
from trainer.records import EventLog, NewEvent

WORKERS = 8
EACH = 200
# Not a timing assertion: it only stops a hung test from hanging the run.
HANG_GUARD_S = 300


def start_together(*commands: list[str]) -> list[subprocess.Popen[str]]:
    """Start the workers, wait until each has opened the log, then let them all go."""
    workers = [run_worker(*command) for command in commands]
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        if line.strip() != "ready":
            _, err = worker.communicate(timeout=HANG_GUARD_S)
            raise AssertionError(f"worker did not start: {line!r}\n{err}")
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    return workers


def committed_seqs(worker: subprocess.Popen[str]) -> list[int]:
    out, err = worker.communicate(timeout=HANG_GUARD_S)
    assert worker.returncode == 0, err
    return [int(line) for line in out.split()]


def test_eight_processes_append_at_once(db_url: str) -> None:
    learners = [f"B-{100 + n}" for n in range(WORKERS)]
    workers = start_together(*[["append", db_url, learner, str(EACH)] for learner in learners])
    reported = [committed_seqs(w) for w in workers]

    with EventLog.open(db_url) as log:
        events = log.events()
        report = log.check()
    assert report.ok, report.reason
    assert report.count == WORKERS * EACH
    assert [e.seq for e in events] == list(range(1, WORKERS * EACH + 1))
    assert Counter(e.learner for e in events) == dict.fromkeys(learners, EACH)
    # Each worker saw its own events in the order it wrote them, at the seqs it was told.
    for learner, seqs in zip(learners, reported, strict=True):
        mine = [e for e in events if e.learner == learner]
        assert [e.seq for e in mine] == seqs
        assert [e.payload["item"] for e in mine] == [f"item-{n}" for n in range(EACH)]


def test_eight_learners_answer_at_once_through_the_service(db_url: str, tmp_path: Path) -> None:
    """8 processes, each a learner answering 200 items through Records (guards, grading,
    the course version event) into one database at once: every answer is there, once."""
    course = make_course(tmp_path / "course", onboarding_items=EACH)
    badges = [f"{7000 + n}" for n in range(WORKERS)]
    workers = start_together(*[["answer", db_url, str(course), badge] for badge in badges])
    for worker in workers:
        assert committed_seqs(worker) == list(range(1, EACH + 1))

    with EventLog.open(db_url) as log:
        report = log.check()
        answers = log.events(kinds=["answer_recorded"])
        versions = log.events(kinds=["course_version"])
        completed = log.events(kinds=["attempt_completed"])
    assert report.ok, report.reason
    assert Counter(e.learner for e in answers) == dict.fromkeys(badges, EACH)
    for badge in badges:
        items = [e.payload["scenario"] for e in answers if e.learner == badge]
        assert len(set(items)) == EACH
    assert len(versions) == 1  # kept once, however many processes started at once
    assert all(e.payload["passed"] for e in completed)
    assert len(completed) == WORKERS


def test_a_guard_decides_under_the_write_lock(db_url: str) -> None:
    """Four processes race to issue the same 30 certificates, each guarded by "not issued
    for this attempt yet". The guard runs in the append's transaction, under the write lock
    (and again if the append is retried), so each certificate is issued exactly once."""
    attempts = 30
    workers = start_together(*[["certify", db_url, str(attempts)] for _ in range(4)])
    issued = sum(len(committed_seqs(w)) for w in workers)

    with EventLog.open(db_url) as log:
        events = log.events()
        assert log.check().ok
    assert issued == attempts
    assert Counter(e.attempt for e in events) == {f"attempt-{n}": 1 for n in range(attempts)}


def test_a_writer_killed_mid_write_leaves_a_valid_log(db_url: str) -> None:
    """Kill -9 a writer three times while it appends as fast as it can. Every seq it printed
    (only after append returned) must be there, and the chain must still be whole."""
    reported: list[int] = []
    for round_ in range(3):
        (worker,) = start_together(["append", db_url, f"B-{round_}", "0"])
        assert worker.stdout is not None
        for _ in range(150):
            reported.append(int(worker.stdout.readline()))
        os.kill(worker.pid, signal.SIGKILL)
        out, _ = worker.communicate(timeout=HANG_GUARD_S)
        assert worker.returncode == -signal.SIGKILL
        # Lines printed before the kill: each is an append that had returned.
        reported += [int(line) for line in out.split()]

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        raw = sqlite3.connect(url.database)
        try:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            raw.close()
    with EventLog.open(db_url) as log:
        report = log.check()
        seqs = {e.seq for e in log.events()}
        assert report.ok, report.reason
        assert set(reported) <= seqs
        # The log still takes events after the crashes.
        log.append(NewEvent("attempt_completed", {"after": "crash"}, learner="B-0"))
        assert log.check().ok


def test_sqlite_file_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    with EventLog.open(str(path)) as log, log.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
