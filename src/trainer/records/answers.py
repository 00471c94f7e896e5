"""Every attempt and answer of the record in bulk, for reports over a whole department.

The service folds one learner's events into a history (history.py). Item analysis and the
impact of a policy change read every attempt and answer of a department: millions of
events. So they read the projections kept beside the log (projection.py): attempts as
columns, and the answers of completed attempts already counted by group and answer.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

import orjson
from sqlalchemy import Join, Select, func, null, select
from sqlalchemy.exc import SQLAlchemyError

from trainer.content.course import canonical_json
from trainer.content.models import TrackId, Verdict
from trainer.engine.outcome import CERTAINTIES, Certainty
from trainer.records import schema
from trainer.records.db import RecordsError, describe, read_transaction, records_error
from trainer.records.events import parse_time
from trainer.records.history import Completion, Learner, Role, add_months
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
    track. ``items`` is read only ``with_items``. From the ``attempts`` projection."""
    a = schema.attempts.c
    items = a["items"] if with_items else null()
    query = select(
        a.id,
        a.learner,
        a.seq,
        a.started,
        a.content_hash,
        a.track,
        a.module,
        items,
        a.earned,
        a.maximum,
        a.passed,
    ).order_by(a.seq)
    if completed_only or passed_only:
        query = query.where(a.completed_seq.is_not(None))
    if passed_only:
        query = query.where(a.passed.is_(True))
    if track is not None:
        query = query.where(a.track == track)
    lists: dict[str, tuple[str, ...]] = {}
    found: list[AttemptFacts] = []
    for row in _raw_rows(log, query):
        attempt, badge, seq, time, content_hash, track_id, module, items_text = row[:8]
        earned, maximum, passed = row[8:]
        listed: tuple[str, ...] = ()
        if items_text is not None:
            listed = lists.get(items_text) or lists.setdefault(
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
                listed,
                earned,
                maximum,
                None if passed is None else bool(passed),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class CompletedGroup:
    """Completed attempts that share a course version, track, agency and unit (agency
    None: the learner is not registered, or the attempts were not counted by learner);
    ``first_seq`` is the start of the first."""

    content_hash: str
    track: str
    agency: str | None
    unit: str | None
    first_seq: int
    count: int


TallyKey = tuple[str, str, str | None, str | None, int, int]
"""content hash, track, agency, unit, earned, maximum of the attempts counted (agency
None: the learner is not registered, or the answers were not counted by learner)."""


def completed_groups(
    log: EventLog, track: str | None = None, *, by_learner: bool = False
) -> list[CompletedGroup]:
    """The completed attempts (of ``track``), counted by version and track, and by agency
    and unit when ``by_learner`` (else None); in the order of their first attempt."""
    a, who = schema.attempts.c, schema.learners.c
    if not by_learner:
        query = (
            select(a.content_hash, a.track, func.min(a.seq), func.count())
            .where(a.completed_seq.is_not(None))
            .group_by(a.content_hash, a.track)
            .order_by(func.min(a.seq))
        )
        if track is not None:
            query = query.where(a.track == track)
        return [
            CompletedGroup(h, t, None, None, first, n) for h, t, first, n in _raw_rows(log, query)
        ]
    query = (
        select(a.content_hash, a.track, who.agency, who.unit, func.min(a.seq), func.count())
        .select_from(schema.attempts.outerjoin(schema.learners, who.badge == a.learner))
        .where(a.completed_seq.is_not(None))
        .group_by(a.content_hash, a.track, who.agency, who.unit)
        .order_by(func.min(a.seq))
    )
    if track is not None:
        query = query.where(a.track == track)
    return [CompletedGroup(*row) for row in _raw_rows(log, query)]


def counted_answers(
    log: EventLog, track: str | None = None, *, by_learner: bool = False
) -> Iterator[tuple[TallyKey, RecordedAnswer, int]]:
    """The answers of completed attempts (of ``track``), counted by attempt group and
    answer: from ``answer_tally``, kept as attempts complete, where agency and unit are
    None. ``by_learner`` counts them by agency and unit too, from the answers themselves:
    seconds for a department, not the tally's fraction of one."""
    if by_learner:
        n, a, w = schema.answers.c, schema.attempts.c, schema.learners.c
        answer = (n.scenario, n.step, n.selected, n.verdict, n.points, n.maximum, n.certainty)
        query = (
            select(
                a.content_hash,
                a.track,
                w.agency,
                w.unit,
                a.earned,
                a.maximum,
                *answer,
                func.count(),
            )
            .select_from(_answers_of_completed())
            .group_by(a.content_hash, a.track, w.agency, w.unit, a.earned, a.maximum, *answer)
            .order_by(func.min(n.seq))
        )
        if track is not None:
            query = query.where(a.track == track)
        rows = _raw_rows(log, query)
    else:
        rows = _tally_rows(log, track)
    answers: dict[tuple[Any, ...], RecordedAnswer] = {}
    for row in rows:
        fields = row[6:13]
        found = answers.get(fields)
        if found is None:
            found = answers[fields] = _tallied(log, *fields)
        yield cast(TallyKey, row[:6]), found, row[13]


def _tally_rows(log: EventLog, track: str | None) -> Iterator[tuple[Any, ...]]:
    t = schema.answer_tally.c
    query = select(
        t.content_hash,
        t.track,
        t.earned,
        t.attempt_maximum,
        t.scenario,
        t.step,
        t.selected,
        t.verdict,
        t.points,
        t.maximum,
        t.certainty,
        t.count,
    ).order_by(t.id)
    if track is not None:
        query = query.where(t.track == track)
    for row in _raw_rows(log, query):
        yield (row[0], row[1], None, None, *row[2:])


def _answers_of_completed() -> Join:
    """The answers of completed attempts, beside their attempt and (outer) learner: what
    the tallies count, answers after the completion left out as the tallies leave them."""
    n, a, w = schema.answers.c, schema.attempts.c, schema.learners.c
    return schema.answers.join(
        schema.attempts,
        (a.id == n.attempt) & a.completed_seq.is_not(None) & (n.seq < a.completed_seq),
    ).outerjoin(schema.learners, w.badge == a.learner)


def counted_paths(
    log: EventLog, scenarios: Collection[str], track: str | None = None, *, by_learner: bool = False
) -> Iterator[tuple[TallyKey, str, tuple[RecordedAnswer, ...], int]]:
    """For each of ``scenarios``, the paths completed attempts took through it (their
    answers in the order given), counted by attempt group and path; agency and unit as
    :func:`counted_answers` has them."""
    if not scenarios:
        return
    if by_learner:
        yield from _paths_by_learner(log, scenarios, track)
        return
    t = schema.path_tally.c
    query = (
        select(
            t.content_hash,
            t.track,
            t.earned,
            t.attempt_maximum,
            t.scenario,
            t.path,
            t.count,
        )
        .where(t.scenario.in_(sorted(scenarios)))
        .order_by(t.id)
    )
    if track is not None:
        query = query.where(t.track == track)
    walks: dict[tuple[str, str], tuple[RecordedAnswer, ...]] = {}
    for content_hash, track_id, earned, maximum, scenario, text, count in _raw_rows(log, query):
        walk = walks.get((scenario, text))
        if walk is None:
            walk = walks[scenario, text] = _walk(log, scenario, text)
        yield (content_hash, track_id, None, None, earned, maximum), scenario, walk, count


def _paths_by_learner(
    log: EventLog, scenarios: Collection[str], track: str | None
) -> Iterator[tuple[TallyKey, str, tuple[RecordedAnswer, ...], int]]:
    n, a, w = schema.answers.c, schema.attempts.c, schema.learners.c
    query = (
        select(
            a.content_hash,
            a.track,
            w.agency,
            w.unit,
            a.earned,
            a.maximum,
            n.attempt,
            n.scenario,
            n.step,
            n.selected,
            n.verdict,
            n.points,
            n.maximum,
            n.certainty,
        )
        .select_from(_answers_of_completed())
        .where(n.scenario.in_(sorted(scenarios)))
        .order_by(n.attempt, n.seq)
    )
    if track is not None:
        query = query.where(a.track == track)
    answers: dict[tuple[Any, ...], RecordedAnswer] = {}
    counted: dict[tuple[TallyKey, str, tuple[RecordedAnswer, ...]], int] = {}
    walks: dict[str, list[RecordedAnswer]] = {}
    key: TallyKey | None = None
    attempt: str | None = None

    def count_walks() -> None:
        if key is not None:
            for scenario, walk in walks.items():
                at = (key, scenario, tuple(walk))
                counted[at] = counted.get(at, 0) + 1
        walks.clear()

    for row in _raw_rows(log, query):
        if row[6] != attempt:
            count_walks()
            key, attempt = cast(TallyKey, row[:6]), row[6]
        fields = row[7:14]
        found = answers.get(fields)
        if found is None:
            found = answers[fields] = _tallied(log, *fields)
        walks.setdefault(found.scenario, []).append(found)
    count_walks()
    for (group, scenario, walk), count in counted.items():
        yield group, scenario, walk, count


# --- queries ----------------------------------------------------------------------------


def _raw_rows(log: EventLog, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` in one read snapshot, as the driver's plain tuples, fetched in
    batches (from a server-side cursor on PostgreSQL): SQLAlchemy's rows cost more than
    the work done with 200,000 of them."""
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


def _items(log: EventLog, seq: int, text: str) -> tuple[str, ...]:
    try:
        data = orjson.loads(text)
    except ValueError as exc:
        raise _changed(log, seq, f"its items are unreadable ({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data):
        raise _changed(log, seq, "its items are not a list of scenario ids")
    return tuple(data)


def _tally_changed(log: EventLog, why: str) -> RecordsError:
    return RecordsError(
        f"the answer tallies in {describe(log.engine.url)} were changed outside trainer: "
        f"{why} (run 'trainer records check')"
    )


def _tallied(
    log: EventLog,
    scenario: str,
    step: str,
    selected: str,
    verdict: str,
    points: int,
    maximum: int,
    certainty: str | None,
) -> RecordedAnswer:
    try:
        chosen = orjson.loads(selected)
    except ValueError:
        chosen = None
    if not (isinstance(chosen, list) and all(isinstance(c, str) for c in chosen)):
        raise _tally_changed(log, f"unreadable choices {selected!r}")
    if verdict not in _VERDICTS:
        raise _tally_changed(log, f"unknown verdict {verdict!r}")
    if certainty is not None and certainty not in CERTAINTIES:
        raise _tally_changed(log, f"unknown certainty {certainty!r}")
    return RecordedAnswer(
        scenario,
        step,
        tuple(chosen),
        cast(Verdict, verdict),
        points,
        maximum,
        certainty,
    )


def _walk(log: EventLog, scenario: str, text: str) -> tuple[RecordedAnswer, ...]:
    try:
        steps = orjson.loads(text)
        return tuple(
            _tallied(log, scenario, step, canonical_json(chosen).decode(), v, p, m, c)
            for step, chosen, v, p, m, c in steps
        )
    except (ValueError, TypeError) as exc:
        raise _tally_changed(log, f"an unreadable path {text!r}") from exc


# --- standings --------------------------------------------------------------------------


def learners_on_record(log: EventLog) -> dict[str, Learner]:
    """Every registered learner, by badge, with their current role; in registration order."""
    w = schema.learners.c
    query = select(w.badge, w.name, w.agency, w.unit, w.officer_id, w.registered, w.role).order_by(
        w.seq
    )
    return {
        badge: Learner(badge, name, agency, unit, officer_id, parse_time(registered), _role(role))
        for badge, name, agency, unit, officer_id, registered, role in _raw_rows(log, query)
    }


def latest_completions(log: EventLog, tracks: Sequence[str]) -> dict[str, dict[str, Completion]]:
    """Each learner's latest completion of each of ``tracks``, by track and badge."""
    c = schema.completions.c
    newest = select(func.max(c.seq)).where(c.track.in_(list(tracks))).group_by(c.learner, c.track)
    query = select(
        c.learner,
        c.track,
        c.time,
        c.course_id,
        c.version,
        c.content_hash,
        c.recertification_months,
    ).where(c.seq.in_(newest.scalar_subquery()))
    found: dict[str, dict[str, Completion]] = {t: {} for t in tracks}
    for badge, track, time, course_id, version, content_hash, months in _raw_rows(log, query):
        when = parse_time(time)
        found[track][badge] = Completion(
            badge,
            cast(TrackId, track),
            when,
            course_id,
            version,
            content_hash,
            None if months is None else add_months(when, months),
        )
    return found


def latest_starts(log: EventLog, tracks: Sequence[str]) -> dict[str, dict[str, datetime]]:
    """When each learner began their latest attempt at each of ``tracks``."""
    a = schema.attempts.c
    newest = select(func.max(a.seq)).where(a.track.in_(list(tracks))).group_by(a.learner, a.track)
    query = select(a.learner, a.track, a.started).where(a.seq.in_(newest.scalar_subquery()))
    found: dict[str, dict[str, datetime]] = {t: {} for t in tracks}
    for badge, track, started in _raw_rows(log, query):
        found[track][badge] = parse_time(started)
    return found


def _role(value: str) -> Role:
    return "officer" if value == "officer" else "learner"
