"""Times on certificates: ISO 8601 in UTC with a ``Z``, to the second unless finer."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from trainer.certificates.errors import CertificateError

_PATTERN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


def format_utc(moment: datetime) -> str:
    """``2026-05-04T14:03:22Z``; microseconds only when there are any."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CertificateError(f"certificate times must carry a time zone, got {moment!r}")
    utc = moment.astimezone(UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_utc(text: str) -> datetime | None:
    """The inverse of :func:`format_utc`, or None when ``text`` is not in that form."""
    if not _PATTERN.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return None


def day(moment: datetime) -> str:
    """The UTC date, ``2027-05-04``."""
    return moment.astimezone(UTC).date().isoformat()


def minute(moment: datetime) -> str:
    """``2026-05-04 14:03 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
