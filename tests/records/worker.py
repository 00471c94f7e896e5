"""A separate process that writes to an event log, for the concurrency and crash tests.

    python worker.py append URL LEARNER COUNT   # COUNT 0: until killed
    python worker.py certify URL ATTEMPTS       # one certificate per attempt, guarded
    python worker.py answer URL COURSE BADGE    # a learner takes the onboarding module

It opens the log, prints ``ready``, waits for a line on stdin (so all workers start
writing together), then prints each committed ``seq`` as soon as ``append`` returns.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from sqlalchemy import Connection

from trainer.content.course import load_course
from trainer.records import EventLog, NewEvent
from trainer.records.service import Records


class AlreadyCertified(Exception):
    pass


def answer_module(log: EventLog, course: Path, badge: str) -> None:
    """Register, then answer every item of the onboarding module through the real service,
    printing the number of answers committed so far after each one."""
    records = Records(log, load_course(course))
    records.register(f"Learner {badge}", badge, "Test PD")
    attempt = records.start_attempt(badge, "onboarding", "basics")
    module = records.module_of(attempt)
    for count, scenario in enumerate(attempt.items, start=1):
        records.answer(attempt.id, scenario, module.scenarios[0].steps[0].id, ["a"])
        print(count, flush=True)
    records.complete(attempt.id)


def main(argv: list[str]) -> int:
    command, url, *rest = argv
    with EventLog.open(url) as log:
        print("ready", flush=True)
        sys.stdin.readline()
        if command == "append":
            learner, count = rest[0], int(rest[1])
            numbers = itertools.count() if count == 0 else range(count)
            for n in numbers:
                event = NewEvent(
                    "answer_recorded",
                    {"item": f"item-{n}", "choice": n % 4, "correct": n % 3 == 0},
                    learner=learner,
                    attempt=f"{learner}-attempt",
                )
                stored = log.append(event)
                print(stored.seq, flush=True)
        elif command == "certify":
            for n in range(int(rest[0])):
                attempt = f"attempt-{n}"

                def guard(conn: Connection, attempt: str = attempt) -> None:
                    if log.events_in(conn, attempt=attempt, kinds={"certificate_issued"}):
                        raise AlreadyCertified(attempt)

                try:
                    stored = log.append(
                        NewEvent("certificate_issued", {"number": attempt}, attempt=attempt),
                        guard,
                    )
                except AlreadyCertified:
                    continue
                print(stored.seq, flush=True)
        elif command == "answer":
            answer_module(log, Path(rest[0]), rest[1])
        else:
            raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
