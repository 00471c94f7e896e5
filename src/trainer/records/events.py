"""Learner events: what is appended to the log, what is read back, and how each is hashed.

Every event carries the hash of the one before it, so changing, removing or reordering an
event breaks the chain. The hash covers a canonical JSON form of the event, and the payload
is stored as exactly that canonical text, so what is hashed is what is kept.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from trainer.content.course import canonical_json

EventKind = Literal[
    "learner_registered",
    "learner_role_changed",
    "course_version",
    "attempt_started",
    "answer_recorded",
    "attempt_completed",
    "policy_acknowledged",
    "certificate_issued",
]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event."""

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class NewEvent:
    """An event to append. ``payload`` holds JSON data only (str, int, float, bool, None,
    lists and dicts with string keys); ``learner`` is a badge number, ``attempt`` an attempt
    id, both indexed for lookups."""

    kind: EventKind
    payload: Mapping[str, object]
    learner: str | None = None
    attempt: str | None = None


@dataclass(frozen=True)
class StoredEvent:
    """An event as the log holds it. ``seq`` counts from 1 in chain order; ``time`` is UTC."""

    seq: int
    time: datetime
    kind: EventKind
    learner: str | None
    attempt: str | None
    payload: dict[str, object]
    prev_hash: str
    hash: str


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``: fixed width, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"event times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The inverse of :func:`format_time`; always timezone-aware UTC."""
    # fromisoformat reads the 'Z' form since Python 3.11, at a tenth of strptime's cost.
    return datetime.fromisoformat(text).astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def payload_text(payload: Mapping[str, object]) -> str:
    """The canonical JSON text of a payload, as stored. Refuses what JSON cannot hold
    exactly: non-string keys (json would quietly turn them into strings), NaN and infinity
    (not JSON), and values of other types."""
    _check_json(payload, "payload")
    return canonical_json(payload).decode()


def _check_json(value: object, where: str) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}, which JSON cannot hold")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a key {key!r} that is not a string")
            _check_json(item, f"{where}[{key!r}]")
        return
    raise TypeError(f"{where} holds a {type(value).__name__}, which is not JSON data")


def event_hash(
    prev_hash: str,
    seq: int,
    time: str,
    kind: str,
    learner: str | None,
    attempt: str | None,
    payload: str,
) -> str:
    """SHA-256, in hex, of ``prev_hash`` followed by the canonical JSON of
    ``{"seq", "time", "kind", "learner", "attempt", "payload"}``. ``time`` is the stored text
    and ``payload`` the stored canonical JSON text."""
    # The stored payload text is spliced in as it is rather than parsed and re-encoded: for a
    # canonical payload the bytes are the same as canonical_json of the whole event, and a
    # stored payload that was re-spaced or re-encoded no longer matches its hash.
    head = canonical_json({"attempt": attempt, "kind": kind, "learner": learner})
    tail = canonical_json({"seq": seq, "time": time})
    body = head[:-1] + b',"payload":' + payload.encode() + b"," + tail[1:]
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()
