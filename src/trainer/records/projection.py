"""The projection tables (learners, attempts, answers, completions): the log as columns.

Reports over a whole department read these with SQL aggregates instead of parsing millions
of JSON payloads. They are written three ways, all from the row functions here, so the
three cannot drift apart:

- :func:`project`, in the transaction of each append (a projection never disagrees with
  the log it follows from, not even for a moment);
- :func:`rebuild`, from the whole log: the migration of a database from before they
  existed, and a department's database loaded in bulk;
- :func:`check`, which recomputes them from the log and names the first row that differs
  (``trainer records check``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    insert,
    literal,
    select,
    update,
)

from trainer.content.course import canonical_json
from trainer.records import schema
from trainer.records.cohorts import COHORT_KINDS, ItemCounts
from trainer.records.history import IDLE_CAP

Payload = Mapping[str, Any]
Values = dict[str, Any]

_BATCH = 10_000
_KINDS = (
    "learner_registered",
    "learner_role_changed",
    "attempt_started",
    "answer_recorded",
    "attempt_completed",
    "policy_acknowledged",
)


def _json_list(value: object) -> str:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of ids")
    return canonical_json(list(value)).decode()


def _opt_text(value: object) -> str | None:
    return None if value is None else str(value)


def _learner_row(seq: int, time: str, p: Payload) -> Values:
    # As history_from reads a registration: unit and officer id optional, role "learner"
    # unless it says "officer" (registrations from before roles carry none).
    return {
        "badge": str(p["badge"]),
        "seq": seq,
        "registered": time,
        "name": str(p["name"]),
        "agency": str(p["agency"]),
        "unit": _opt_text(p.get("unit")),
        "officer_id": _opt_text(p.get("officer_id")),
        "role": role_of(p),
    }


def role_of(p: Payload) -> str:
    return "officer" if p.get("role") == "officer" else "learner"


def _attempt_row(
    seq: int, time: str, learner: str | None, attempt: str | None, p: Payload
) -> Values:
    if learner is None or attempt is None:
        raise ValueError("an attempt belongs to a learner and has an id")
    return {
        "id": str(attempt),
        "seq": seq,
        "learner": str(learner),
        "started": time,
        "course_id": str(p["course_id"]),
        "version": str(p["version"]),
        "content_hash": str(p["content_hash"]),
        "track": str(p["track"]),
        "module": str(p["module"]),
        "seed": int(p["seed"]),
        "items": _json_list(p.get("items")),
        "answers": 0,
        "seconds": 0.0,
        "last": time,
    }


def _completion_values(seq: int, time: str, p: Payload) -> Values:
    """What an ``attempt_completed`` event sets on its attempt's row."""
    return {
        "completed_seq": seq,
        "completed": time,
        "earned": int(p["earned"]),
        "maximum": int(p["maximum"]),
        "passed": bool(p["passed"]),
    }


_OPEN: Values = dict.fromkeys(("completed_seq", "completed", "earned", "maximum", "passed"))

_CAP = IDLE_CAP.total_seconds()


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def ticked(seconds: float, last: str, time: str) -> Values:
    """An attempt's time on task and last event time once an event at ``time`` follows its
    event at ``last``: the gap counts up to IDLE_CAP, and not at all when the clock went
    back (as the attempts export has always counted it)."""
    gap = _epoch(time) - _epoch(last) if last else 0.0
    if gap > 0:
        seconds += min(gap, _CAP)
    return {"seconds": seconds, "last": time}


def _answer_row(
    seq: int, time: str, learner: str | None, attempt: str | None, p: Payload
) -> Values:
    if learner is None or attempt is None:
        raise ValueError("an answer belongs to a learner's attempt")
    certainty = p.get("certainty")
    return {
        "seq": seq,
        "attempt": str(attempt),
        "learner": str(learner),
        "time": time,
        "scenario": str(p["scenario"]),
        "step": str(p["step"]),
        "selected": _json_list(p.get("selected")),
        "points": int(p["points"]),
        "maximum": int(p["maximum"]),
        "verdict": str(p["verdict"]),
        "certainty": None if certainty is None else str(certainty),
    }


def _acknowledgement_row(seq: int, time: str, learner: str | None, p: Payload) -> Values:
    if learner is None:
        raise ValueError("a completion belongs to a learner")
    months = p.get("recertification_months")
    return {
        "seq": seq,
        "learner": str(learner),
        "track": str(p["track"]),
        "time": time,
        "course_id": str(p["course_id"]),
        "version": str(p["version"]),
        "content_hash": str(p["content_hash"]),
        "recertification_months": months if isinstance(months, int) else None,
    }


def _shaped(build: Callable[..., Values]) -> Callable[..., Values | None]:
    """``build``, or None for a payload without the shape trainer writes: the log itself
    takes any JSON object (its own tests do), and only trainer's events are projected."""

    def shaped(*args: Any) -> Values | None:
        try:
            return build(*args)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    return shaped


learner_row = _shaped(_learner_row)
attempt_row = _shaped(_attempt_row)
completion_values = _shaped(_completion_values)
answer_row = _shaped(_answer_row)
acknowledgement_row = _shaped(_acknowledgement_row)


# --- the tallies of a completed attempt -------------------------------------------------

_BASE = ("content_hash", "track", "earned", "attempt_maximum", "scenario")
ANSWER_TALLY = (*_BASE, "step", "selected", "verdict", "points", "maximum", "certainty")
"""The key columns of ``answer_tally``, in the order of its key tuples."""
PATH_TALLY = (*_BASE, "path")
"""The key columns of ``path_tally``."""

Key = tuple[Any, ...]


def _walk_step(answer: Values) -> list[Any]:
    """One answer as a step of a ``path_tally`` path."""
    return [
        answer["step"],
        orjson.loads(answer["selected"]),
        answer["verdict"],
        answer["points"],
        answer["maximum"],
        answer["certainty"],
    ]


def tallies(attempt: Values, answers: Sequence[Values]) -> tuple[Counter[Key], Counter[Key]]:
    """What a completed ``attempt`` adds to ``answer_tally`` and ``path_tally``: its
    ``answers`` (in chain order) counted by key, and its path through each scenario."""
    base = (attempt["content_hash"], attempt["track"], attempt["earned"], attempt["maximum"])
    counted: Counter[Key] = Counter()
    walks: dict[str, list[list[Any]]] = {}
    for a in answers:
        counted[
            (
                *base,
                a["scenario"],
                a["step"],
                a["selected"],
                a["verdict"],
                a["points"],
                a["maximum"],
                a["certainty"],
            )
        ] += 1
        walks.setdefault(a["scenario"], []).append(_walk_step(a))
    paths: Counter[Key] = Counter(
        (*base, scenario, canonical_json(walk).decode()) for scenario, walk in walks.items()
    )
    return counted, paths


COHORT_ITEM = ("cohort", "value", "track", "module", "scenario", "step")
"""The key columns of ``cohort_items``."""
COHORT_PATH = ("cohort", "value", "track", "content_hash", "scenario", "path")
"""The key columns of ``cohort_paths``."""
COHORT_ATTEMPTS = ("cohort", "value", "content_hash", "track")
"""The key columns of ``cohort_attempts``."""


def cohort_values(learner: Values | None) -> list[tuple[str, str | None]]:
    """The learner's cohort of each kind: agency, and unit ("" for none); None for both
    when the badge has no registration."""
    if learner is None:
        return [(kind, None) for kind in COHORT_KINDS]
    return [("agency", learner["agency"]), ("unit", learner["unit"] or "")]


@dataclass
class CohortCounts:
    """What completed attempts add to the cohort tables, counted in memory."""

    items: dict[Key, ItemCounts] = field(default_factory=dict)
    paths: Counter[Key] = field(default_factory=Counter)
    attempts: dict[Key, list[int]] = field(default_factory=dict)  # [first_seq, count]

    def add(self, attempt: Values, answers: Sequence[Values], learner: Values | None) -> None:
        """Count a completed ``attempt`` with its ``answers`` (in chain order)."""
        content_hash, track = attempt["content_hash"], attempt["track"]
        walks: dict[str, list[list[Any]]] = {}
        for a in answers:
            walks.setdefault(a["scenario"], []).append(_walk_step(a))
        paths = [(scenario, canonical_json(walk).decode()) for scenario, walk in walks.items()]
        for kind, value in cohort_values(learner):
            key = (kind, value, content_hash, track)
            seen = self.attempts.get(key)
            if seen is None:
                self.attempts[key] = [attempt["seq"], 1]
            else:
                seen[0] = min(seen[0], attempt["seq"])
                seen[1] += 1
            for a in answers:
                item = (kind, value, track, attempt["module"], a["scenario"], a["step"])
                counts = self.items.get(item)
                if counts is None:
                    counts = self.items[item] = ItemCounts()
                _count(counts, attempt, a)
            for scenario, path in paths:
                self.paths[kind, value, track, content_hash, scenario, path] += 1


def _count(counts: ItemCounts, attempt: Values, answer: Values) -> None:
    counts.add(
        attempt["content_hash"],
        attempt["earned"],
        attempt["maximum"],
        orjson.loads(answer["selected"]),
        answer["verdict"],
        answer["points"],
        answer["maximum"],
        answer["certainty"],
    )


def _match(table: Table, columns: Sequence[str], key: Key) -> ColumnElement[bool]:
    return and_(
        *(
            table.c[c].is_(None) if v is None else table.c[c] == v
            for c, v in zip(columns, key, strict=True)
        )
    )


def _cohort_completion(conn: Connection, attempt: Values, answers: Sequence[Values]) -> None:
    """Count a completed attempt in the cohort tables, in the append's transaction."""
    w = schema.learners.c
    found = conn.execute(select(w.agency, w.unit).where(w.badge == attempt["learner"])).first()
    counted = CohortCounts()
    counted.add(attempt, answers, None if found is None else dict(found._mapping))
    t = schema.cohort_attempts
    for key, (first, n) in counted.attempts.items():
        row = conn.execute(
            select(t.c.id, t.c.first_seq).where(_match(t, COHORT_ATTEMPTS, key))
        ).first()
        if row is None:
            values = {**dict(zip(COHORT_ATTEMPTS, key, strict=True)), "first_seq": first}
            conn.execute(insert(t).values({**values, "count": n}))
        else:
            conn.execute(
                update(t)
                .where(t.c.id == row.id)
                .values(first_seq=min(row.first_seq, first), count=t.c.count + n)
            )
    items = schema.cohort_items
    for key, counts in counted.items.items():
        held = conn.execute(
            select(items.c.id, items.c.stats, items.c.rests).where(_match(items, COHORT_ITEM, key))
        ).first()
        if held is not None:
            kept = ItemCounts.from_texts(held.stats, held.rests)
            kept.merge(counts)
            counts = kept
        stats, rests = counts.texts()
        if held is None:
            values = dict(zip(COHORT_ITEM, key, strict=True))
            conn.execute(insert(items).values({**values, "stats": stats, "rests": rests}))
        else:
            conn.execute(
                update(items).where(items.c.id == held.id).values(stats=stats, rests=rests)
            )
    for key, n in counted.paths.items():
        _bump(conn, schema.cohort_paths, COHORT_PATH, key, n)


def _bump(conn: Connection, table: Table, columns: Sequence[str], key: Key, n: int) -> None:
    # Under the log's write lock no other writer can race this update-or-insert.
    match: list[ColumnElement[bool]] = [
        table.c[c].is_(None) if v is None else table.c[c] == v
        for c, v in zip(columns, key, strict=True)
    ]
    done = conn.execute(update(table).where(and_(*match)).values(count=table.c.count + n))
    if done.rowcount == 0:
        conn.execute(insert(table).values({**dict(zip(columns, key, strict=True)), "count": n}))


def _tally_completion(conn: Connection, attempt_id: str) -> None:
    a, n = schema.attempts.c, schema.answers.c
    attempt = conn.execute(select(schema.attempts).where(a.id == attempt_id)).first()
    if attempt is None:
        return
    answers = conn.execute(
        select(schema.answers).where(n.attempt == attempt_id).order_by(n.seq)
    ).all()
    attempt_row_ = dict(attempt._mapping)
    answer_rows = [dict(x._mapping) for x in answers]
    counted, paths = tallies(attempt_row_, answer_rows)
    for key, count in counted.items():
        _bump(conn, schema.answer_tally, ANSWER_TALLY, key, count)
    for key, count in paths.items():
        _bump(conn, schema.path_tally, PATH_TALLY, key, count)
    _cohort_completion(conn, attempt_row_, answer_rows)


# --- in the append's transaction --------------------------------------------------------


# Built once: answering is on the path from a learner's Enter to their feedback, and
# building a statement costs more than running it.
_INSERT_ANSWER = insert(schema.answers)
_TIMES = select(schema.attempts.c.seconds, schema.attempts.c.last).where(
    schema.attempts.c.id == bindparam("attempt_id")
)
_MOVE_TIMES = (
    update(schema.attempts)
    .where(schema.attempts.c.id == bindparam("attempt_id"))
    .values(
        seconds=bindparam("new_seconds"),
        last=bindparam("new_last"),
        answers=schema.attempts.c.answers + bindparam("answered"),
    )
)


def _tick(conn: Connection, attempt: str, time: str, *, answered: bool = False) -> None:
    """Count an event of ``attempt`` at ``time`` in its time on task (and answers)."""
    found = conn.execute(_TIMES, {"attempt_id": attempt}).first()
    if found is None:
        return  # an answer to an attempt never started: nothing to count it in
    values = ticked(found[0], found[1], time)
    conn.execute(
        _MOVE_TIMES,
        {
            "attempt_id": attempt,
            "new_seconds": values["seconds"],
            "new_last": values["last"],
            "answered": int(answered),
        },
    )


def project(
    conn: Connection,
    seq: int,
    time: str,
    kind: str,
    learner: str | None,
    attempt: str | None,
    payload: Payload,
) -> None:
    """Bring the projections in step with the event just appended (same transaction)."""
    if kind == "answer_recorded":
        row = answer_row(seq, time, learner, attempt, payload)
        if row is not None:
            conn.execute(_INSERT_ANSWER, row)
        if attempt is not None:
            _tick(conn, attempt, time, answered=True)
    elif kind == "attempt_started":
        row = attempt_row(seq, time, learner, attempt, payload)
        if row is not None:
            # A second start of one attempt id (trainer never writes one) replaces the
            # first, as when the projections are rebuilt.
            conn.execute(delete(schema.attempts).where(schema.attempts.c.id == row["id"]))
            conn.execute(insert(schema.attempts).values(**row, **_OPEN))
    elif kind == "attempt_completed":
        values = completion_values(seq, time, payload)
        if values is not None and attempt is not None:
            conn.execute(
                update(schema.attempts).where(schema.attempts.c.id == attempt).values(values)
            )
            _tick(conn, attempt, time)
            _tally_completion(conn, attempt)
    elif kind == "policy_acknowledged":
        row = acknowledgement_row(seq, time, learner, payload)
        if row is not None:
            conn.execute(insert(schema.completions).values(row))
    elif kind == "learner_registered":
        row = learner_row(seq, time, payload)
        if row is not None:
            # A second registration of a badge (trainer refuses one) replaces the first,
            # as history_from reads it.
            c = schema.learners.c
            conn.execute(delete(schema.learners).where(c.badge == row["badge"]))
            conn.execute(insert(schema.learners).values(row))
    elif kind == "learner_role_changed":
        conn.execute(
            update(schema.learners)
            .where(schema.learners.c.badge == learner)
            .values(role=role_of(payload))
        )


# --- from the whole log -----------------------------------------------------------------


@dataclass
class _Folded:
    """The projections of a log, folded in chain order; answers are handed on as they come
    (millions: never all held at once)."""

    learners: dict[str, Values] = field(default_factory=dict)
    attempts: dict[str, Values] = field(default_factory=dict)
    completions: dict[int, Values] = field(default_factory=dict)
    answer_tally: Counter[Key] = field(default_factory=Counter)
    path_tally: Counter[Key] = field(default_factory=Counter)
    cohorts: CohortCounts = field(default_factory=CohortCounts)
    # The answers of each attempt not yet completed (a handful at any time).
    open_answers: dict[str, list[Values]] = field(default_factory=dict)

    def add(
        self,
        row: tuple[int, str, str, str | None, str | None, str],
        on_answer: Callable[[Values], None],
    ) -> None:
        seq, time, kind, learner, attempt, text = row
        open_attempt = self.attempts.get(str(attempt)) if kind == "answer_recorded" else None
        if open_attempt is not None:
            # Counted whatever the payload, as the append counts it.
            open_attempt.update(ticked(open_attempt["seconds"], open_attempt["last"], time))
            open_attempt["answers"] += 1
        try:
            p = orjson.loads(text)
        except orjson.JSONDecodeError:
            return  # the chain check names it; nothing a report could read
        if not isinstance(p, dict):
            return
        if kind == "answer_recorded":
            answer = answer_row(seq, time, learner, attempt, p)
            if answer is not None:
                on_answer(answer)
                self.open_answers.setdefault(answer["attempt"], []).append(answer)
        elif kind == "attempt_started":
            found = attempt_row(seq, time, learner, attempt, p)
            if found is not None:
                self.attempts.pop(found["id"], None)  # a restart goes last, as on append
                self.attempts[found["id"]] = {**found, **_OPEN}
        elif kind == "attempt_completed":
            target = self.attempts.get(str(attempt))
            values = completion_values(seq, time, p)
            if target is not None and values is not None and attempt is not None:
                target.update(values)
                target.update(ticked(target["seconds"], target["last"], time))
                answers = self.open_answers.pop(target["id"], [])
                counted, paths = tallies(target, answers)
                self.answer_tally.update(counted)
                self.path_tally.update(paths)
                self.cohorts.add(target, answers, self.learners.get(target["learner"]))
        elif kind == "policy_acknowledged":
            done = acknowledgement_row(seq, time, learner, p)
            if done is not None:
                self.completions[seq] = done
        elif kind == "learner_registered":
            found = learner_row(seq, time, p)
            if found is not None:
                self.learners[found["badge"]] = found
        elif kind == "learner_role_changed":
            known = self.learners.get(str(learner))
            if known is not None:
                known["role"] = role_of(p)


def _log_rows(
    conn: Connection, kinds: Iterable[str] = _KINDS, *, answers: bool = True
) -> Iterator[tuple[int, str, str, str | None, str | None, str]]:
    """The events of ``kinds`` in chain order; without ``answers``, an answer's payload
    reads as ``{}`` (most of a log, and parsing them is most of the time)."""
    c = schema.events.c
    payload = (
        c.payload
        if answers
        else case((c.kind == "answer_recorded", literal("{}")), else_=c.payload)
    )
    query = (
        select(c.seq, c.time, c.kind, c.learner, c.attempt, payload)
        .where(c.kind.in_(list(kinds)))
        .order_by(c.seq)
        .execution_options(yield_per=_BATCH, stream_results=True)
    )
    for row in conn.execute(query):
        yield tuple(row)


def rebuild(conn: Connection) -> None:
    """Empty the projections and fill them again from the log, in ``conn``'s transaction."""
    for table in schema.PROJECTIONS:
        conn.execute(delete(table))
    folded = _Folded()
    pending: list[Values] = []
    for row in _log_rows(conn):
        folded.add(row, pending.append)
        if len(pending) >= _BATCH:
            conn.execute(insert(schema.answers), pending)
            pending.clear()
    if pending:
        conn.execute(insert(schema.answers), pending)
    for table, values in (
        (schema.learners, list(folded.learners.values())),
        (schema.attempts, list(folded.attempts.values())),
        (schema.completions, list(folded.completions.values())),
    ):
        for start in range(0, len(values), _BATCH):
            conn.execute(insert(table), values[start : start + _BATCH])
    _insert_tallies(conn, folded)
    _insert_cohorts(conn, folded.cohorts)


def recount(conn: Connection, *, tallies: bool) -> None:
    """What schema 4 added to the projections, counted from the log in ``conn``'s
    transaction: the attempts' answers and time on task, and the cohort tables; and the
    tallies too when ``tallies`` (a schema-2 database's were split by agency and unit).
    The learners, attempts, answers and completions already there are left as they are."""
    folded = _Folded()
    kinds = ("learner_registered", "attempt_started", "answer_recorded", "attempt_completed")
    for row in _log_rows(conn, kinds):
        folded.add(row, lambda _answer: None)
    if tallies:
        for table in schema.TALLIES:
            conn.execute(delete(table))
        _insert_tallies(conn, folded)
    for table in schema.COHORT_TABLES:
        conn.execute(delete(table))
    _insert_cohorts(conn, folded.cohorts)
    a = schema.attempts.c
    statement = (
        update(schema.attempts)
        .where(a.id == bindparam("key"))
        .values(answers=bindparam("answers"), seconds=bindparam("seconds"), last=bindparam("last"))
    )
    rows = [
        {"key": k, "answers": v["answers"], "seconds": v["seconds"], "last": v["last"]}
        for k, v in folded.attempts.items()
    ]
    for start in range(0, len(rows), _BATCH):
        conn.execute(statement, rows[start : start + _BATCH])


def _cohort_rows(counted: CohortCounts) -> dict[Table, list[Values]]:
    items = []
    for key, counts in counted.items.items():
        stats, rests = counts.texts()
        items.append({**dict(zip(COHORT_ITEM, key, strict=True)), "stats": stats, "rests": rests})
    return {
        schema.cohort_items: items,
        schema.cohort_paths: [
            {**dict(zip(COHORT_PATH, k, strict=True)), "count": n} for k, n in counted.paths.items()
        ],
        schema.cohort_attempts: [
            {**dict(zip(COHORT_ATTEMPTS, k, strict=True)), "first_seq": first, "count": n}
            for k, (first, n) in counted.attempts.items()
        ],
    }


def _insert_cohorts(conn: Connection, counted: CohortCounts) -> None:
    for table, rows in _cohort_rows(counted).items():
        for start in range(0, len(rows), _BATCH):
            conn.execute(insert(table), rows[start : start + _BATCH])


def _insert_tallies(conn: Connection, folded: _Folded) -> None:
    for table, columns, counter in (
        (schema.answer_tally, ANSWER_TALLY, folded.answer_tally),
        (schema.path_tally, PATH_TALLY, folded.path_tally),
    ):
        rows = [{**dict(zip(columns, k, strict=True)), "count": n} for k, n in counter.items()]
        for start in range(0, len(rows), _BATCH):
            conn.execute(insert(table), rows[start : start + _BATCH])


# --- checking ---------------------------------------------------------------------------


def _key_of(table: Table) -> str:
    return next(iter(table.primary_key.columns)).name


def _describe(table: Table, key: object) -> str:
    if table is schema.learners:
        return f"learner {key}"
    if table is schema.attempts:
        return f"attempt {key}"
    if table is schema.answers:
        return f"the answer of event {key}"
    return f"the completion of event {key}"


def _difference(table: Table, key: object, stored: Values | None, wanted: Values | None) -> str:
    name = f"the {table.name} row of {_describe(table, key)}"
    if stored is None:
        return f"{name} is missing from the {table.name} table"
    if wanted is None:
        return f"{name} is in the {table.name} table but not in the log"
    for column, value in wanted.items():
        if stored.get(column) != value:
            return f"{name} says {column} = {stored.get(column)!r} where the log says {value!r}"
    return f"{name} differs from the log"  # pragma: no cover (a column outside wanted)


def _stored(conn: Connection, table: Table) -> Iterator[Values]:
    key = table.c[_key_of(table)]
    query = select(table).order_by(key).execution_options(yield_per=_BATCH, stream_results=True)
    for row in conn.execute(query):
        yield dict(row._mapping)


def check(conn: Connection) -> str | None:
    """None when every projection row is what the log says it should be; else a sentence
    naming the first row that was changed, added or deleted. One pass over the log; the
    answers table (millions of rows) is read beside it in the same order, never whole."""
    answers = _AnswerCheck(_stored(conn, schema.answers))
    folded = _Folded()
    for row in _log_rows(conn):
        folded.add(row, answers.expect)
        if answers.problem is not None:
            return answers.problem
    problem = answers.finish()
    if problem is not None:
        return problem
    wanted: dict[Table, dict[Any, Values]] = {
        schema.learners: folded.learners,
        schema.attempts: folded.attempts,
        schema.completions: folded.completions,
    }
    for table, rows in wanted.items():
        key = _key_of(table)
        have = {row[key]: row for row in _stored(conn, table)}
        for k in sorted(rows.keys() | have.keys()):
            if have.get(k) != rows.get(k):
                return _difference(table, k, have.get(k), rows.get(k))
    for table, columns, counter in (
        (schema.answer_tally, ANSWER_TALLY, folded.answer_tally),
        (schema.path_tally, PATH_TALLY, folded.path_tally),
    ):
        stored: Counter[Key] = Counter()
        for found in _stored(conn, table):
            stored[tuple(found[c] for c in columns)] += found["count"]
        for k in sorted(stored.keys() | counter.keys(), key=repr):
            if stored[k] != counter[k]:
                what = ", ".join(f"{c} {v!r}" for c, v in zip(columns, k, strict=True))
                return (
                    f"the {table.name} table counts {stored[k]} where the log counts "
                    f"{counter[k]} for {what}"
                )
    return _check_cohorts(conn, folded.cohorts)


_COHORT_KEYS = {
    schema.cohort_items: COHORT_ITEM,
    schema.cohort_paths: COHORT_PATH,
    schema.cohort_attempts: COHORT_ATTEMPTS,
}


def _check_cohorts(conn: Connection, counted: CohortCounts) -> str | None:
    """The first cohort row that is not what the log says, named by its key."""
    for table, rows in _cohort_rows(counted).items():
        columns = _COHORT_KEYS[table]
        wanted: dict[Key, Values] = {}
        for row in rows:
            wanted[tuple(row[c] for c in columns)] = {
                c: v for c, v in row.items() if c not in columns
            }
        have: dict[Key, Values] = {}
        for found in _stored(conn, table):
            k = tuple(found[c] for c in columns)
            values = {c: v for c, v in found.items() if c not in columns and c != "id"}
            if k in have:  # two rows for one key: the second is one the log does not have
                return f"the {table.name} table has two rows for {_named(columns, k)}"
            have[k] = values
        for k in sorted(wanted.keys() | have.keys(), key=repr):
            if have.get(k) != wanted.get(k):
                name = f"the {table.name} row of {_named(columns, k)}"
                if k not in have:
                    return f"{name} is missing"
                if k not in wanted:
                    return f"{name} is not in the log"
                column = next(c for c in wanted[k] if have[k][c] != wanted[k][c])
                said, meant = have[k][column], wanted[k][column]
                return f"{name} says {column} = {said!r} where the log says {meant!r}"
    return None


def _named(columns: Sequence[str], key: Key) -> str:
    return ", ".join(f"{c} {v!r}" for c, v in zip(columns, key, strict=True) if c != "path") + (
        "" if "path" not in columns else f", path {key[columns.index('path')]}"
    )


class _AnswerCheck:
    """The stored answers, compared one by one with the answers the log gives."""

    def __init__(self, stored: Iterator[Values]) -> None:
        self.stored = stored
        self.have = next(stored, None)
        self.problem: str | None = None

    def expect(self, want: Values) -> None:
        if self.problem is not None:
            return
        have, t = self.have, schema.answers
        if have is not None and have["seq"] < want["seq"]:
            self.problem = _difference(t, have["seq"], have, None)
        elif have is None or have["seq"] != want["seq"]:
            self.problem = _difference(t, want["seq"], None, want)
        elif have != want:
            self.problem = _difference(t, want["seq"], have, want)
        else:
            self.have = next(self.stored, None)

    def finish(self) -> str | None:
        if self.problem is None and self.have is not None:
            self.problem = _difference(schema.answers, self.have["seq"], self.have, None)
        return self.problem
