"""The tables of the records database, in portable Core types only.

``events`` is the log. ``payload`` and ``time`` are Text holding exactly the hashed text (a
JSON column could re-serialise, a DateTime column could round). ``chain_head`` is one row
(count, hash of the last event), updated in the transaction of each append: it is what
makes removing the last events detectable, and on PostgreSQL its row lock serialises
writers. ``UNIQUE(prev_hash)`` means the chain cannot fork even if that lock were skipped.

The other tables are projections of the log for reports over a whole department: the
learners, attempts, answers and completions it records, as columns. Each is written in the
transaction of the append it follows from (projection.py), so it never disagrees with the
log; ``trainer records check`` recomputes them from the log to prove it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

SCHEMA_VERSION = 4
"""The newest schema this code reads and writes; kept in ``meta`` as ``schema_version``.
1: the log alone. 2: the projection tables below (an older database gains them on open).
3: the tallies no longer split by agency and unit (a schema-2 database's are rebuilt).
4: attempts count their answers and time on task; item statistics by agency and unit
   (an older database's are counted from the log on open)."""

HEAD_ROW = 1
"""The id of the one ``chain_head`` row."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("time", String(32), nullable=False),
    Column("kind", String(40), nullable=False, index=True),
    # No length: it would be enforced on PostgreSQL and not on SQLite.
    Column("learner", String, index=True),
    Column("attempt", String, index=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)

chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("count", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)


learners = Table(
    "learners",
    metadata,
    Column("badge", String, primary_key=True),
    Column("seq", Integer, nullable=False),  # of the registration
    Column("registered", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("agency", Text, nullable=False),
    Column("unit", Text),
    Column("officer_id", Text),
    Column("role", String(16), nullable=False),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", String, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),  # of the start; chain order
    Column("learner", String, nullable=False),
    Column("started", String(32), nullable=False),
    Column("course_id", String, nullable=False),
    Column("version", String, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("track", String, nullable=False),
    Column("module", String, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("items", Text, nullable=False),  # canonical JSON list of scenario ids
    Column("completed_seq", Integer),
    Column("completed", String(32)),
    Column("earned", Integer),
    Column("maximum", Integer),
    Column("passed", Boolean),
    # Answers recorded, and time on task so far: the gaps between the start, each answer
    # and the completion, each capped at history.IDLE_CAP; ``last`` is the time of the
    # attempt's latest event, the start of the next gap.
    Column("answers", Integer, nullable=False, default=0, server_default=text("0")),
    Column("seconds", Float, nullable=False, default=0.0, server_default=text("0")),
    Column("last", String(32), nullable=False, server_default=text("''")),
    Index("ix_attempts_learner_track_seq", "learner", "track", "seq"),
    Index("ix_attempts_completed_track", "completed_seq", "track"),
)

answers = Table(
    "answers",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("attempt", String, nullable=False, index=True),
    Column("learner", String, nullable=False),
    Column("time", String(32), nullable=False),
    Column("scenario", String, nullable=False),
    Column("step", String, nullable=False),
    Column("selected", Text, nullable=False),  # canonical JSON list of choice ids
    Column("points", Integer, nullable=False),
    Column("maximum", Integer, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("certainty", String(16)),
)

completions = Table(
    "completions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("learner", String, nullable=False),
    Column("track", String, nullable=False),
    Column("time", String(32), nullable=False),
    Column("course_id", String, nullable=False),
    Column("version", String, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("recertification_months", Integer),
    Index("ix_completions_learner_track_seq", "learner", "track", "seq"),
)

# Answers of completed attempts, counted by what item analysis groups them by: the
# attempt's course version, track, score and maximum, and the answer itself. Bumped when
# an attempt completes: a department's item analysis reads thousands of rows here instead
# of millions. Not by agency or unit: that multiplied the rows a hundredfold for the one
# report that asks for them, which groups the answers table instead.
_TALLY_KEY = (
    "content_hash",
    "track",
    "earned",
    "attempt_maximum",
    "scenario",
)

answer_tally = Table(
    "answer_tally",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("track", String, nullable=False),
    Column("earned", Integer, nullable=False),
    Column("attempt_maximum", Integer, nullable=False),
    Column("scenario", String, nullable=False),
    Column("step", String, nullable=False),
    Column("selected", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("points", Integer, nullable=False),
    Column("maximum", Integer, nullable=False),
    Column("certainty", String(16)),
    Column("count", Integer, nullable=False),
    Index("ix_answer_tally_key", *_TALLY_KEY, "step"),
)

path_tally = Table(
    "path_tally",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("track", String, nullable=False),
    Column("earned", Integer, nullable=False),
    Column("attempt_maximum", Integer, nullable=False),
    Column("scenario", String, nullable=False),
    # Canonical JSON: the attempt's answers in the scenario, in the order given, each
    # [step, selected, verdict, points, maximum, certainty].
    Column("path", Text, nullable=False),
    Column("count", Integer, nullable=False),
    Index("ix_path_tally_key", *_TALLY_KEY),
)

# Item analysis by agency and by unit (cohorts.py): ``cohort`` is "agency" or "unit",
# ``value`` the learner's (None: no unit, or no registration). Kept as attempts complete.
cohort_items = Table(
    "cohort_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort", String(16), nullable=False),
    Column("value", Text),
    Column("track", String, nullable=False),
    Column("module", String, nullable=False),
    Column("scenario", String, nullable=False),
    Column("step", String, nullable=False),
    Column("stats", Text, nullable=False),  # what the report reads (cohorts.ItemCounts)
    Column("rests", Text, nullable=False),  # the answers by rest score they come from
    Index("ix_cohort_items_key", "cohort", "value", "track", "module", "scenario", "step"),
)

cohort_paths = Table(
    "cohort_paths",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort", String(16), nullable=False),
    Column("value", Text),
    Column("track", String, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("scenario", String, nullable=False),
    Column("path", Text, nullable=False),  # as in path_tally
    Column("count", Integer, nullable=False),
    Index("ix_cohort_paths_key", "cohort", "scenario", "value", "track", "content_hash"),
)

cohort_attempts = Table(
    "cohort_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cohort", String(16), nullable=False),
    Column("value", Text),
    Column("content_hash", String(64), nullable=False),
    Column("track", String, nullable=False),
    Column("first_seq", Integer, nullable=False),  # the start of the first
    Column("count", Integer, nullable=False),
    Index("ix_cohort_attempts_key", "cohort", "value", "content_hash", "track"),
)

COHORT_TABLES = (cohort_items, cohort_paths, cohort_attempts)
"""The projection tables schema 4 added."""

ATTEMPT_TIMES = ("answers", "seconds", "last")
"""The columns of ``attempts`` that schema 4 added."""

TALLIES = (answer_tally, path_tally)
"""The projection tables that count, rather than copy, what the log says."""

PROJECTIONS = (learners, attempts, answers, completions, answer_tally, path_tally, *COHORT_TABLES)
"""The tables derived from the log, in the order they are checked."""
