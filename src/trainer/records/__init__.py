"""Learner records: an append-only, hash-chained event log on SQLite or PostgreSQL."""

from trainer.records.chain import ChainReport
from trainer.records.db import RecordsError, connect, default_database_url, resolve_url
from trainer.records.events import GENESIS_HASH, EventKind, NewEvent, StoredEvent
from trainer.records.log import EventLog

__all__ = [
    "GENESIS_HASH",
    "ChainReport",
    "EventKind",
    "EventLog",
    "NewEvent",
    "RecordsError",
    "StoredEvent",
    "connect",
    "default_database_url",
    "resolve_url",
]
