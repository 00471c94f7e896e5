"""The hash chain: its format, and that tampering with raw SQL is caught and located.

The tampering runs plain SQL on the database behind the log's back, as someone with a
database tool would, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib

import pytest

from course_factory import START
from trainer.content.course import canonical_json
from trainer.records import GENESIS_HASH, EventLog, NewEvent
from trainer.records.events import event_hash, format_time, payload_text

EVENTS = 10


def fill(log: EventLog, count: int = EVENTS) -> None:
    for n in range(1, count + 1):
        log.append(
            NewEvent(
                "answer_recorded",
                {"item": f"q{n}", "choice": "a", "correct": n % 2 == 0},
                learner="B-1017",
                attempt="A1",
            )
        )


def tamper(log: EventLog, *statements: str) -> None:
    with log.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


# --- format -----------------------------------------------------------------------------


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_event() -> None:
    payload = {"item": "q1", "choices": ["b", "a"], "note": "Łódź", "score": 0.5}
    time = format_time(START)
    expected = hashlib.sha256(
        GENESIS_HASH.encode()
        + canonical_json(
            {
                "seq": 1,
                "time": time,
                "kind": "answer_recorded",
                "learner": "B-1017",
                "attempt": None,
                "payload": payload,
            }
        )
    ).hexdigest()
    got = event_hash(
        GENESIS_HASH, 1, time, "answer_recorded", "B-1017", None, payload_text(payload)
    )
    assert got == expected
    assert time == "2026-11-25T10:14:00.000000Z"


def test_the_hash_format_does_not_drift() -> None:
    """Stored logs are checked with this function for years: its output must not change."""
    digest = event_hash(
        "ab" * 32,
        17,
        "2026-11-25T10:14:03.000250Z",
        "answer_recorded",
        "B-1017",
        "A1",
        payload_text({"item": "geotag-1", "choice": "b", "points": 2, "ok": True}),
    )
    assert digest == "bb327ba77ccf47bc1a3a2bf2ca25a77e00646cd1556acd07467fc98401b9e428"


def test_a_respaced_payload_no_longer_matches_its_hash() -> None:
    """What is hashed is the stored text itself, not a re-encoding of it."""
    time = format_time(START)
    stored = payload_text({"a": 1})
    respaced = '{"a": 1}'
    assert event_hash(GENESIS_HASH, 1, time, "course_version", None, None, stored) != (
        event_hash(GENESIS_HASH, 1, time, "course_version", None, None, respaced)
    )


# --- tampering --------------------------------------------------------------------------


def test_editing_a_payload(log: EventLog) -> None:
    fill(log)
    edited = '{"choice":"b","correct":false,"item":"q5"}'
    tamper(log, f"UPDATE events SET payload = '{edited}' WHERE seq = 5")
    report = log.check()
    assert not report.ok
    assert report.first_bad_seq == 5
    assert report.reason == (
        "event 5 (answer_recorded, 2026-11-25 10:14:04 UTC) was changed: "
        "its content no longer matches its hash"
    )
    assert report.count == EVENTS


def test_editing_a_time(log: EventLog) -> None:
    fill(log)
    tamper(log, "UPDATE events SET time = '2026-11-24T09:00:00.000000Z' WHERE seq = 7")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 7)
    assert report.reason == (
        "event 7 (answer_recorded, 2026-11-24 09:00:00 UTC) was changed: "
        "its content no longer matches its hash"
    )


def test_editing_the_learner(log: EventLog) -> None:
    fill(log)
    tamper(log, "UPDATE events SET learner = 'B-2000' WHERE seq = 3")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "was changed" in report.reason


def test_deleting_a_middle_event(log: EventLog) -> None:
    fill(log)
    tamper(log, "DELETE FROM events WHERE seq = 4")
    report = log.check()
    assert (report.ok, report.first_bad_seq, report.count) == (False, 4, EVENTS - 1)
    assert report.reason == "event 4 is missing: event 5 does not follow event 3"


def test_deleting_several_middle_events(log: EventLog) -> None:
    fill(log)
    tamper(log, "DELETE FROM events WHERE seq BETWEEN 4 AND 6")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert report.reason == "events 4 to 6 are missing: event 7 does not follow event 3"


def test_deleting_the_first_event(log: EventLog) -> None:
    fill(log)
    tamper(log, "DELETE FROM events WHERE seq = 1")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 1)
    assert report.reason == "event 1 is missing: the log starts at event 2"


def test_deleting_the_last_event(log: EventLog) -> None:
    fill(log)
    tamper(log, f"DELETE FROM events WHERE seq = {EVENTS}")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, EVENTS)
    assert report.reason == (
        "the last event was removed: the chain head says 10 events, the log holds 9"
    )


def test_deleting_the_last_events(log: EventLog) -> None:
    fill(log)
    tamper(log, f"DELETE FROM events WHERE seq > {EVENTS - 2}")
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, EVENTS - 1)
    assert report.reason == (
        "the last 2 events were removed: the chain head says 10 events, the log holds 8"
    )


def test_swapping_two_events(log: EventLog) -> None:
    fill(log)
    tamper(
        log,
        "UPDATE events SET seq = -1 WHERE seq = 5",
        "UPDATE events SET seq = 5 WHERE seq = 6",
        "UPDATE events SET seq = 6 WHERE seq = -1",
    )
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 5)
    # Event 5's place now holds what was event 6 (appended at 10:14:05).
    assert report.reason == (
        "event 5 (answer_recorded, 2026-11-25 10:14:05 UTC) was changed: "
        "its content no longer matches its hash"
    )


def test_swapping_the_contents_of_two_events(log: EventLog) -> None:
    fill(log)
    tamper(
        log,
        "UPDATE events SET learner = 'x' WHERE seq = 2",
        "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 3) WHERE seq = 2",
        """UPDATE events SET payload = '{"choice":"a","correct":true,"item":"q2"}' WHERE seq = 3""",
        "UPDATE events SET learner = 'B-1017' WHERE seq = 2",
    )
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 2)


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(log: EventLog) -> None:
    """A forger who fixes up the changed event's own hash is caught by the event after it."""
    fill(log)
    row = log.events()[4]
    forged_payload = payload_text({"item": "q5", "choice": "b", "correct": True})
    forged_hash = event_hash(
        row.prev_hash, 5, format_time(row.time), row.kind, row.learner, row.attempt, forged_payload
    )
    tamper(
        log,
        f"UPDATE events SET payload = '{forged_payload}', hash = '{forged_hash}' WHERE seq = 5",
    )
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 6)
    assert report.reason == (
        "event 6 (answer_recorded, 2026-11-25 10:14:05 UTC) does not follow event 5: the hash "
        "it records for event 5 does not match (event 5 was changed or replaced)"
    )


def test_a_rewritten_last_event_disagrees_with_the_chain_head(log: EventLog) -> None:
    fill(log)
    row = log.events()[-1]
    forged_payload = payload_text({"item": "q10", "choice": "c", "correct": True})
    forged_hash = event_hash(
        row.prev_hash, row.seq, format_time(row.time), row.kind, row.learner, row.attempt,
        forged_payload,
    )  # fmt: skip
    tamper(
        log,
        f"UPDATE events SET payload = '{forged_payload}', hash = '{forged_hash}' "
        f"WHERE seq = {row.seq}",
    )
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, EVENTS)
    assert report.reason.startswith(
        "event 10 (answer_recorded, 2026-11-25 10:14:09 UTC) was replaced"
    )


def test_an_event_added_behind_the_logs_back(log: EventLog) -> None:
    fill(log, 3)
    last = log.events()[-1]
    time = format_time(START)
    payload = payload_text({"item": "q9"})
    digest = event_hash(last.hash, 4, time, "answer_recorded", "B-1017", "A1", payload)
    tamper(
        log,
        "INSERT INTO events (seq, time, kind, learner, attempt, payload, prev_hash, hash) "
        f"VALUES (4, '{time}', 'answer_recorded', 'B-1017', 'A1', '{payload}', "
        f"'{last.hash}', '{digest}')",
    )
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert report.reason == (
        "event 4 is not in the chain head: the chain head says 3 events, the log holds 4"
    )


def test_a_removed_chain_head(log: EventLog) -> None:
    fill(log, 2)
    tamper(log, "DELETE FROM chain_head")
    report = log.check()
    assert not report.ok
    assert report.reason == "the chain head is missing: the log was changed outside trainer"


def test_appending_after_the_last_events_were_removed_keeps_the_gap_visible(
    log: EventLog,
) -> None:
    fill(log)
    tamper(log, f"DELETE FROM events WHERE seq = {EVENTS}")
    stored = log.append(NewEvent("attempt_completed", {"score": 1.0}, attempt="A1"))
    assert stored.seq == EVENTS + 1
    report = log.check()
    assert (report.ok, report.first_bad_seq) == (False, EVENTS)
    assert report.reason.startswith(f"event {EVENTS} is missing")


@pytest.mark.parametrize("seq", [1, 5, EVENTS])
def test_the_report_names_only_the_first_bad_event(log: EventLog, seq: int) -> None:
    fill(log)
    tamper(
        log,
        f"UPDATE events SET attempt = 'A9' WHERE seq = {seq}",
        f"UPDATE events SET attempt = 'A9' WHERE seq = {EVENTS}",
    )
    report = log.check()
    assert report.first_bad_seq == seq
    assert report.reason.startswith(f"event {seq} (")
