"""The projection tables: kept in step with each append, rebuilt when a schema-1 database
is opened (their tallies when a schema-2 one is), and checked against the log by
``trainer records check``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    func,
    inspect,
    select,
    text,
    update,
)

from course_factory import Ticker, make_course
from trainer.content.course import load_course
from trainer.records import EventLog, NewEvent, connect, projection, schema
from trainer.records.events import format_time
from trainer.records.history import history_from
from trainer.records.service import Records


def _dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every projection row, in key order (answer_tally and path_tally without their
    surrogate ids, which depend on insertion order)."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for table in schema.PROJECTIONS:
            columns = [c for c in table.c if c.name != "id" or table.name in ("attempts",)]
            rows = conn.execute(select(*columns)).all()
            found[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return found


@pytest.fixture
def department(db_url: str, tmp_path: Path) -> Iterator[Records]:
    """Two learners, one a training officer; attempts completed, one left open, one track
    attested; every answer asked for certainty."""
    root = make_course(tmp_path / "course", ask_certainty=True)
    clock = Ticker()
    records = Records(EventLog(connect(db_url), clock), load_course(root), clock=clock)
    records.register("Dana Reyes", "4471", "Test PD", unit="Patrol")
    records.register("Sam Ito", "5120", "Other PD")
    records.set_role("5120", "officer")
    for badge, answers in (("4471", ["a"] * 6), ("5120", ["b", "a", "a", "a", "a", "a"])):
        attempt = records.start_attempt(badge, "onboarding", "basics")
        for i, choice in enumerate(answers):
            records.answer(attempt.id, f"basics-{i}", "q", [choice], certainty="sure")
        records.complete(attempt.id)
    records.attest("4471", "onboarding", "4471")
    records.start_attempt("5120", "refresher", "review")
    yield records
    records.log.close()


def test_each_append_keeps_the_projections_as_a_rebuild_makes_them(
    department: Records,
) -> None:
    engine = department.log.engine
    kept = _dump(engine)
    assert len(kept["learners"]) == 2
    assert [r[-1] for r in sorted(kept["learners"])] == ["learner", "officer"]
    assert len(kept["attempts"]) == 3
    assert len(kept["answers"]) == 12
    assert len(kept["completions"]) == 1
    assert sum(int(str(r[-1])) for r in kept["answer_tally"]) == 12
    # Two attempts completed, each counted by agency and by unit ("" for none).
    assert sorted((r[0], r[1], r[-1]) for r in kept["cohort_attempts"]) == [
        ("agency", "Other PD", 1),
        ("agency", "Test PD", 1),
        ("unit", "", 1),
        ("unit", "Patrol", 1),
    ]
    assert len(kept["cohort_items"]) == 4 * 6  # 6 items, 4 cohorts
    with engine.begin() as conn:
        projection.rebuild(conn)
    assert _dump(engine) == kept
    assert department.log.check().ok


Dump = dict[str, list[tuple[object, ...]]]


def _set_back(
    department: Records, db_url: str, version: int, downgrade: Callable[[Connection], None]
) -> Dump:
    """Leave the department's database as trainer at schema ``version`` left it
    (``downgrade`` undoes what came after); returns its projections as they were."""
    kept = _dump(department.log.engine)
    department.log.close()
    raw = create_engine(db_url)
    try:
        with raw.begin() as conn:
            downgrade(conn)
            conn.execute(
                text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
            )
    finally:
        raw.dispose()
    return kept


@contextmanager
def _upgraded(db_url: str, kept: Dump) -> Iterator[Engine]:
    """The database opened by this trainer: at the newest schema, with the projections
    it had before it was set back, and its chain intact."""
    reopened = connect(db_url)
    try:
        assert _dump(reopened) == kept
        with reopened.connect() as conn:
            version = conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
            ).scalar()
        assert version == str(schema.SCHEMA_VERSION)
        assert EventLog(reopened).check().ok
        yield reopened
    finally:
        reopened.dispose()


def _the_log_alone(conn: Connection) -> None:
    """Schema 1: no projections."""
    for table in reversed(schema.PROJECTIONS):
        conn.execute(text(f"DROP TABLE {table.name}"))


def test_a_schema_1_database_gains_its_projections_on_open(
    department: Records, db_url: str
) -> None:
    kept = _set_back(department, db_url, 1, _the_log_alone)
    with _upgraded(db_url, kept):
        pass


# The tallies as schema 2 made them: split by the learner's agency and unit as well.
_V2_TALLIES = (
    """CREATE TABLE answer_tally (id INTEGER PRIMARY KEY, content_hash VARCHAR(64) NOT NULL,
    track VARCHAR NOT NULL, agency TEXT, unit TEXT, earned INTEGER NOT NULL,
    attempt_maximum INTEGER NOT NULL, scenario VARCHAR NOT NULL, step VARCHAR NOT NULL,
    selected TEXT NOT NULL, verdict VARCHAR(16) NOT NULL, points INTEGER NOT NULL,
    maximum INTEGER NOT NULL, certainty VARCHAR(16), count INTEGER NOT NULL)""",
    """CREATE INDEX ix_answer_tally_key ON answer_tally (content_hash, track, agency, unit,
    earned, attempt_maximum, scenario, step)""",
    """CREATE TABLE path_tally (id INTEGER PRIMARY KEY, content_hash VARCHAR(64) NOT NULL,
    track VARCHAR NOT NULL, agency TEXT, unit TEXT, earned INTEGER NOT NULL,
    attempt_maximum INTEGER NOT NULL, scenario VARCHAR NOT NULL, path TEXT NOT NULL,
    count INTEGER NOT NULL)""",
    """CREATE INDEX ix_path_tally_key ON path_tally (content_hash, track, agency, unit,
    earned, attempt_maximum, scenario)""",
    """INSERT INTO answer_tally VALUES (1, 'h', 'onboarding', 'Test PD', 'Patrol', 6, 6,
    'basics-0', 'q', '["a"]', 'correct', 1, 1, 'sure', 1)""",
    """INSERT INTO path_tally VALUES (1, 'h', 'onboarding', 'Test PD', 'Patrol', 6, 6,
    'basics-0', '[]', 1)""",
)


def _schema_2(conn: Connection) -> None:
    """Schema 2: tallies split by agency and unit too, and what schema 3 lacked."""
    for table in schema.TALLIES:
        conn.execute(text(f"DROP TABLE {table.name}"))
    for statement in _V2_TALLIES:
        conn.execute(text(statement))
    _drop_attempt_times(conn)


def test_a_schema_2_database_has_its_tallies_recounted_on_open(
    department: Records, db_url: str
) -> None:
    kept = _set_back(department, db_url, 2, _schema_2)
    with _upgraded(db_url, kept) as reopened, reopened.connect() as conn:
        assert "agency" not in {c["name"] for c in inspect(conn).get_columns("answer_tally")}
    with _upgraded(db_url, kept):  # a second open finds the newest schema, changes nothing
        pass


def _drop_attempt_times(conn: Connection) -> None:
    """The projections as schema 3 had them: attempts without the answers and time on
    task, and no cohort tables."""
    for column in schema.ATTEMPT_TIMES:
        conn.execute(text(f'ALTER TABLE attempts DROP COLUMN "{column}"'))
    for table in schema.COHORT_TABLES:
        conn.execute(text(f"DROP TABLE {table.name}"))


def test_a_schema_3_database_has_its_attempts_times_counted_on_open(
    department: Records, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    kept = _set_back(department, db_url, 3, _drop_attempt_times)
    raw = create_engine(db_url)
    try:
        with raw.connect() as conn:
            assert "seconds" not in {c["name"] for c in inspect(conn).get_columns("attempts")}
            assert not inspect(conn).has_table("cohort_items")
    finally:
        raw.dispose()
    with caplog.at_level(logging.WARNING, logger="trainer.records.db"):
        with _upgraded(db_url, kept):
            # Said once, before the wait: a department's record takes minutes to upgrade.
            said = [r.getMessage() for r in caplog.records]
            assert len(said) == 1
            assert "from records schema 3 to 4" in said[0]
        caplog.clear()
        connect(db_url).dispose()  # opened again: nothing left to upgrade, nothing said
        assert not caplog.records
    assert schema.SCHEMA_VERSION == 4


def test_attempts_count_their_answers_and_time_on_task(db_url: str, tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    clock = Ticker()
    records = Records(EventLog(connect(db_url), clock), load_course(root), clock=clock)
    try:
        records.register("Dana Reyes", "4471", "Test PD")
        done = records.start_attempt("4471", "onboarding", "basics")
        for i in range(6):
            if i == 2:
                clock.next += timedelta(minutes=40)  # a lunch break: counts 15 minutes
            if i == 4:
                clock.next -= timedelta(seconds=30)  # a clock set back: counts nothing
            records.answer(done.id, f"basics-{i}", "q", ["a"])
        records.complete(done.id)
        open_one = records.start_attempt("4471", "refresher", "review")
        records.answer(open_one.id, open_one.items[0], "q", ["a"])
        history = history_from(records.log.events())
        a = schema.attempts.c
        with records.log.engine.connect() as conn:
            stored = {
                row.id: row for row in conn.execute(select(a.id, a.answers, a.seconds, a.last))
            }
        for attempt in (done, open_one):
            told = history.attempts[attempt.id]
            row = stored[attempt.id]
            assert row.answers == len(told.answers)
            assert row.last == format_time(told.event_times[-1])  # in chain order
            # Each gap between consecutive events up to 15 minutes; none when negative.
            gaps = [(b - a).total_seconds() for a, b in pairwise(told.event_times)]
            assert row.seconds == pytest.approx(sum(min(g, 900) for g in gaps if g > 0))
        assert stored[done.id].answers == 6
        assert stored[open_one.id].answers == 1
        # Every call of the clock is a second on: the lunch break is capped at 900 s, the
        # gap over the clock set back counts nothing, and the others are a few seconds.
        assert 900 < stored[done.id].seconds < 930
        kept = _dump(records.log.engine)
        with records.log.engine.begin() as conn:
            projection.rebuild(conn)
        assert _dump(records.log.engine) == kept
        assert records.log.check().ok
    finally:
        records.log.close()


def _reason(records: Records) -> str:
    report = records.log.check()
    assert not report.ok
    return report.reason


def test_check_names_a_changed_answer_row(department: Records) -> None:
    a = schema.answers.c
    with department.log.engine.begin() as conn:
        seq = conn.execute(select(a.seq).order_by(a.seq).limit(1)).scalar_one()
        conn.execute(update(schema.answers).where(a.seq == seq).values(points=9))
    assert _reason(department) == (
        f"the answers row of the answer of event {seq} says points = 9 where the log says 1"
    )


def test_check_names_a_deleted_attempt_row(department: Records) -> None:
    a = schema.attempts.c
    with department.log.engine.begin() as conn:
        first = conn.execute(select(a.id).order_by(a.seq).limit(1)).scalar_one()
        conn.execute(delete(schema.attempts).where(a.id == first))
    assert _reason(department) == (
        f"the attempts row of attempt {first} is missing from the attempts table"
    )


def test_check_names_a_completion_row_the_log_does_not_have(department: Records) -> None:
    c = schema.completions.c
    with department.log.engine.begin() as conn:
        row = conn.execute(select(schema.completions)).one()._mapping
        conn.execute(schema.completions.insert().values({**row, "seq": 9999}))
        conn.execute(update(schema.completions).where(c.seq == 9999).values(learner="5120"))
    assert _reason(department) == (
        "the completions row of the completion of event 9999 is in the completions table "
        "but not in the log"
    )


def test_check_names_a_changed_time_on_task(department: Records) -> None:
    a = schema.attempts.c
    with department.log.engine.begin() as conn:
        first, seconds = conn.execute(select(a.id, a.seconds).order_by(a.seq).limit(1)).one()
        conn.execute(update(schema.attempts).where(a.id == first).values(seconds=seconds + 60))
    assert _reason(department) == (
        f"the attempts row of attempt {first} says seconds = {seconds + 60!r} where the log "
        f"says {seconds!r}"
    )
    with department.log.engine.begin() as conn:
        conn.execute(update(schema.attempts).where(a.id == first).values(seconds=seconds))
        conn.execute(update(schema.attempts).where(a.id == first).values(answers=a.answers - 1))
    assert "says answers = 5 where the log says 6" in _reason(department)


def test_check_names_a_changed_cohort_item_and_a_deleted_cohort_path(
    department: Records,
) -> None:
    items, paths = schema.cohort_items.c, schema.cohort_paths.c
    with department.log.engine.begin() as conn:
        first = conn.execute(
            select(items.id).where(items.value == "Patrol", items.scenario == "basics-0")
        ).scalar_one()
        conn.execute(
            update(schema.cohort_items)
            .where(items.id == first)
            .values(stats=func.replace(items.stats, '"answers":1', '"answers":2'))
        )
    assert _reason(department).startswith(
        "the cohort_items row of cohort 'unit', value 'Patrol', track 'onboarding', module "
        "'basics', scenario 'basics-0', step 'q' says stats = "
    )
    with department.log.engine.begin() as conn:
        projection.rebuild(conn)
        conn.execute(delete(schema.cohort_paths).where(paths.value == "Other PD"))
    assert _reason(department).startswith(
        "the cohort_paths row of cohort 'agency', value 'Other PD', track 'onboarding', "
    )
    assert _reason(department).endswith(" is missing")


def test_check_names_a_changed_role_and_a_changed_tally(department: Records) -> None:
    w = schema.learners.c
    with department.log.engine.begin() as conn:
        conn.execute(update(schema.learners).where(w.badge == "5120").values(role="learner"))
    assert _reason(department) == (
        "the learners row of learner 5120 says role = 'learner' where the log says 'officer'"
    )
    with department.log.engine.begin() as conn:
        conn.execute(update(schema.learners).where(w.badge == "5120").values(role="officer"))
        conn.execute(update(schema.answer_tally).values(count=schema.answer_tally.c.count + 1))
    assert "the answer_tally table counts" in _reason(department)


def test_the_log_takes_payloads_that_are_not_trainers_without_projecting_them(
    db_url: str,
) -> None:
    with EventLog.open(db_url) as log:
        log.append(NewEvent("answer_recorded", {"item": "q1"}, learner="B-1", attempt="A1"))
        log.append(NewEvent("attempt_completed", {"score": 1.0}, attempt="A1"))
        with log.engine.connect() as conn:
            assert conn.execute(select(schema.answers)).all() == []
        assert log.check().ok
