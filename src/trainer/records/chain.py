"""Checking a hash chain: does every event still fit the one before it and the chain head?

Pure: it takes the stored rows in order and the chain head, and names the first event that
does not fit. The chain is not keyed, so it catches edits made with ordinary tools, not a
forger who recomputes every later hash and the chain head as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trainer.records.events import GENESIS_HASH, event_hash, parse_time


@dataclass(frozen=True)
class ChainRow:
    """An events row as stored: time and payload are the stored (hashed) texts."""

    seq: int
    time: str
    kind: str
    learner: str | None
    attempt: str | None
    payload: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """The result of a chain check. ``count`` is the number of events the log holds and
    ``head_hash`` the hash of the last of them (the genesis value for an empty log);
    ``reason`` says what was found, naming the first event that does not fit."""

    ok: bool
    count: int
    head_hash: str
    first_bad_seq: int | None
    reason: str


def verify_chain(rows: Iterable[ChainRow], head: tuple[int, str] | None) -> ChainReport:
    """Check ``rows`` (in ``seq`` order) against each other and against ``head``, the chain
    head's (count, hash), or None when the chain head row is gone."""
    count = 0
    last_hash = GENESIS_HASH
    last: ChainRow | None = None
    problem: tuple[int | None, str] | None = None
    for row in rows:
        count += 1
        if problem is None:
            problem = _row_problem(row, last)
        last, last_hash = row, row.hash
    if problem is None:
        problem = _head_problem(last, count, head)
    if problem is not None:
        return ChainReport(False, count, last_hash, problem[0], problem[1])
    if count == 0:
        reason = "the log is empty"
    elif count == 1:
        reason = "the 1 event is intact"
    else:
        reason = f"all {count} events are intact and in order"
    return ChainReport(True, count, last_hash, None, reason)


def _row_problem(row: ChainRow, before: ChainRow | None) -> tuple[int, str] | None:
    expected = 1 if before is None else before.seq + 1
    if row.seq > expected:
        if before is None:
            what = "event 1 is" if row.seq == 2 else f"events 1 to {row.seq - 1} are"
            return 1, f"{what} missing: the log starts at event {row.seq}"
        what = (
            f"event {expected} is"
            if row.seq == expected + 1
            else (f"events {expected} to {row.seq - 1} are")
        )
        return expected, f"{what} missing: event {row.seq} does not follow event {before.seq}"
    if row.seq < expected:
        return row.seq, f"{_label(row)} is out of place: expected event {expected}"
    recomputed = event_hash(
        row.prev_hash, row.seq, row.time, row.kind, row.learner, row.attempt, row.payload
    )
    if recomputed != row.hash:
        return row.seq, f"{_label(row)} was changed: its content no longer matches its hash"
    if before is None and row.prev_hash != GENESIS_HASH:
        return row.seq, f"{_label(row)} does not start the chain: its previous hash is not zero"
    if before is not None and row.prev_hash != before.hash:
        return row.seq, (
            f"{_label(row)} does not follow event {before.seq}: the hash it records for "
            f"event {before.seq} does not match (event {before.seq} was changed or replaced)"
        )
    return None


def _head_problem(
    last: ChainRow | None, count: int, head: tuple[int, str] | None
) -> tuple[int | None, str] | None:
    if head is None:
        return None, "the chain head is missing: the log was changed outside trainer"
    head_count, head_hash = head
    said = f"the chain head says {head_count} event{'s' if head_count != 1 else ''}"
    holds = f"the log holds {count}"
    if head_count > count:
        removed = head_count - count
        what = "the last event was" if removed == 1 else f"the last {removed} events were"
        return count + 1, f"{what} removed: {said}, {holds}"
    if head_count < count:
        return head_count + 1, f"event {head_count + 1} is not in the chain head: {said}, {holds}"
    if last is None:
        if head_hash != GENESIS_HASH:
            return None, "the chain head was changed: the log is empty but its hash is not zero"
        return None
    if head_hash != last.hash:
        return last.seq, (
            f"{_label(last)} was replaced: its hash differs from the one the chain head "
            "recorded (or the chain head was changed)"
        )
    return None


def _label(row: ChainRow) -> str:
    """``event 17 (answer_recorded, 2026-11-25 10:14:03 UTC)``."""
    try:
        when = parse_time(row.time).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        when = f"time {row.time!r}"
    return f"event {row.seq} ({row.kind}, {when})"
