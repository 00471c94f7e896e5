"""Who must renew a certification soon, and who is overdue: as text, CSV, or a weekly
digest in 90/60/30-day sections (the iCalendar form is in :mod:`trainer.reports.icalendar`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from trainer.content.models import TrackId
from trainer.records.history import Learner
from trainer.records.service import Records
from trainer.reports.standing import days, days_until, latest_completions, matches, registered
from trainer.reports.text import csv_text, day, safe_cell, table

DIGEST_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("within 30 days", 0, 30),
    ("in 31-60 days", 31, 60),
    ("in 61-90 days", 61, 90),
)
"""The digest's sections after "overdue": (title, fewest days left, most days left)."""
DIGEST_DAYS = DIGEST_SECTIONS[-1][2]


def parse_days(text: str) -> int:
    """``30d``, ``30`` or ``6w`` as a number of days."""
    found = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if not found:
        raise ValueError(f"'{text}' is not a number of days: write it like 30d or 6w")
    return int(found[1]) * (7 if found[2] == "w" else 1)


@dataclass(frozen=True)
class DueEntry:
    learner: Learner
    track: TrackId
    valid_until: datetime
    days_left: int
    """Calendar days to the expiry (:func:`days_until`): 0 on the day, negative after."""
    completed: datetime | None = None
    overdue: bool = False
    """Expired: the expiry is past (which may be less than a whole day ago)."""

    def status(self) -> str:
        """'due in 12 days', 'due today', 'overdue 15 days', 'expired today'."""
        if self.overdue:
            return "expired today" if self.days_left == 0 else f"overdue {days(-self.days_left)}"
        return "due today" if self.days_left == 0 else f"due in {days(self.days_left)}"


def due(
    records: Records,
    within_days: int,
    now: datetime,
    *,
    agency: str | None = None,
    unit: str | None = None,
) -> list[DueEntry]:
    """Certifications that expire within ``within_days`` or have expired, soonest first.
    Reads the registrations and each learner's latest completion of each track that
    expires: thousands of rows, not the whole log."""
    learners = registered(records)
    expiring = [t for t, d in records.bundle.course.tracks.items() if d.recertification_months]
    found: list[DueEntry] = []
    for track, latest in latest_completions(records, expiring).items():
        for badge, done in latest.items():
            learner = learners.get(badge)
            if done.valid_until is None or learner is None:
                continue
            left = days_until(done.valid_until, now)
            if left <= within_days and matches(learner, agency, unit):
                expired = done.valid_until <= now
                found.append(DueEntry(learner, track, done.valid_until, left, done.time, expired))
    return sorted(found, key=lambda e: (e.valid_until, e.learner.name.casefold(), e.track))


def due_lines(
    records: Records,
    within_days: int,
    overdue_only: bool,
    *,
    agency: str | None = None,
    unit: str | None = None,
) -> list[str]:
    now = records.clock()
    entries = due(records, within_days, now, agency=agency, unit=unit)
    entries = [e for e in entries if not overdue_only or e.overdue]
    title = "Overdue" if overdue_only else f"Due within {within_days} days or overdue"
    scope = _scope(entries, agency, unit)
    lines = [f"{title}{scope}, as of {now:%Y-%m-%d}: {len(entries)}"]
    if entries:
        lines += _entry_table(entries, now, records)
    return lines


def due_csv(entries: Sequence[DueEntry], now: datetime) -> str:
    """One row per certification: who, which track, when it expires, days left (negative:
    overdue) and the status in words."""
    header = [
        "badge",
        "name",
        "agency",
        "unit",
        "state_officer_id",
        "track",
        "completed",
        "expires",
        "days_left",
        "status",
    ]
    rows = [
        [
            e.learner.badge,
            safe_cell(e.learner.name),
            safe_cell(e.learner.agency),
            safe_cell(e.learner.unit),
            safe_cell(e.learner.officer_id),
            e.track,
            day(e.completed),
            day(e.valid_until),
            e.days_left,
            e.status(),
        ]
        for e in entries
    ]
    return csv_text(header, rows)


@dataclass(frozen=True)
class Digest:
    now: datetime
    sections: tuple[tuple[str, tuple[DueEntry, ...]], ...]
    """("overdue", ...), then each of :data:`DIGEST_SECTIONS`, soonest first within each."""


def digest(
    records: Records, now: datetime, *, agency: str | None = None, unit: str | None = None
) -> Digest:
    """Everyone overdue or due within 90 days, in the digest's sections."""
    entries = due(records, DIGEST_DAYS, now, agency=agency, unit=unit)
    sections = [("overdue", tuple(e for e in entries if e.overdue))]
    for title, low, high in DIGEST_SECTIONS:
        sections.append(
            (title, tuple(e for e in entries if not e.overdue and low <= e.days_left <= high))
        )
    return Digest(now, tuple(sections))


def digest_lines(
    records: Records, found: Digest, *, agency: str | None = None, unit: str | None = None
) -> list[str]:
    """The digest as plain text for a weekly email: a title line fit for the subject, the
    counts, then each section (its columns lined up across sections)."""
    course = records.bundle.course
    everyone = [e for _, entries in found.sections for e in entries]
    counts = " · ".join(f"{title}: {len(entries)}" for title, entries in found.sections)
    lines = [
        f"Certifications due{_scope(everyone, agency, unit)}, week of {found.now:%Y-%m-%d}",
        f"{course.title}: {counts}",
    ]
    header, *rows = _entry_table(everyone, found.now, records) if everyone else [""]
    for title, entries in found.sections:
        lines += ["", f"{title.upper()} ({len(entries)})"]
        if entries:
            lines += ["  " + line for line in [header, *rows[: len(entries)]]]
            rows = rows[len(entries) :]
        else:
            lines.append("  none")
    return lines


def _entry_table(entries: Sequence[DueEntry], now: datetime, records: Records) -> list[str]:
    several = len({e.learner.agency for e in entries}) > 1
    titles = {t: d.title for t, d in records.bundle.course.tracks.items()}
    header = ["badge", "name"] + (["agency"] if several else []) + ["unit", "track", "expires"]
    header.append("status")
    body = [
        [e.learner.badge, e.learner.name]
        + ([e.learner.agency] if several else [])
        + [e.learner.unit or "", titles.get(e.track, e.track), day(e.valid_until), e.status()]
        for e in entries
    ]
    limits = [10, 24] + ([18] if several else []) + [14, 11, 10, 20]
    return table(header, body, limits)


def _scope(entries: Sequence[DueEntry], agency: str | None, unit: str | None) -> str:
    """' (agency Riverton PD, unit Patrol)': the filters, spelt as the record spells them."""
    first = entries[0].learner if entries else None
    parts = [
        f"agency {first.agency if first else agency}" if agency else "",
        f"unit {first.unit if first else unit}" if unit else "",
    ]
    joined = ", ".join(p for p in parts if p)
    return f" ({joined})" if joined else ""
