"""Every attempt and answer of the record in bulk, for reports over a whole department.

The service folds one learner's events into a history (history.py). Item analysis and the
impact of a policy change read every attempt and answer: hundreds of thousands of rows. So
here the database picks out the few fields of an attempt they need (``json_extract`` on
SQLite, ``->>`` on PostgreSQL), answers are streamed, and each distinct answer payload is
decoded once: thousands of learners give the same few answers to each step.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import orjson
from sqlalchemy import ColumnElement, Select, String, func, null, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import SQLAlchemyError

from trainer.content.models import Verdict
from trainer.engine.outcome import CERTAINTIES, Certainty
from trainer.records import schema
from trainer.records.db import RecordsError, describe, read_transaction, records_error
from trainer.records.log import EventLog

K = TypeVar("K", bound=Hashable)

_BATCH = 20_000
"""Rows fetched at a time; on PostgreSQL they come from a server-side cursor."""

_VERDICTS: frozenset[str] = frozenset(("correct", "partly", "incorrect"))


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """One attempt, with its completion if it has one. ``seq`` is that of its start event
    (chain order is time order); ``started`` its stored UTC time text."""

    id: str
    badge: str
    seq: int
    started: str
    content_hash: str
    track: str
    module: str
    items: tuple[str, ...]
    earned: int | None
    maximum: int | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """What item analysis needs of one recorded answer."""

    scenario: str
    step: str
    selected: tuple[str, ...]
    verdict: Verdict
    points: int
    maximum: int
    certainty: Certainty | None


@dataclass
class AnswerTally(Generic[K]):
    """Answers counted by the group of their attempt. ``paths`` counts, for each scenario
    asked to be followed, the answers each attempt gave in it, in the order given."""

    counts: dict[tuple[K, RecordedAnswer], int] = field(default_factory=dict)
    paths: dict[tuple[K, str], dict[tuple[RecordedAnswer, ...], int]] = field(default_factory=dict)


def attempt_facts(
    log: EventLog,
    *,
    completed_only: bool = False,
    passed_only: bool = False,
    with_items: bool = False,
    track: str | None = None,
) -> list[AttemptFacts]:
    """Every attempt in chain order; or only the completed, or the passed, ones; of one
    track. ``items`` is read only ``with_items``: it is the costly field."""
    c = schema.events.c
    done = select(c.attempt, c.payload, c.seq).where(c.kind == "attempt_completed")
    if passed_only:
        # Payloads are canonical JSON: the same fixed piece of text on every database.
        done = done.where(c.payload.like('%"passed":true%'))
    # Two queries joined here: joined in SQL, each attempt's lookup would read all its
    # answers to find its completion among them.
    outcomes: dict[str, tuple[int, int, bool]] = {}
    completion: dict[str, tuple[int, int, bool]] = {}
    for attempt, payload, seq in _raw_rows(log, done):
        known = outcomes.get(payload)
        if known is None:
            known = outcomes[payload] = _outcome(log, seq, payload)
        completion[attempt] = known
    lists: dict[str, tuple[str, ...]] = {}
    found: list[AttemptFacts] = []
    query = _started(log.engine.dialect.name, with_items, track).order_by(c.seq)
    for row in _raw_rows(log, query):
        attempt, badge, seq, time, content_hash, track_id, module, items_text = row
        result = completion.get(attempt)
        if result is None and (completed_only or passed_only):
            continue
        earned, maximum, passed = result if result is not None else (None, None, None)
        items: tuple[str, ...] = ()
        if items_text is not None:
            items = lists.get(items_text) or lists.setdefault(
                items_text, _items(log, seq, items_text)
            )
        found.append(
            AttemptFacts(
                attempt,
                badge,
                seq,
                time,
                content_hash,
                track_id,
                module,
                items,
                earned,
                maximum,
                passed,
            )
        )
    return found


def tally_answers(
    log: EventLog, groups: Mapping[str, K], follow: Collection[str] = ()
) -> AnswerTally[K]:
    """Count the answers of the attempts in ``groups`` (attempt id to group) by group and
    answer; for the scenarios in ``follow``, count each attempt's path through them too."""
    c = schema.events.c
    query = select(c.attempt, c.payload, c.seq).where(c.kind == "answer_recorded")
    # This loop runs once per answer in the record, so it works on small ints and payload
    # texts (a str caches its hash) and decodes each distinct payload once, at the end.
    kinds = list(dict.fromkeys(groups.values()))
    number = {group: n for n, group in enumerate(kinds)}
    group_of = {attempt: number[group] for attempt, group in groups.items()}
    buckets: list[dict[str, int]] = [{} for _ in kinds]
    first_seq: dict[str, int] = {}
    marks = tuple(f'"scenario":{orjson.dumps(s).decode()},' for s in follow)
    walked: set[str] = set()
    walks: list[tuple[int, str, str]] = []
    for attempt, payload, seq in _raw_rows(log, query):
        n = group_of.get(attempt)
        if n is None:
            continue
        bucket = buckets[n]
        count = bucket.get(payload)
        if count is None:
            bucket[payload] = 1
            if payload not in first_seq:
                first_seq[payload] = seq
                if any(mark in payload for mark in marks):
                    walked.add(payload)
        else:
            bucket[payload] = count + 1
        if payload in walked:
            walks.append((seq, attempt, payload))
    decoded = {text: _answer(log, seq, text) for text, seq in first_seq.items()}
    tally: AnswerTally[K] = AnswerTally()
    for group, bucket in zip(kinds, buckets, strict=True):
        for text, count in bucket.items():
            tally.counts[group, decoded[text]] = count
    steps: dict[tuple[str, str], list[RecordedAnswer]] = {}
    for _, attempt, text in sorted(walks):
        answer = decoded[text]
        steps.setdefault((attempt, answer.scenario), []).append(answer)
    for (attempt, scenario), walk in steps.items():
        paths = tally.paths.setdefault((groups[attempt], scenario), {})
        paths[tuple(walk)] = paths.get(tuple(walk), 0) + 1
    return tally


# --- queries ----------------------------------------------------------------------------


def _started(dialect: str, with_items: bool, track: str | None) -> Select[Any]:
    """attempt, learner, seq, time, content_hash, track, module and items (JSON text, or
    NULL) of every ``attempt_started`` event."""
    c = schema.events.c
    payload: ColumnElement[Any] = c.payload
    if dialect == "postgresql":
        payload = sql_cast(c.payload, JSONB)  # the column is text: read it as JSON
    items = _json(dialect, payload, "items", raw=True) if with_items else null()
    query = select(
        c.attempt.label("attempt"),
        c.learner.label("learner"),
        c.seq.label("seq"),
        c.time.label("time"),
        _json(dialect, payload, "content_hash").label("content_hash"),
        _json(dialect, payload, "track").label("track"),
        _json(dialect, payload, "module").label("module"),
        items.label("items"),
    ).where(c.kind == "attempt_started")
    if track is not None:
        piece = orjson.dumps({"track": track}).decode()[1:-1]
        escaped = piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(c.payload.like(f"%{escaped}%", escape="\\"))
    return query


def _json(dialect: str, payload: ColumnElement[Any], key: str, raw: bool = False) -> Any:
    """A top-level payload field as text (``raw``: an array as JSON text)."""
    if dialect == "postgresql":
        value = payload[key]
        return sql_cast(value, String) if raw else value.astext
    return func.json_extract(payload, f"$.{key}", type_=String)


def _raw_rows(log: EventLog, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` in one read snapshot, as the driver's plain tuples, fetched in
    batches (from a server-side cursor on PostgreSQL). SQLAlchemy's rows cost more than
    the rest of a pass over every answer in the record, hence the driver's cursor."""
    try:
        with read_transaction(log.engine) as conn:
            sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            driver = conn.connection.driver_connection
            assert driver is not None
            if conn.dialect.name == "postgresql":
                cursor = driver.cursor(name="trainer_report")
            else:
                cursor = driver.cursor()
            try:
                cursor.execute(sql)
                while batch := cursor.fetchmany(_BATCH):
                    yield from batch
            finally:
                cursor.close()
    except SQLAlchemyError as exc:
        raise records_error(exc, log.engine.url) from exc


# --- decoding ---------------------------------------------------------------------------


def _changed(log: EventLog, seq: int, why: str) -> RecordsError:
    return RecordsError(
        f"event {seq} in {describe(log.engine.url)} was changed outside trainer: {why}"
    )


def _outcome(log: EventLog, seq: int, text: str) -> tuple[int, int, bool]:
    try:
        data = orjson.loads(text)
        earned, maximum, passed = data["earned"], data["maximum"], data["passed"]
    except (ValueError, TypeError, KeyError) as exc:
        raise _changed(log, seq, f"its attempt's completion is unreadable ({exc})") from exc
    if not (isinstance(earned, int) and isinstance(maximum, int) and isinstance(passed, bool)):
        raise _changed(log, seq, "its attempt's completion holds no score")
    return earned, maximum, passed


def _items(log: EventLog, seq: int, text: str) -> tuple[str, ...]:
    try:
        data = orjson.loads(text)
    except ValueError as exc:
        raise _changed(log, seq, f"its items are unreadable ({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data):
        raise _changed(log, seq, "its items are not a list of scenario ids")
    return tuple(data)


def _answer(log: EventLog, seq: int, text: str) -> RecordedAnswer:
    try:
        data = orjson.loads(text)
        scenario, step, selected = data["scenario"], data["step"], data["selected"]
        verdict, points, maximum = data["verdict"], data["points"], data["maximum"]
        certainty = data.get("certainty")
    except (ValueError, TypeError, KeyError) as exc:
        raise _changed(log, seq, f"the answer is unreadable ({exc})") from exc
    well_formed = (
        isinstance(scenario, str)
        and isinstance(step, str)
        and isinstance(selected, list)
        and all(isinstance(s, str) for s in selected)
        and verdict in _VERDICTS
        and isinstance(points, int)
        and isinstance(maximum, int)
        and (certainty is None or certainty in CERTAINTIES)
    )
    if not well_formed:
        raise _changed(log, seq, "the answer does not have the shape trainer records")
    return RecordedAnswer(
        scenario,
        step,
        tuple(selected),
        cast(Verdict, verdict),
        points,
        maximum,
        cast(Certainty | None, certainty),
    )
