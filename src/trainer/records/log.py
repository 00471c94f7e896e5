"""The event log: append one event per transaction, read events back, check the chain."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import TracebackType

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from trainer.records import projection, schema
from trainer.records.chain import ChainReport, ChainRow, verify_chain
from trainer.records.db import RecordsError, connect, describe, read_transaction, records_error
from trainer.records.events import (
    EVENT_KINDS,
    EventKind,
    NewEvent,
    StoredEvent,
    event_hash,
    format_time,
    parse_time,
    payload_text,
    utc_now,
)

Guard = Callable[[Connection], None]

# A lost race for the same place in the chain is an IntegrityError on UNIQUE(prev_hash);
# the chain head lock makes it rare, so a few tries are plenty. More means tampering.
APPEND_TRIES = 3


@dataclass
class _Progress:
    in_guard: bool = False


class EventLog:
    """The append-only, hash-chained log of learner events. ``engine`` comes from
    :func:`trainer.records.db.connect` (its SQLite hooks provide the write lock)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self._clock = clock

    @classmethod
    def open(cls, url: str | None = None) -> EventLog:
        """The log in the database at ``url`` (see :func:`trainer.records.db.resolve_url`)."""
        return cls(connect(url))

    def close(self) -> None:
        """Close the pooled connections; the log may be used again afterwards."""
        self.engine.dispose()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def append(self, event: NewEvent, guard: Guard | None = None) -> StoredEvent:
        """Append ``event`` in its own transaction, committed before this returns.

        Under the write lock, ``guard(conn)`` runs first; it checks preconditions with
        :meth:`events_in` and raises to refuse, in which case its exception propagates and
        nothing is written. A guard must not write, and may run again if the append is
        retried after losing a race for its place in the chain.
        """
        _check_new(event)
        stored_payload = payload_text(event.payload)
        for attempt in range(1, APPEND_TRIES + 1):
            progress = _Progress()
            try:
                with self.engine.begin() as conn:
                    stored = self._append_in(conn, event, stored_payload, guard, progress)
                return stored
            except IntegrityError as exc:
                if progress.in_guard:
                    raise
                if attempt == APPEND_TRIES:
                    raise RecordsError(
                        f"cannot append to {describe(self.engine.url)}: the next place in the "
                        "chain is already taken, so the log was changed outside trainer "
                        "(check the chain)"
                    ) from exc
            except SQLAlchemyError as exc:
                if progress.in_guard:
                    raise
                raise records_error(exc, self.engine.url) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _append_in(
        self,
        conn: Connection,
        event: NewEvent,
        stored_payload: str,
        guard: Guard | None,
        progress: _Progress,
    ) -> StoredEvent:
        # On PostgreSQL the row lock is the write lock: the next writer waits here until
        # this commits. (SQLite's BEGIN IMMEDIATE already holds the whole file.)
        locking = conn.dialect.name == "postgresql"
        head = conn.execute(_HEAD_LOCKED if locking else _HEAD).first()
        if head is None:
            raise RecordsError(
                f"{describe(self.engine.url)} has no chain head: the log was changed outside "
                "trainer"
            )
        if guard is not None:
            progress.in_guard = True
            guard(conn)
            progress.in_guard = False
        count, prev_hash = head
        seq = count + 1
        time = format_time(self._clock())
        digest = event_hash(
            prev_hash, seq, time, event.kind, event.learner, event.attempt, stored_payload
        )
        conn.execute(
            _INSERT_EVENT,
            {
                "seq": seq,
                "time": time,
                "kind": event.kind,
                "learner": event.learner,
                "attempt": event.attempt,
                "payload": stored_payload,
                "prev_hash": prev_hash,
                "hash": digest,
            },
        )
        conn.execute(_MOVE_HEAD, {"new_count": seq, "new_hash": digest})
        projection.project(conn, seq, time, event.kind, event.learner, event.attempt, event.payload)
        return StoredEvent(
            seq=seq,
            time=parse_time(time),
            kind=event.kind,
            learner=event.learner,
            attempt=event.attempt,
            payload=json.loads(stored_payload),
            prev_hash=prev_hash,
            hash=digest,
        )

    def events(
        self,
        *,
        learner: str | None = None,
        attempt: str | None = None,
        kinds: Collection[EventKind] | None = None,
        after_seq: int = 0,
    ) -> list[StoredEvent]:
        """The events that match every filter given, in chain order."""
        with _reading(self.engine) as conn:
            return self.events_in(
                conn, learner=learner, attempt=attempt, kinds=kinds, after_seq=after_seq
            )

    def events_in(
        self,
        conn: Connection,
        *,
        learner: str | None = None,
        attempt: str | None = None,
        kinds: Collection[EventKind] | None = None,
        after_seq: int = 0,
    ) -> list[StoredEvent]:
        """:meth:`events` on an open connection: inside a guard, it sees what the append
        will follow."""
        query = _filtered(learner is not None, attempt is not None, kinds is not None)
        values: dict[str, object] = {"after": after_seq, "learner": learner, "attempt": attempt}
        if kinds is not None:
            values["kinds"] = list(kinds)
        try:
            rows = conn.execute(query, values).all()
        except SQLAlchemyError as exc:
            raise records_error(exc, conn.engine.url) from exc
        return [self._stored(row) for row in rows]

    def rows(
        self, *, kinds: Collection[EventKind], payloads: bool = True, batch: int = 5000
    ) -> Iterator[Row[int, str, str, str | None, str | None, str, str, str]]:
        """The events of ``kinds`` in chain order as their stored texts, unparsed: (seq,
        time, kind, learner, attempt, payload, prev_hash, hash), streamed in batches from
        one snapshot (open until the iterator is exhausted or closed). For exports of
        millions of events, which read the time as it is stored (ISO 8601, UTC) and parse
        only the payloads they need; with ``payloads=False`` the payload and both hashes
        are read as '' (a fraction of the bytes)."""
        c = schema.events.c
        query = _events_query(bare=not payloads)
        query = query.where(c.kind.in_(list(kinds))).order_by(c.seq)
        with _reading(self.engine) as conn:
            try:
                yield from conn.execute(
                    query.execution_options(yield_per=batch, stream_results=True)
                )
            except SQLAlchemyError as exc:
                raise records_error(exc, self.engine.url) from exc

    def head(self) -> tuple[int, str]:
        """The chain head: how many events were appended, and the hash of the last one."""
        with _reading(self.engine) as conn:
            head = _read_head(conn)
        if head is None:
            raise RecordsError(
                f"{describe(self.engine.url)} has no chain head: the log was changed outside "
                "trainer"
            )
        return head

    def check(self) -> ChainReport:
        """Recompute every hash and link, and compare the end of the chain with its head;
        then recompute the projection tables from the intact log and compare them with
        what is stored (reports read those: a changed row would change a report)."""
        with _reading(self.engine) as conn:
            head = _read_head(conn)
            rows = conn.execute(
                _events_query().order_by(schema.events.c.seq).execution_options(yield_per=1000)
            )
            report = verify_chain((ChainRow(*row) for row in rows), head)
            if not report.ok:
                return report
            problem = projection.check(conn)
        if problem is not None:
            return ChainReport(False, report.count, report.head_hash, None, problem)
        return report

    def _stored(
        self, row: Row[int, str, str, str | None, str | None, str, str, str]
    ) -> StoredEvent:
        seq, time, kind, learner, attempt, payload, prev_hash, digest = row

        def changed(why: str) -> RecordsError:  # made only when needed: reports read 1000s
            where = describe(self.engine.url)
            return RecordsError(f"event {seq} in {where} was changed outside trainer: {why}")

        if kind not in EVENT_KINDS:
            raise changed(f"unknown kind {kind!r}")
        try:
            data = orjson.loads(payload)
            when = parse_time(time)
        except ValueError as exc:
            raise changed(str(exc)) from exc
        if not isinstance(data, dict):
            raise changed("its payload is not a JSON object")
        return StoredEvent(seq, when, kind, learner, attempt, data, prev_hash, digest)


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction whose database failures come out as :class:`RecordsError`."""
    try:
        with read_transaction(engine) as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise records_error(exc, engine.url) from exc


def _events_query(
    *, bare: bool = False
) -> Select[int, str, str, str | None, str | None, str, str, str]:
    """seq, time, kind, learner, attempt, payload, prev_hash, hash: the stored texts (with
    ``bare``, the payload and both hashes as '')."""
    c = schema.events.c
    if bare:
        blank = literal("")
        return select(c.seq, c.time, c.kind, c.learner, c.attempt, blank, blank, blank)
    return select(c.seq, c.time, c.kind, c.learner, c.attempt, c.payload, c.prev_hash, c.hash)


@cache
def _filtered(
    learner: bool, attempt: bool, kinds: bool
) -> Select[int, str, str, str | None, str | None, str, str, str]:
    """The events query of :meth:`EventLog.events_in` for the filters given, with bound
    parameters (after, learner, attempt, kinds): built once for each combination."""
    c = schema.events.c
    query = _events_query().where(c.seq > bindparam("after"))
    if learner:
        query = query.where(c.learner == bindparam("learner"))
    if attempt:
        query = query.where(c.attempt == bindparam("attempt"))
    if kinds:
        query = query.where(c.kind.in_(bindparam("kinds", expanding=True)))
    return query.order_by(c.seq)


# Built once: an append is on the path from an answer to its feedback, and building a
# statement costs more than running it.
_HEAD = select(schema.chain_head.c.count, schema.chain_head.c.hash).where(
    schema.chain_head.c.id == schema.HEAD_ROW
)
_HEAD_LOCKED = _HEAD.with_for_update()
_INSERT_EVENT = insert(schema.events)
_MOVE_HEAD = (
    update(schema.chain_head)
    .where(schema.chain_head.c.id == schema.HEAD_ROW)
    .values(count=bindparam("new_count"), hash=bindparam("new_hash"))
)


def _read_head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(_HEAD).first()
    return None if row is None else (int(row[0]), str(row[1]))


def _check_new(event: NewEvent) -> None:
    """Refuse what the log could not store the same way on every database."""
    if event.kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {event.kind!r} (known: {', '.join(EVENT_KINDS)})")
    for name, value in (("learner", event.learner), ("attempt", event.attempt)):
        if value is not None and (not value or "\x00" in value):
            raise ValueError(f"{name} must be a non-empty string without NUL characters")
