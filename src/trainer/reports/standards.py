"""The completion roster a state standards body (POST) asks for: one row per certificate
issued, with the officer, the course's numbers, the hours and the completion date.

Each row holds the facts its certificate was issued on, read as issuing read them: the
learner's registration, and the course version the learner completed (its provider,
control number, and the track's hours and expiry). Decoding and checking each signed
token instead would cost a hundred times more over a department's 50,000 certificates,
and say the same. Certificates on the agency's revocation list are marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import cast

from trainer.certificates.keys import load_trust
from trainer.certificates.revocation import default_path, load_list
from trainer.content.models import TrackId
from trainer.records.events import EventKind
from trainer.records.history import add_months
from trainer.records.service import Records
from trainer.reports.standing import registered
from trainer.reports.stored import payload_of
from trainer.reports.text import csv_text, safe_cell

COLUMNS = (
    "officer_name",
    "state_officer_id",
    "agency",
    "course_control_number",
    "provider_number",
    "credit_hours",
    "completion_date",
    "certificate_number",
    "badge",
    "provider_name",
    "course_title",
    "course_version",
    "track",
    "expires",
    "revoked",
)
"""The standards body's columns first, in the order they are usually asked for; then what
identifies the record on trainer's side."""
_KINDS: tuple[EventKind, ...] = ("certificate_issued",)


def revoked_numbers() -> frozenset[str]:
    """The numbers on the agency's own revocation list (``revocations.jwt`` in the data
    folder), checked against its keys; none when there is no list."""
    path = default_path()
    if not path.is_file():
        return frozenset()
    return frozenset(r.number for r in load_list(path, load_trust()).entries)


def standards_rows(records: Records) -> Iterator[list[object]]:
    """One row per issued certificate, oldest first."""
    revoked = revoked_numbers()
    learners = registered(records)
    people: dict[str, list[object]] = {}
    courses: dict[tuple[str, str], tuple[list[object], list[object], int | None]] = {}
    for seq, _, _, badge, _, payload, _, _ in records.log.rows(kinds=_KINDS):
        p = payload_of(seq, payload)
        key = (str(p["content_hash"]), str(p["track"]))
        if key not in courses:
            courses[key] = _course_cells(records, *key)
        before, after, months = courses[key]
        if badge not in people:
            learner = learners[str(badge)]
            people[str(badge)] = [
                safe_cell(learner.name),
                safe_cell(learner.officer_id),
                safe_cell(learner.agency),
            ]
        completed = datetime.fromisoformat(str(p["completed"])).astimezone(UTC)
        expires = add_months(completed, months).date().isoformat() if months else ""
        number = str(p["number"])
        yield [
            *people[str(badge)],
            *before,
            completed.date().isoformat(),
            number,
            badge,
            *after,
            expires,
            "yes" if number in revoked else "no",
        ]


def _course_cells(
    records: Records, content_hash: str, track: str
) -> tuple[list[object], list[object], int | None]:
    """What the course version the learner completed says: the cells before the completion
    date, those after the badge, and the track's months until expiry."""
    course = records.version(content_hash).course
    definition = dict(course.tracks.items())[cast(TrackId, track)]
    before: list[object] = [
        course.course_control_number or "",
        course.provider.number,
        f"{definition.credit_hours:g}",
    ]
    after: list[object] = [course.provider.name, course.title, course.version, track]
    return before, after, definition.recertification_months


def standards_csv(records: Records) -> str:
    return csv_text(COLUMNS, standards_rows(records))
