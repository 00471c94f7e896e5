"""The rows behind the exports (xAPI statements, every attempt as CSV), read from the
projection tables as plain tuples: a department's export covers millions of events, and
parsing their JSON payloads was most of its time.

Every projection row carries the ``seq`` of its event, which gives the event's hash (the
xAPI statement id is made from it) and its place in the chain. ``since`` is a stored time
text (records/events.py ``format_time``): only what was recorded at or after it is read.
An export's queries all run in one read snapshot (:func:`reading`), so that a learner
registered or an attempt completed while it runs is in all of it or none.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Connection, Select, literal, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from trainer.records import schema
from trainer.records.db import read_transaction, records_error
from trainer.records.log import EventLog

_BATCH = 20_000
"""Rows fetched at a time; on PostgreSQL they come from a server-side cursor."""
_STATEMENT_BATCH = 5_000
"""The same for each of the four streams of statements, merged into batches of up to four
times as many rows: one batch of statements is held at a time (about 25 MB)."""

Row = tuple[Any, ...]

# The first two fields of every xAPI row: seq, then one of these tags.
STARTED: Final = 0
"""seq, tag, time, hash, attempt, learner, version, content_hash, track, module."""
ANSWERED: Final = 1
"""seq, tag, time, hash, attempt, scenario, step, selected (JSON list), points, maximum,
verdict."""
ENDED: Final = 2
"""An attempt completed: seq, tag, time, hash, attempt, earned, maximum, passed, seconds."""
ACKNOWLEDGED: Final = 3
"""A track completed: seq, tag, time, hash, learner, track, version, content_hash, payload
(the event's, for what the projection does not keep: the time on task it states)."""
OPEN: Final = 4
"""An attempt started before ``since`` and not completed before it, so that its answers
and completion in the window can be told: laid out as :data:`STARTED`, not a statement."""


@contextmanager
def reading(log: EventLog) -> Iterator[ExportReader]:
    """A reader of the export rows, all from one read snapshot of ``log``; a database
    failure comes out as RecordsError."""
    try:
        with read_transaction(log.engine) as conn:
            yield ExportReader(conn)
    except SQLAlchemyError as exc:
        raise records_error(exc, log.engine.url) from exc


class ExportReader:
    """The queries of the exports, on one connection in one read transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def learners(self) -> dict[str, tuple[str, str, str | None]]:
        """Every registered learner's name, agency and unit, by badge."""
        w = schema.learners.c
        query = select(w.badge, w.name, w.agency, w.unit)
        return {row[0]: row[1:] for batch in self._batches(query) for row in batch}

    def attempts(self, since: str | None = None) -> Iterator[list[Row]]:
        """Every attempt (started at or after ``since``) in chain order, in batches: id,
        learner, track, module, version, content_hash, seed, items (JSON list), started,
        completed, answers, earned, maximum, passed, seconds."""
        a = schema.attempts.c
        query = (
            select(a.id, a.learner, a.track, a.module, a.version, a.content_hash, a.seed)
            .add_columns(a["items"], a.started, a.completed, a.answers, a.earned, a.maximum)
            .add_columns(a.passed, a.seconds)
            .order_by(a.seq)
        )
        if since is not None:
            query = query.where(a.started >= since)
        return self._batches(query)

    def statements(self, since: str | None = None) -> Iterator[list[Row]]:
        """The rows of the xAPI export in batches: first the attempts still open at
        ``since`` (:data:`OPEN`, only with ``since``), then attempts started, answers,
        attempts completed and tracks completed, in chain order."""
        e, a, n, c = schema.events.c, schema.attempts.c, schema.answers.c, schema.completions.c
        started = (
            select(a.seq, literal(STARTED), a.started, e.hash, a.id, a.learner)
            .add_columns(a.version, a.content_hash, a.track, a.module)
            .join_from(schema.attempts, schema.events, e.seq == a.seq)
            .order_by(a.seq)
        )
        answered = (
            select(n.seq, literal(ANSWERED), n.time, e.hash, n.attempt, n.scenario, n.step)
            .add_columns(n.selected, n.points, n.maximum, n.verdict)
            .join_from(schema.answers, schema.events, e.seq == n.seq)
            .order_by(n.seq)
        )
        ended = (
            select(a.completed_seq, literal(ENDED), a.completed, e.hash, a.id, a.earned)
            .add_columns(a.maximum, a.passed, a.seconds)
            .join_from(schema.attempts, schema.events, e.seq == a.completed_seq)
            .where(a.completed_seq.is_not(None))
            .order_by(a.completed_seq)
        )
        acknowledged = (
            select(c.seq, literal(ACKNOWLEDGED), c.time, e.hash, c.learner, c.track, c.version)
            .add_columns(c.content_hash, e.payload)
            .join_from(schema.completions, schema.events, e.seq == c.seq)
            .order_by(c.seq)
        )
        opened: Select[Any] | None = None
        if since is not None:
            started = started.where(a.started >= since)
            answered = answered.where(n.time >= since)
            ended = ended.where(a.completed >= since)
            acknowledged = acknowledged.where(c.time >= since)
            opened = (
                select(a.seq, literal(OPEN), a.started, literal(""), a.id, a.learner)
                .add_columns(a.version, a.content_hash, a.track, a.module)
                .where(a.started < since, a.completed.is_(None) | (a.completed >= since))
                .order_by(a.seq)
            )
        if opened is not None:
            yield from self._batches(opened)
        streams = [
            self._batches(query, _STATEMENT_BATCH)
            for query in (started, answered, ended, acknowledged)
        ]
        yield from _merged(streams)

    def _batches(self, query: Select[Any], size: int = _BATCH) -> Iterator[list[Row]]:
        """The rows of ``query`` as the driver's plain tuples, in batches (from a
        server-side cursor of its own on PostgreSQL, so that several can be read at
        once): SQLAlchemy's rows cost more than the work done with millions of them."""
        conn = self.conn
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        driver = conn.connection.driver_connection
        assert driver is not None
        if conn.dialect.name == "postgresql":
            cursor = driver.cursor(name=f"trainer_export_{next(_cursors)}")
        else:
            cursor = driver.cursor()
        dbapi = conn.dialect.loaded_dbapi
        try:
            cursor.execute(sql)
            while batch := cursor.fetchmany(size):
                yield batch
        except dbapi.Error as exc:  # the driver's own, unwrapped by SQLAlchemy: wrap it here
            raise records_error(DBAPIError(sql, None, exc), conn.engine.url) from exc
        finally:
            cursor.close()


def _merged(streams: list[Iterator[list[Row]]]) -> Iterator[list[Row]]:
    """Streams of rows in batches, each stream in seq order (the first field), merged
    into batches in seq order. Each round takes from every stream the rows up to the
    lowest seq that all of them have reached, and sorts them: sorting a few sorted runs
    laid end to end is a merge in C, where merging row by row in Python costs more than
    reading the rows."""
    buffers: list[list[Row]] = [[] for _ in streams]
    live = list(range(len(streams)))
    while live:
        for i in list(live):
            if not buffers[i]:
                buffers[i] = next(streams[i], [])
                if not buffers[i]:
                    live.remove(i)
        if not live:
            break
        horizon = min(buffers[i][-1][0] for i in live)
        batch: list[Row] = []
        for i in live:
            buffer = buffers[i]
            cut = bisect.bisect_right(buffer, horizon, key=_seq)
            batch += buffer[:cut]
            buffers[i] = buffer[cut:]
        batch.sort()  # by seq: unique, so no tuple is compared past its first field
        yield batch


def _seq(row: Row) -> int:
    seq: int = row[0]
    return seq


_cursors = itertools.count()
