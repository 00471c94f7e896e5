"""Who must renew a certification soon, and who is overdue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from trainer.content.models import TrackId
from trainer.records.history import Completion, Learner, completion_from, history_from
from trainer.records.service import Records


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


def due(records: Records, within_days: int, now: datetime) -> list[DueEntry]:
    """Certifications that expire within ``within_days`` or have expired, soonest first.
    Reads the registrations and each learner's latest completion of each track that
    expires: thousands of rows, not the whole log."""
    log = records.log
    expiring: list[tuple[TrackId, Completion, int]] = []
    for track, definition in records.bundle.course.tracks.items():
        if not definition.recertification_months:
            continue
        for event in log.latest_per_learner("policy_acknowledged", {"track": track}):
            done = completion_from(event)
            if done.valid_until is not None:
                left = (done.valid_until - now).days
                if left <= within_days:
                    expiring.append((track, done, left))
    learners = history_from(log.events(kinds=["learner_registered"])).learners
    found = [
        DueEntry(learners[done.badge], track, done.valid_until, left)
        for track, done, left in expiring
        if done.badge in learners and done.valid_until is not None
    ]
    return sorted(found, key=lambda e: (e.valid_until, e.learner.name.casefold()))


def due_lines(records: Records, within_days: int, overdue_only: bool) -> list[str]:
    now = records.clock()
    entries = [e for e in due(records, within_days, now) if not overdue_only or e.days_left < 0]
    title = "Overdue" if overdue_only else f"Due within {within_days} days or overdue"
    lines = [f"{title}, as of {now:%Y-%m-%d}: {len(entries)}"]
    if entries:
        lines.append(
            f"{'badge':<10} {'name':<26} {'unit':<12} {'track':<11} {'expires':<10} status"
        )
    for e in entries:
        status = (
            f"overdue {(now - e.valid_until).days} days"
            if e.days_left < 0
            else f"due in {e.days_left} days"
        )
        lines.append(
            f"{e.learner.badge:<10} {e.learner.name[:26]:<26} {(e.learner.unit or '')[:12]:<12} "
            f"{e.track:<11} {e.valid_until:%Y-%m-%d} {status}"
        )
    return lines
