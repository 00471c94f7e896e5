"""Appending and reading events, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection

from course_factory import START, Ticker
from trainer.records import GENESIS_HASH, EventLog, NewEvent, StoredEvent


def answer(learner: str, attempt: str, item: str, **extra: object) -> NewEvent:
    return NewEvent(
        "answer_recorded", {"item": item, "choice": "b", **extra}, learner=learner, attempt=attempt
    )


def test_append_returns_what_is_read_back(log: EventLog) -> None:
    payload: dict[str, object] = {
        "item": "geotag-1",
        "choices": ["a", "c"],
        "score": {"points": 2, "of": 3, "ratio": 0.6666666666666666},
        "correct": False,
        "note": None,
        "text": 'Łódź, Zürich, Москва, 東京 — "quoted" \\ and \u2028',
    }
    first = log.append(NewEvent("learner_registered", {"name": "Dana Reyes"}, learner="B-1017"))
    second = log.append(NewEvent("answer_recorded", payload, learner="B-1017", attempt="a1"))

    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert second.payload == payload
    assert (second.kind, second.learner, second.attempt) == ("answer_recorded", "B-1017", "a1")
    assert log.events() == [first, second]
    assert log.head() == (2, second.hash)


def test_times_are_utc_aware_with_microseconds(open_log: Callable[..., EventLog]) -> None:
    plus_two = timezone(timedelta(hours=2))
    moments = iter(
        [
            datetime(2026, 11, 25, 12, 14, 3, 123456, tzinfo=plus_two),
            datetime(2026, 11, 25, 10, 14, 4, 1, tzinfo=UTC),
        ]
    )
    log = open_log(lambda: next(moments))
    log.append(NewEvent("course_version", {"version": "1.0.0"}))
    log.append(NewEvent("course_version", {"version": "1.0.1"}))

    times = [e.time for e in log.events()]
    assert times == [
        datetime(2026, 11, 25, 10, 14, 3, 123456, tzinfo=UTC),
        datetime(2026, 11, 25, 10, 14, 4, 1, tzinfo=UTC),
    ]
    assert all(t.tzinfo is UTC for t in times)


def test_a_naive_clock_is_refused_and_nothing_written(
    open_log: Callable[..., EventLog],
) -> None:
    log = open_log(lambda: datetime(2026, 11, 25, 10, 0))  # noqa: DTZ001 (the point of the test)
    with pytest.raises(ValueError, match="timezone-aware"):
        log.append(NewEvent("course_version", {}))
    assert log.head() == (0, GENESIS_HASH)


def test_filters(log: EventLog) -> None:
    log.append(NewEvent("learner_registered", {"name": "A"}, learner="A"))
    log.append(NewEvent("learner_registered", {"name": "B"}, learner="B"))
    log.append(NewEvent("attempt_started", {"seed": 7}, learner="A", attempt="A1"))
    log.append(answer("A", "A1", "q1"))
    log.append(NewEvent("attempt_started", {"seed": 9}, learner="B", attempt="B1"))
    log.append(answer("B", "B1", "q1"))
    log.append(answer("A", "A1", "q2"))
    log.append(NewEvent("attempt_completed", {"score": 0.5}, learner="A", attempt="A1"))

    def seqs(events: list[StoredEvent]) -> list[int]:
        return [e.seq for e in events]

    assert seqs(log.events()) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert seqs(log.events(learner="A")) == [1, 3, 4, 7, 8]
    assert seqs(log.events(attempt="B1")) == [5, 6]
    assert seqs(log.events(kinds={"answer_recorded"})) == [4, 6, 7]
    assert seqs(log.events(kinds=["attempt_started", "attempt_completed"])) == [3, 5, 8]
    assert seqs(log.events(after_seq=5)) == [6, 7, 8]
    assert seqs(log.events(learner="A", kinds={"answer_recorded"}, after_seq=4)) == [7]
    assert log.events(kinds=()) == []
    assert log.events(learner="nobody") == []


class AlreadyAnswered(Exception):
    pass


def test_a_guard_that_raises_writes_nothing(log: EventLog) -> None:
    log.append(NewEvent("attempt_started", {"seed": 1}, learner="A", attempt="A1"))
    before = (log.head(), log.events())
    seen: list[int] = []

    def guard(conn: Connection) -> None:
        seen.append(len(log.events_in(conn)))
        raise AlreadyAnswered("q1")

    with pytest.raises(AlreadyAnswered, match="q1"):
        log.append(answer("A", "A1", "q1"), guard)
    assert seen == [1]
    assert (log.head(), log.events()) == before
    assert log.check().ok


def test_a_guard_sees_earlier_events_and_can_refuse(log: EventLog) -> None:
    def not_answered_yet(event: NewEvent) -> Callable[[Connection], None]:
        def guard(conn: Connection) -> None:
            earlier = log.events_in(conn, attempt=event.attempt, kinds={"answer_recorded"})
            if any(e.payload["item"] == event.payload["item"] for e in earlier):
                raise AlreadyAnswered(str(event.payload["item"]))

        return guard

    first = answer("A", "A1", "q1")
    log.append(first, not_answered_yet(first))
    log.append(answer("A", "A2", "q1"), not_answered_yet(answer("A", "A2", "q1")))
    again = answer("A", "A1", "q1", choice="c")
    with pytest.raises(AlreadyAnswered):
        log.append(again, not_answered_yet(again))
    assert [(e.attempt, e.payload["item"]) for e in log.events()] == [("A1", "q1"), ("A2", "q1")]


def test_a_passing_guard_lets_the_event_in(log: EventLog) -> None:
    calls: list[tuple[int, str]] = []

    def guard(conn: Connection) -> None:
        calls.append((len(log.events_in(conn)), "called"))

    stored = log.append(NewEvent("policy_acknowledged", {"section": "CONF-1"}, learner="A"), guard)
    assert calls == [(0, "called")]
    assert log.events() == [stored]


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        ({"score": float("nan")}, ValueError, "JSON cannot hold"),
        ({"score": float("inf")}, ValueError, "JSON cannot hold"),
        ({"answers": {1: "a"}}, TypeError, "not a string"),
        ({"when": START}, TypeError, "datetime"),
        ({"items": [{"ids": {"a", "b"}}]}, TypeError, "set"),
    ],
)
def test_payloads_json_cannot_hold_exactly_are_refused(
    log: EventLog, payload: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        log.append(NewEvent("answer_recorded", payload, learner="A"))
    assert log.head() == (0, GENESIS_HASH)


def test_tuples_are_stored_as_lists(log: EventLog) -> None:
    stored = log.append(NewEvent("attempt_started", {"items": ("q1", "q2")}, attempt="A1"))
    assert stored.payload == {"items": ["q1", "q2"]}
    assert log.events() == [stored]


@pytest.mark.parametrize(
    "event",
    [
        NewEvent("answer_given", {}),  # type: ignore[arg-type]
        NewEvent("answer_recorded", {}, learner=""),
        NewEvent("answer_recorded", {}, attempt="a\x00b"),
    ],
)
def test_malformed_events_are_refused(log: EventLog, event: NewEvent) -> None:
    with pytest.raises(ValueError, match=r"kind|learner|attempt"):
        log.append(event)
    assert log.events() == []


def test_check_on_a_fresh_log_and_after_appends(log: EventLog) -> None:
    empty = log.check()
    assert (empty.ok, empty.count, empty.head_hash, empty.first_bad_seq) == (
        True,
        0,
        GENESIS_HASH,
        None,
    )
    for n in range(5):
        log.append(answer("A", "A1", f"q{n}"))
    report = log.check()
    assert report.ok
    assert report.count == 5
    assert (report.count, report.head_hash) == log.head()
    assert report.reason == "all 5 events are intact and in order"


def test_reopening_continues_the_chain(open_log: Callable[..., EventLog]) -> None:
    first = open_log(Ticker())
    a = first.append(answer("A", "A1", "q1"))
    first.close()
    second = open_log(Ticker(START + timedelta(hours=1)))
    b = second.append(answer("A", "A1", "q2"))
    assert (b.seq, b.prev_hash) == (2, a.hash)
    assert second.check().ok
