"""Where the records live and how to connect: SQLite by default, PostgreSQL by URL.

The engine is made in :func:`connect`, never at import. Every failure a person can cause
(a wrong path, a read-only file, a server that is down, a missing driver) comes out as a
:class:`RecordsError` with a one-line message; nothing else here should reach a user.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.schema import CreateColumn

from trainer.datadir import data_dir
from trainer.records import projection, schema
from trainer.records.events import GENESIS_HASH

_log = logging.getLogger(__name__)

ENV_VAR = "TRAINER_DB"
BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 10

# Any fixed number: the PostgreSQL advisory lock that serialises creating the schema.
_SCHEMA_LOCK = 0x7472_6169_6E65_72
_BEGIN_OPTION = "trainer_sqlite_begin"
_BEGIN_MODES = frozenset({"IMMEDIATE", "DEFERRED"})

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26


class RecordsError(Exception):
    """A records problem a person can act on; ``str()`` is a one-line message."""


def default_database_url() -> str:
    """``TRAINER_DB`` if set (a URL or a file path), else ``trainer.db`` in the data folder
    (:func:`trainer.datadir.data_dir`)."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return resolve_url(configured)
    return sqlite_url(data_dir() / "trainer.db")


def resolve_url(url: str | None) -> str:
    """None means the default; a string without ``://`` is a file path, made absolute."""
    if url is None:
        return default_database_url()
    if "://" not in url:
        return sqlite_url(Path(url).expanduser().absolute())
    return url


def sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """How to name a database in a message: the file path, or the URL without password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "the in-memory SQLite database"
    return url.render_as_string(hide_password=True)


def connect(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`) with the schema in place.

    SQLite gets WAL, ``synchronous=FULL`` (a committed event survives a power cut) and
    ``BEGIN IMMEDIATE`` for every write transaction, so a writer holds the lock before it
    reads the chain head. A database written by a newer trainer is refused, untouched.
    """
    resolved = resolve_url(url)
    try:
        sa_url = make_url(resolved)
    except ArgumentError as exc:
        raise RecordsError(
            f"{resolved!r} is not a database URL: give a file path, sqlite:///PATH "
            "or postgresql+psycopg://USER@HOST/DATABASE"
        ) from exc
    backend = sa_url.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(sa_url)
    elif backend in ("postgresql", "postgres"):
        engine = _postgres_engine(sa_url)
    else:
        raise RecordsError(
            f"trainer keeps records in SQLite or PostgreSQL, not {backend!r} ({describe(sa_url)})"
        )
    try:
        _prepare(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise records_error(exc, engine.url) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    is_uri = str(url.query.get("uri", "")).lower() in ("true", "1")
    if database and database != ":memory:" and not is_uri:
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordsError(f"cannot create the folder {folder}: {exc.strerror}") from exc
    engine = _create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy issues BEGIN itself (hook below)
        cursor = dbapi_conn.cursor()
        try:
            # busy_timeout first: switching to WAL needs a lock another process may hold.
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Python 3.11's sqlite3 has no autocommit attribute: take the write lock at BEGIN,
        # so two writers cannot both read the chain head and then fork it.
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_engine(url: URL) -> Engine:
    if "+" not in url.drivername:  # postgresql:// and postgres:// mean psycopg 3 here
        url = url.set(drivername="postgresql+psycopg")
    connect_args: dict[str, object] = {}
    if url.get_driver_name() == "psycopg" and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return _create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def _create_engine(url: URL, **options: object) -> Engine:
    """``create_engine``, with a missing or unknown driver told as a RecordsError."""
    try:
        return create_engine(url, **options)
    except ModuleNotFoundError as exc:
        if url.get_backend_name() == "postgresql":
            raise RecordsError(
                f"the PostgreSQL driver {exc.name!r} is not installed: use "
                "postgresql+psycopg://... and install it with pip install 'trainer[postgres]'"
            ) from exc
        raise RecordsError(
            f"the database driver {exc.name!r} for {describe(url)} is not installed"
        ) from exc
    except NoSuchModuleError as exc:
        raise RecordsError(
            f"unknown database driver {url.get_driver_name()!r} in {describe(url)}"
        ) from exc


def _prepare(engine: Engine) -> None:
    """Create what is missing, in one transaction; refuse a newer schema before any change."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # CREATE TABLE is not safe to race on PostgreSQL: first-time setup goes one by one.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        version: str | None = None
        if inspect(conn).has_table(schema.meta.name):
            version = conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
            ).scalar()
        if version is not None:
            _check_version(version, engine.url)
        if version is not None and int(version) == 2:
            # Schema 2's tallies have columns 3 dropped: gone before create_all makes them anew.
            for table in schema.TALLIES:
                table.drop(conn)
        if version is not None and 2 <= int(version) < 4:
            _add_columns(conn, schema.attempts, schema.ATTEMPT_TIMES)
        schema.metadata.create_all(conn)
        if version is None:
            conn.execute(
                insert(schema.meta).values(key="schema_version", value=str(schema.SCHEMA_VERSION))
            )
        elif int(version) < schema.SCHEMA_VERSION:
            # Said before, not after: on a department's record this takes minutes, once.
            _log.warning(
                "trainer: upgrading %s from records schema %s to %s (once; a large record "
                "takes a few minutes, and nothing is lost if it is interrupted)",
                describe(engine.url),
                version,
                schema.SCHEMA_VERSION,
            )
            _migrate(conn, int(version))
        head = conn.execute(
            select(schema.chain_head.c.id).where(schema.chain_head.c.id == schema.HEAD_ROW)
        ).first()
        if head is None:
            has_events = conn.execute(select(schema.events.c.seq).limit(1)).first() is not None
            if has_events:
                raise RecordsError(
                    f"{describe(engine.url)} has events but no chain head: the log was changed "
                    "outside trainer"
                )
            conn.execute(
                insert(schema.chain_head).values(id=schema.HEAD_ROW, count=0, hash=GENESIS_HASH)
            )
        else:
            # A write that changes nothing: SQLite opens a file it may not write read-only
            # without a word, and a read-only PostgreSQL role or replica reads fine. Better
            # to refuse now than after a learner's first answer.
            conn.execute(
                update(schema.chain_head)
                .where(schema.chain_head.c.id == schema.HEAD_ROW)
                .values(count=schema.chain_head.c.count)
            )


def _add_columns(conn: Connection, table: Table, names: Sequence[str]) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for the ``names`` columns of ``table``, as the schema
    declares them (each has a server default, so the rows already there get it)."""
    for name in names:
        spec = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {spec}"))


def _migrate(conn: Connection, version: int) -> None:
    """From ``version`` to the newest, in the transaction that created the new tables, so a
    failure leaves the database as it was. From 1 (the log alone): every projection filled
    from the log. From 2: the tallies, recreated without agency and unit, counted again.
    From 2 and 3: the attempts' answers and time on task and the cohort tables, counted
    from the log (with the tallies, from 2)."""
    if version < 2:
        projection.rebuild(conn)
    else:
        projection.recount(conn, tallies=version < 3)
    conn.execute(
        update(schema.meta)
        .where(schema.meta.c.key == "schema_version")
        .values(value=str(schema.SCHEMA_VERSION))
    )


def _check_version(value: str, url: URL) -> None:
    try:
        version = int(value)
    except ValueError:
        raise RecordsError(
            f"{describe(url)} has an unreadable schema version {value!r}: it is not a trainer "
            "database, or it was changed outside trainer"
        ) from None
    if version > schema.SCHEMA_VERSION:
        raise RecordsError(
            f"this database was written by a newer trainer (schema {version}; this trainer "
            f"reads up to {schema.SCHEMA_VERSION}): upgrade trainer"
        )


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that sees one snapshot and takes no write lock: SQLite's deferred BEGIN
    (its snapshot starts at the first read), PostgreSQL's REPEATABLE READ, read only."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            conn.execution_options(**{_BEGIN_OPTION: "DEFERRED"})
        with conn.begin():
            yield conn


def records_error(exc: SQLAlchemyError, url: URL) -> RecordsError:
    """The one-line message for a database failure."""
    where = describe(url)
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    if isinstance(orig, sqlite3.Error):
        return RecordsError(_sqlite_message(orig, where))
    if orig is not None and url.get_backend_name() == "postgresql":
        return RecordsError(_postgres_message(orig, where))
    return RecordsError(f"{where}: {_first_line(str(orig or exc))}")


def _sqlite_message(error: sqlite3.Error, path: str) -> str:
    says = f"SQLite says '{_first_line(str(error))}'"
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_NOTADB:
        return f"{path} is not a trainer database: {says}"
    if code in (_SQLITE_READONLY, _SQLITE_PERM):
        return f"cannot write to {path}: {says} (check the permissions of the file and its folder)"
    if code == _SQLITE_CANTOPEN:
        folder = Path(path).parent
        if folder.is_dir() and not os.access(folder, os.W_OK):
            return f"cannot write to {path}: its folder {folder} is read-only ({says})"
        return f"cannot open {path}: {says}"
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return (
            f"{path} is busy: another program held it locked for over "
            f"{BUSY_TIMEOUT_MS // 1000} s ({says})"
        )
    if code == _SQLITE_FULL:
        return f"cannot write to {path}: the disk is full ({says})"
    if code == _SQLITE_CORRUPT:
        return f"{path} is damaged: {says}"
    if code == _SQLITE_IOERR:
        return f"cannot read or write {path}: {says}"
    return f"{path}: {says}"


def _postgres_message(orig: BaseException, where: str) -> str:
    sqlstate = getattr(orig, "sqlstate", None)
    detail = _first_line(str(orig))
    if sqlstate is None or sqlstate.startswith(("08", "57P", "28", "3D")):
        # No SQLSTATE: the client never got a session (refused, timed out, bad host).
        return f"cannot connect to PostgreSQL at {where}: {detail}"
    if sqlstate in ("42501", "25006"):  # insufficient privilege, read-only transaction
        return f"cannot write to {where}: PostgreSQL says '{detail}'"
    if sqlstate.startswith("53"):  # insufficient resources: disk full, out of memory
        return f"the PostgreSQL server for {where} is out of resources: {detail}"
    return f"{where}: PostgreSQL says '{detail}'"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "no details"
