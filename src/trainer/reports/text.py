"""Shared by the reports: columns that line up in a terminal, CSV a spreadsheet opens
safely, and dates as the reports write them (ISO 8601, UTC)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_DIGITS = re.compile(r"(\d+)")


def natural_order(name: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders names as people do: "Unit 2" before "Unit 10", case
    ignored."""
    return tuple(
        (0, int(piece)) if piece.isdigit() else (1, piece.casefold())
        for piece in _DIGITS.split(name)
    )


def width(text: str) -> int:
    """Terminal columns ``text`` takes: East Asian wide letters take two, combining marks
    none."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def fit(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` (ending in … when cut) and padded to exactly that."""
    if width(text) > columns:
        kept: list[str] = []
        used = 0
        for char in text:
            step = width(char)
            if used + step > columns - 1:
                break
            kept.append(char)
            used += step
        text = "".join(kept) + "…"
    return text + " " * (columns - width(text))


def table(header: Sequence[str], rows: Iterable[Sequence[str]], limits: Sequence[int]) -> list[str]:
    """Lines of a plain-text table: each column as wide as its widest cell, up to its
    limit; two spaces between columns; the last column unpadded."""
    body = [list(row) for row in rows]
    widths = [
        min(limit, max([width(header[i])] + [width(row[i]) for row in body]))
        for i, limit in enumerate(limits)
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [fit(cell, widths[i]) for i, cell in enumerate(cells[:-1])]
        return "  ".join([*parts, cells[-1]]).rstrip()

    return [line(header), *(line(row) for row in body)]


def safe_cell(text: str | None) -> str:
    """Learner-typed text for a CSV cell: a leading =, +, -, @ (or tab, carriage return)
    would make a spreadsheet run it as a formula, so such text gets a leading apostrophe,
    which spreadsheets show as text (OWASP's advice for CSV injection)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """RFC 4180 CSV (CRLF line ends, quoted where needed) with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_line(cells: Sequence[object]) -> str:
    """One row of :func:`csv_text`, its CRLF included."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def day(moment: datetime | None) -> str:
    """``2027-06-01`` (UTC), or empty."""
    return "" if moment is None else moment.astimezone(UTC).date().isoformat()


def stamp(moment: datetime | None) -> str | None:
    """``2027-06-01T12:00:00Z`` (UTC, to the second), or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_SPAN = re.compile(r"(\d{1,9})\s*([hdw])")
_SPAN_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_since(text: str, now: datetime) -> datetime:
    """``--since``: a span back from ``now`` (``7d``, ``2w``, ``12h``), a date (its
    midnight, UTC) or a date and time (UTC unless it names a zone: ``2026-05-01T08:00``,
    ``2026-05-01T08:00:00-05:00``); ValueError with a one-line message for anything else."""
    cleaned = text.strip()
    span = _SPAN.fullmatch(cleaned.lower())
    try:
        if span is not None:
            return now.astimezone(UTC) - int(span[1]) * _SPAN_UNITS[span[2]]
        moment = datetime.fromisoformat(cleaned)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(
            f"'{text}' is not a time to export from: give a date (2026-05-01), a date and "
            "time (2026-05-01T08:00, UTC unless it names a zone) or a span back from now "
            "(7d, 2w, 12h)"
        ) from None


def stored_time(moment: datetime) -> str:
    """``moment`` as the records store times (records/events.py ``format_time``), so that
    comparing the texts compares the times; years before 1000 padded too."""
    plain = moment.astimezone(UTC).replace(tzinfo=None)
    return plain.isoformat(timespec="microseconds") + "Z"
