"""The tables of the records database, in portable Core types only.

``events`` is the log. ``payload`` and ``time`` are Text holding exactly the hashed text (a
JSON column could re-serialise, a DateTime column could round). ``chain_head`` is one row
(count, hash of the last event), updated in the transaction of each append: it is what
makes removing the last events detectable, and on PostgreSQL its row lock serialises
writers. ``UNIQUE(prev_hash)`` means the chain cannot fork even if that lock were skipped.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

SCHEMA_VERSION = 1
"""The newest schema this code reads and writes; kept in ``meta`` as ``schema_version``."""

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
