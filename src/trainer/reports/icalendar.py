"""Expiry dates as an iCalendar file (RFC 5545) a training officer's calendar imports.

One all-day event per certification on the day it expires. Each event's UID is derived
from the course, learner, track and expiry, so importing next week's file updates the
same events instead of adding copies, and a renewal (a new expiry) is a new event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from trainer.content.models import Course
from trainer.reports.due import DueEntry

LINE_OCTETS = 75
"""RFC 5545 3.1: lines longer than this many octets are folded."""


def calendar_text(entries: Sequence[DueEntry], course: Course, now: datetime) -> str:
    """The VCALENDAR of ``entries``, with CRLF line ends and folded lines."""
    titles = {t: d.title for t, d in course.tracks.items()}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//trainer//certification expiry dates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(f'{course.title}: certifications expiring')}",
    ]
    stamp = _utc(now)
    for e in entries:
        learner = e.learner
        track = titles.get(e.track, e.track)
        expires = e.valid_until.date()
        who = ", ".join(
            p
            for p in (
                f"badge {learner.badge}",
                learner.agency,
                f"unit {learner.unit}" if learner.unit else "",
            )
            if p
        )
        completed = f" (completed {e.completed:%Y-%m-%d})" if e.completed else ""
        description = (
            f"{learner.name} ({who}): the {track} certification of {course.title} expires "
            f"on {expires:%Y-%m-%d}{completed}.\n"
            f"Renew by completing the {e.track} track: trainer take --learner "
            f"{learner.badge} --track {e.track}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(course.id, learner.badge, e.track, e.valid_until)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{expires:%Y%m%d}",
            f"DTEND;VALUE=DATE:{expires + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(f'{track} certification expires: {learner.name} ({learner.badge})')}",
            f"DESCRIPTION:{escape(description)}",
            "CATEGORIES:Training",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def uid(course_id: str, badge: str, track: str, valid_until: datetime) -> str:
    """The same for the same certification expiry, whichever day the file is made."""
    key = "\x1f".join((course_id, badge, track, _utc(valid_until)))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@trainer"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks
    as ``\\n``, other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        if char in "\\;,":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            continue
        else:
            out.append(char)
    return "".join(out)


def fold(line: str) -> str:
    """``line`` folded (RFC 5545 3.1) into pieces of at most 75 octets each, the pieces
    after the first starting with a space; never inside a UTF-8 character."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    limit = LINE_OCTETS
    for char in line:
        size = len(char.encode())
        if used + size > limit:
            pieces.append("".join(current))
            current, used, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        used += size
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
