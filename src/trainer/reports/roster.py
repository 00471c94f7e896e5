"""The roster: every learner and where they stand on each track, as a table, CSV or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from trainer.content.models import TrackId
from trainer.records.history import Learner
from trainer.records.service import Records
from trainer.reports.standing import (
    DUE_WINDOW_DAYS,
    Standing,
    latest_completions,
    latest_starts,
    matches,
    registered,
    standing_of,
)
from trainer.reports.text import csv_text, day, safe_cell, stamp, table


@dataclass(frozen=True)
class RosterRow:
    learner: Learner
    tracks: tuple[Standing, ...]
    """One per track of the course, in the course's order."""


@dataclass(frozen=True)
class Roster:
    now: datetime
    tracks: tuple[tuple[TrackId, str], ...]
    """(id, title) of each track, in the course's order."""
    rows: tuple[RosterRow, ...]
    """Sorted by name, then badge."""
    agency: str | None = None
    unit: str | None = None
    agencies: tuple[str, ...] = ()
    """Every agency on record (whatever the filter), to say what there is."""


def roster(
    records: Records, now: datetime, *, agency: str | None = None, unit: str | None = None
) -> Roster:
    """Every learner (in ``agency`` and ``unit`` when given) with their standing on each
    track at ``now``."""
    learners = registered(records)
    tracks = tuple((t, d.title) for t, d in records.bundle.course.tracks.items())
    ids = [t for t, _ in tracks]
    done = latest_completions(records, ids)
    started = latest_starts(records, ids)
    rows = tuple(
        RosterRow(
            learner,
            tuple(
                standing_of(t, done[t].get(learner.badge), started[t].get(learner.badge), now)
                for t, _ in tracks
            ),
        )
        for learner in sorted(learners.values(), key=lambda x: (x.name.casefold(), x.badge))
        if matches(learner, agency, unit)
    )
    agencies = tuple(sorted({x.agency for x in learners.values()}, key=str.casefold))
    return Roster(now, tracks, rows, agency, unit, agencies)


def roster_table(found: Roster) -> list[str]:
    """The roster as lines of text, with a title line that says what was asked."""
    first = found.rows[0].learner if found.rows else None  # the filters as the record spells them
    where = [
        f"agency {first.agency if first else found.agency}" if found.agency else "",
        f"unit {first.unit if first else found.unit}" if found.unit else "",
    ]
    scope = ", ".join(w for w in where if w)
    title = f"Roster{f' of {scope}' if scope else ''}, as of {found.now:%Y-%m-%d}: "
    count = len(found.rows)
    title += f"{count} learner{'' if count == 1 else 's'}"
    if not found.rows:
        if found.agencies:
            return [title, f"agencies on record: {', '.join(found.agencies)}"]
        return [title]
    several = len({r.learner.agency for r in found.rows}) > 1
    header = ["badge", "name"] + (["agency"] if several else []) + ["unit"]
    header += [title_ for _, title_ in found.tracks]
    limits = [12, 26] + ([18] if several else []) + [14] + [34] * len(found.tracks)
    body = [
        [r.learner.badge, r.learner.name]
        + ([r.learner.agency] if several else [])
        + [r.learner.unit or ""]
        + [s.text() for s in r.tracks]
        for r in found.rows
    ]
    return [title, *table(header, body, limits)]


def roster_csv(found: Roster) -> str:
    """One row per learner; per track its status, completion date, expiry date, days left
    and whether a renewal is under way."""
    header = ["badge", "name", "agency", "unit", "state_officer_id", "role"]
    for track, _ in found.tracks:
        header += [
            f"{track}_status",
            f"{track}_completed",
            f"{track}_valid_until",
            f"{track}_days_left",
            f"{track}_renewing",
        ]
    rows: list[list[object]] = []
    for r in found.rows:
        learner = r.learner
        row: list[object] = [
            learner.badge,
            safe_cell(learner.name),
            safe_cell(learner.agency),
            safe_cell(learner.unit),
            safe_cell(learner.officer_id),
            learner.role,
        ]
        for s in r.tracks:
            left = "" if s.days_left is None else s.days_left
            row += [
                s.state,
                day(s.completed),
                day(s.valid_until),
                left,
                "yes" if s.renewing else "no",
            ]
        rows.append(row)
    return csv_text(header, rows)


def roster_json(found: Roster) -> str:
    """``{"as_of", "due_window_days", "filter", "learners": [...]}``; times in UTC."""
    document = {
        "as_of": stamp(found.now),
        "due_window_days": DUE_WINDOW_DAYS,
        "filter": {"agency": found.agency, "unit": found.unit},
        "learners": [
            {
                "badge": r.learner.badge,
                "name": r.learner.name,
                "agency": r.learner.agency,
                "unit": r.learner.unit,
                "state_officer_id": r.learner.officer_id,
                "role": r.learner.role,
                "tracks": {
                    s.track: {
                        "status": s.state,
                        "text": s.text(),
                        "completed": stamp(s.completed),
                        "valid_until": stamp(s.valid_until),
                        "days_left": s.days_left,
                        "renewing": s.renewing,
                    }
                    for s in r.tracks
                },
            }
            for r in found.rows
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
