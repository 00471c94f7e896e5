"""Every attempt and answer of the record in bulk, for reports over a whole department.

The service folds one learner's events into a history (history.py). Item analysis and the
impact of a policy change read every attempt and answer of a department: millions of
events. So they read the projections kept beside the log (projection.py): attempts as
columns, the answers of completed attempts already counted by group and answer, and each
item's answers by agency and by unit already summed up (cohorts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar, cast

import orjson
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import SQLAlchemyError

from trainer.content.course import canonical_json
from trainer.content.models import TrackId, Verdict
from trainer.engine.outcome import CERTAINTIES, Certainty
from trainer.records import schema
from trainer.records.cohorts import ItemCounts, ItemSummary, summary
from trainer.records.db import RecordsError, describe, read_transaction, records_error
from trainer.records.events import parse_time
from trainer.records.history import Completion, Learner, Role, add_months
from trainer.records.log import EventLog

K = TypeVar("K", bound=Hashable)
CohortKind = Literal["agency", "unit"]

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


def latest_certified(
    log: EventLog, citing: Mapping[str, Mapping[tuple[str, str], Collection[str]]]
) -> list[tuple[str, AttemptFacts]]:
    """For each ``topic`` of ``citing``, each learner's latest attempt at each track that
    counts towards their latest completion of it (passed, and begun before it) and was
    given one of the topic's scenarios: ``citing[topic]`` names them by the course version
    and module ``(content_hash, module)`` they are in. As (topic, attempt) pairs; the
    attempts without ``items``, ``earned`` and ``maximum``.

    One aggregate in the database: the department's other attempts never leave it."""
    topics = [(topic, wanted) for topic, wanted in citing.items() if any(wanted.values())]
    if not topics:
        return []
    a, c = schema.attempts.c, schema.completions.c
    latest = (
        select(c.learner, c.track, func.max(c.seq).label("seq"))
        .group_by(c.learner, c.track)
        .subquery("latest")
    )
    counted = schema.attempts.join(
        latest,
        (latest.c.learner == a.learner) & (latest.c.track == a.track) & (a.seq < latest.c.seq),
    )
    best = (
        select(
            a.learner,
            a.track,
            *(
                func.max(case((_given(wanted), a.seq))).label(f"s{n}")
                for n, (_, wanted) in enumerate(topics)
            ),
        )
        .select_from(counted)
        .where(a.passed.is_(True))
        .group_by(a.learner, a.track)
        .cte("best")
    )
    t = schema.attempts.alias("t")
    picks = [
        select(
            literal(n).label("topic"), t.c.id, t.c.learner, t.c.seq, t.c.started, t.c.content_hash
        )
        .add_columns(t.c.track, t.c.module)
        .select_from(best.join(t, t.c.seq == best.c[f"s{n}"]))
        for n in range(len(topics))
    ]
    query = picks[0] if len(picks) == 1 else union_all(*picks)
    return [
        (
            topics[n][0],
            AttemptFacts(
                attempt, badge, seq, started, content_hash, track, module, (), None, None, True
            ),
        )
        for n, attempt, badge, seq, started, content_hash, track, module in _raw_rows(log, query)
    ]


def _given(wanted: Mapping[tuple[str, str], Collection[str]]) -> ColumnElement[bool]:
    """Whether an attempt was given one of ``wanted``'s scenarios: items are canonical
    JSON lists of slugs, so a scenario given is its id in quotes."""
    a = schema.attempts.c
    return or_(
        *(
            and_(
                a.content_hash == content_hash,
                a.module == module,
                or_(*(a["items"].contains(f'"{s}"', autoescape=True) for s in sorted(ids))),
            )
            for (content_hash, module), ids in sorted(wanted.items())
            if ids
        )
    )


def passed_versions(log: EventLog) -> list[str]:
    """The content hashes of the passed attempts, in the order of their first."""
    a = schema.attempts.c
    query = (
        select(a.content_hash)
        .where(a.passed.is_(True))
        .group_by(a.content_hash)
        .order_by(func.min(a.seq))
    )
    return [content_hash for (content_hash,) in _raw_rows(log, query)]


def last_completions(log: EventLog) -> list[tuple[int, Completion]]:
    """Each learner's latest completion of each track, with the seq of its event; in chain
    order."""
    c = schema.completions.c
    newest = select(func.max(c.seq)).group_by(c.learner, c.track)
    query = (
        select(
            c.seq,
            c.learner,
            c.track,
            c.time,
            c.course_id,
            c.version,
            c.content_hash,
            c.recertification_months,
        )
        .where(c.seq.in_(newest.scalar_subquery()))
        .order_by(c.seq)
    )
    found: list[tuple[int, Completion]] = []
    for seq, badge, track, time, course_id, version, content_hash, months in _raw_rows(log, query):
        when = parse_time(time)
        until = None if months is None else add_months(when, months)
        found.append((seq, Completion(badge, track, when, course_id, version, content_hash, until)))
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


def completed_groups(log: EventLog, track: str | None = None) -> list[CompletedGroup]:
    """The completed attempts (of ``track``), counted by version and track, in the order of
    their first attempt (agency and unit None: see :func:`cohort_groups`)."""
    a = schema.attempts.c
    query = (
        select(a.content_hash, a.track, func.min(a.seq), func.count())
        .where(a.completed_seq.is_not(None))
        .group_by(a.content_hash, a.track)
        .order_by(func.min(a.seq))
    )
    if track is not None:
        query = query.where(a.track == track)
    return [CompletedGroup(h, t, None, None, first, n) for h, t, first, n in _raw_rows(log, query)]


def counted_answers(
    log: EventLog, track: str | None = None
) -> Iterator[tuple[TallyKey, RecordedAnswer, int]]:
    """The answers of completed attempts (of ``track``), counted by attempt group and
    answer: from ``answer_tally``, kept as attempts complete (agency and unit None)."""
    answers: dict[tuple[Any, ...], RecordedAnswer] = {}
    for row in _tally_rows(log, track):
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


def counted_paths(
    log: EventLog, scenarios: Collection[str], track: str | None = None
) -> Iterator[tuple[TallyKey, str, tuple[RecordedAnswer, ...], int]]:
    """For each of ``scenarios``, the paths completed attempts took through it (their
    answers in the order given), counted by attempt group and path (agency and unit
    None: see :func:`cohort_paths`)."""
    if not scenarios:
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


# --- by agency or unit -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortGroup:
    """Completed attempts of one cohort (an agency or a unit, as ``label`` names it) that
    share a course version and track; ``first_seq`` is the start of the first."""

    cohort: str
    content_hash: str
    track: str
    first_seq: int
    count: int


Label = Callable[[str | None], str]
"""A cohort's name in a report from its stored value: None for attempts of a badge with no
registration; for units, "" for none."""


def cohort_groups(
    log: EventLog, kind: CohortKind, label: Label, track: str | None = None
) -> list[CohortGroup]:
    """The completed attempts (of ``track``) by agency or unit, course version and track,
    from ``cohort_attempts``; in the order of their first attempt."""
    t = schema.cohort_attempts.c
    query = select(t.value, t.content_hash, t.track, t.first_seq, t["count"]).where(
        t.cohort == kind
    )
    if track is not None:
        query = query.where(t.track == track)
    merged: dict[tuple[str, str, str], list[int]] = {}
    for value, content_hash, track_id, first, count in _raw_rows(log, query):
        seen = merged.setdefault((label(value), content_hash, track_id), [first, 0])
        seen[0] = min(seen[0], first)
        seen[1] += count
    groups = [CohortGroup(c, h, t_, first, n) for (c, h, t_), (first, n) in merged.items()]
    return sorted(groups, key=lambda g: g.first_seq)


def cohort_items(
    log: EventLog, kind: CohortKind, label: Label, track: str | None = None
) -> list[ItemSummary]:
    """Each item's summary by agency or unit (as ``label`` names them), from
    ``cohort_items``: one per cohort and (module, scenario, step), the tracks (and any
    values one label names) merged."""
    t = schema.cohort_items.c
    query = (
        select(t.id, t.value, t.track, t.module, t.scenario, t.step, t.stats)
        .where(t.cohort == kind)
        .order_by(t.id)
    )
    if track is not None:
        query = query.where(t.track == track)
    found: dict[tuple[str, str, str, str], ItemSummary] = {}
    merge: dict[tuple[str, str, str, str], list[int]] = {}
    for row_id, value, track_id, module, scenario, step, stats in _raw_rows(log, query):
        key = (label(value), module, scenario, step)
        if key in found:
            merge.setdefault(key, [found[key].row]).append(row_id)
            continue
        try:
            found[key] = summary(row_id, key[0], track_id, module, scenario, step, stats)
        except (ValueError, KeyError, TypeError) as exc:
            raise _cohorts_changed(log, f"unreadable statistics of {scenario}/{step}") from exc
    for key, rows in merge.items():
        found[key] = _merged(log, key, rows)
    return list(found.values())


def _merged(log: EventLog, key: tuple[str, str, str, str], rows: list[int]) -> ItemSummary:
    """One summary of the cohort item rows ``rows``, from the answers they count."""
    t = schema.cohort_items.c
    query = select(t.track, t.stats, t.rests).where(t.id.in_(rows)).order_by(t.id)
    counts = ItemCounts()
    tracks: list[str] = []
    try:
        for track_id, stats, rests in _raw_rows(log, query):
            counts.merge(ItemCounts.from_texts(stats, rests))
            tracks.append(track_id)
        stats_text, _ = counts.texts()
        return summary(rows[0], key[0], tracks[0], key[1], key[2], key[3], stats_text)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _cohorts_changed(log, f"unreadable statistics of {key[2]}/{key[3]}") from exc


def cohort_paths(
    log: EventLog,
    kind: CohortKind,
    label: Label,
    scenarios: Collection[str],
    track: str | None = None,
) -> Iterator[tuple[str, str, str, tuple[RecordedAnswer, ...], int]]:
    """For each of ``scenarios``, the paths completed attempts took through it, by agency
    or unit: (cohort, content hash, scenario, path, count), from ``cohort_paths``."""
    if not scenarios:
        return
    t = schema.cohort_paths.c
    query = (
        select(t.value, t.content_hash, t.scenario, t.path, t["count"])
        .where(t.cohort == kind, t.scenario.in_(sorted(scenarios)))
        .order_by(t.id)
    )
    if track is not None:
        query = query.where(t.track == track)
    walks: dict[tuple[str, str], tuple[RecordedAnswer, ...]] = {}
    for value, content_hash, scenario, text, count in _raw_rows(log, query):
        walk = walks.get((scenario, text))
        if walk is None:
            walk = walks[scenario, text] = _walk(log, scenario, text)
        yield label(value), content_hash, scenario, walk, count


def _cohorts_changed(log: EventLog, why: str) -> RecordsError:
    return RecordsError(
        f"the item statistics by cohort in {describe(log.engine.url)} were changed outside "
        f"trainer: {why} (run 'trainer records check')"
    )


# --- queries ----------------------------------------------------------------------------


def _raw_rows(log: EventLog, query: Select[Any] | CompoundSelect[Any]) -> Iterator[tuple[Any, ...]]:
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
