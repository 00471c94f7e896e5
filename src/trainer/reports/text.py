"""Shared by the reports: columns that line up in a terminal, CSV a spreadsheet opens
safely, and dates as the reports write them (ISO 8601, UTC)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[object]], batch: int = 2000
) -> Iterator[bytes]:
    """:func:`csv_text` as UTF-8 pieces of ``batch`` rows, for exports too big to hold."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % batch == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def day(moment: datetime | None) -> str:
    """``2027-06-01`` (UTC), or empty."""
    return "" if moment is None else moment.astimezone(UTC).date().isoformat()


def stamp(moment: datetime | None) -> str | None:
    """``2027-06-01T12:00:00Z`` (UTC, to the second), or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
