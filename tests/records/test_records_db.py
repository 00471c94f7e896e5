"""Finding and opening the records database, and refusing bad ones with a clear message."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from records_support import free_port
from sqlalchemy import Engine, create_engine

from trainer.records import (
    EventLog,
    NewEvent,
    RecordsError,
    connect,
    default_database_url,
    resolve_url,
    schema,
)

# --- where the database is --------------------------------------------------------------


def test_the_default_is_trainer_db_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at tmp_path / "xdg-data".
    expected = tmp_path / "xdg-data" / "trainer" / "trainer.db"
    assert default_database_url() == f"sqlite:///{expected}"
    assert resolve_url(None) == f"sqlite:///{expected}"


def test_trainer_home_moves_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "academy"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'academy' / 'trainer.db'}"


def test_trainer_db_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_DB", "postgresql+psycopg://training@db.example/records")
    assert default_database_url() == "postgresql+psycopg://training@db.example/records"
    assert resolve_url(None) == "postgresql+psycopg://training@db.example/records"


def test_trainer_db_may_be_a_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRAINER_DB", "dept/records.db")
    assert resolve_url(None) == f"sqlite:///{tmp_path}/dept/records.db"
    with EventLog.open() as log:
        log.append(NewEvent("course_version", {"version": "1.0.0"}))
    assert (tmp_path / "dept" / "records.db").is_file()


def test_a_path_becomes_an_absolute_sqlite_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("records/dept.db") == f"sqlite:///{tmp_path}/records/dept.db"
    assert resolve_url("/srv/trainer.db") == "sqlite:////srv/trainer.db"
    assert resolve_url("sqlite:////srv/x.db") == "sqlite:////srv/x.db"


def test_connect_creates_the_default_folder_and_database(tmp_path: Path) -> None:
    folder = tmp_path / "xdg-data" / "trainer"
    assert not folder.exists()
    with EventLog.open() as log:
        log.append(NewEvent("learner_registered", {"name": "Dana"}, learner="B-1"))
    assert (folder / "trainer.db").is_file()
    with EventLog.open(str(folder / "trainer.db")) as log:
        assert [e.learner for e in log.events()] == ["B-1"]


def test_a_path_with_spaces_and_question_marks(tmp_path: Path) -> None:
    path = tmp_path / "my records" / "what?.db"
    with EventLog.open(str(path)) as log:
        log.append(NewEvent("course_version", {"version": "1.0.0"}))
    assert path.is_file()


def test_importing_records_creates_nothing_and_loads_no_face(tmp_path: Path) -> None:
    data = tmp_path / "fresh-data"
    code = textwrap.dedent(
        """
        import sys
        import trainer.records
        loaded = sorted(m for m in ("textual", "click", "trainer.cli") if m in sys.modules)
        print(",".join(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""
    assert not data.exists()


# --- refusing bad databases -------------------------------------------------------------


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    junk = b"not SQLite at all\n" + os.urandom(4096)
    path.write_bytes(junk)
    with pytest.raises(RecordsError) as caught:
        connect(str(path))
    assert str(caught.value) == (
        f"{path} is not a trainer database: SQLite says 'file is not a database'"
    )
    assert path.read_bytes() == junk


def test_a_newer_schema_is_refused_and_left_untouched(db_url: str) -> None:
    with EventLog.open(db_url) as log:
        log.append(NewEvent("learner_registered", {"name": "Dana"}, learner="B-1"))
    raw = create_engine(db_url)
    try:
        with raw.begin() as conn:
            conn.exec_driver_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        before = _dump(raw)

        with pytest.raises(RecordsError) as caught:
            connect(db_url)
        assert str(caught.value) == (
            "this database was written by a newer trainer (schema 99; this trainer reads up "
            f"to {schema.SCHEMA_VERSION}): upgrade trainer"
        )
        assert _dump(raw) == before
    finally:
        raw.dispose()


def _dump(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return [
            conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all()
            for table in ("meta", "events", "chain_head")
        ]


def _without_root_powers() -> None:
    """Runs in the child between fork and exec: drop CAP_DAC_OVERRIDE (1) and
    CAP_DAC_READ_SEARCH (2) from the capability bounding set, so the exec'd process keeps
    uid 0 but the kernel checks file permissions for it like for anyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def connect_as_a_plain_user(target: str) -> str:
    """Open ``target`` in a child process that file permissions really apply to, and
    return the RecordsError message it got (or ``opened``).

    Root ignores file modes, so as root the child runs without the capabilities that let
    root bypass them (see :func:`_without_root_powers`); as anyone else it simply runs.
    """
    code = textwrap.dedent(
        """
        import sys
        from trainer.records import RecordsError, connect
        try:
            connect(sys.argv[1]).dispose()
        except RecordsError as error:
            print(error)
        else:
            print("opened")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code, target],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=_without_root_powers if os.geteuid() == 0 else None,
    )
    return result.stdout.strip()


def _filled(path: Path) -> list[int]:
    with EventLog.open(str(path)) as log:
        for n in range(3):
            log.append(NewEvent("answer_recorded", {"item": f"q{n}"}, learner="B-1"))
        return [e.seq for e in log.events()]


def _intact(path: Path, seqs: list[int]) -> None:
    with EventLog.open(str(path)) as log:
        assert [e.seq for e in log.events()] == seqs
        assert log.check().ok


def test_a_read_only_database_file(tmp_path: Path) -> None:
    """chmod 0444 on the file, its folder writable: opening it must fail, not half-work."""
    path = tmp_path / "records.db"
    seqs = _filled(path)
    path.chmod(0o444)
    try:
        message = connect_as_a_plain_user(str(path))
    finally:
        path.chmod(0o644)
    assert message.startswith(f"cannot write to {path}: SQLite says 'attempt to write a readonly")
    _intact(path, seqs)


def test_a_database_in_a_read_only_folder(tmp_path: Path) -> None:
    """The file is writable but its folder is not, so SQLite cannot make its WAL files."""
    folder = tmp_path / "locked"
    path = folder / "records.db"
    seqs = _filled(path)
    folder.chmod(0o555)
    try:
        message = connect_as_a_plain_user(str(path))
    finally:
        folder.chmod(0o755)
    assert message.startswith(f"cannot write to {path}")
    _intact(path, seqs)


def test_a_new_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        message = connect_as_a_plain_user(str(folder / "new.db"))
    finally:
        folder.chmod(0o755)
    assert message == (
        f"cannot write to {folder / 'new.db'}: its folder {folder} is read-only "
        "(SQLite says 'unable to open database file')"
    )
    assert list(folder.iterdir()) == []


def test_an_unreachable_postgresql_server() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(RecordsError) as caught:
        connect(f"postgresql+psycopg://training:s3cret@127.0.0.1:{port}/records")
    message = str(caught.value)
    assert message.startswith(
        f"cannot connect to PostgreSQL at postgresql+psycopg://training:***@127.0.0.1:{port}"
        "/records: "
    )
    assert "refused" in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_plain_postgresql_urls_use_psycopg() -> None:
    port = free_port()
    with pytest.raises(RecordsError, match=r"^cannot connect to PostgreSQL at postgresql\+psycopg"):
        connect(f"postgresql://training@127.0.0.1:{port}/records")


def test_a_missing_driver() -> None:
    with pytest.raises(RecordsError) as caught:
        connect("postgresql+psycopg2cffi://training@127.0.0.1/records")
    assert str(caught.value) == (
        "the PostgreSQL driver 'psycopg2cffi' is not installed: use postgresql+psycopg://... "
        "and install it with pip install 'trainer[postgres]'"
    )


def test_an_unknown_driver(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordsError, match=r"^unknown database driver 'nosuchdriver' in "):
        connect("sqlite+nosuchdriver:///records.db")


def test_an_unsupported_database() -> None:
    with pytest.raises(RecordsError, match=r"SQLite or PostgreSQL, not 'mysql'"):
        connect("mysql://training@db.example/records")


def test_not_a_url() -> None:
    with pytest.raises(RecordsError, match="is not a database URL"):
        connect("::not a url://")
