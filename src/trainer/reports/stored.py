"""Stored events read as rows (see EventLog.rows): their payloads parsed on demand."""

from __future__ import annotations

import orjson

from trainer.records.db import RecordsError


def payload_of(seq: int, text: str) -> dict[str, object]:
    """A stored payload, parsed; one that is not a JSON object was changed outside trainer."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise RecordsError(
            f"event {seq} was changed outside trainer: its payload is not a JSON object "
            "(run 'trainer records check')"
        )
    return data
