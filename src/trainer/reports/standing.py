"""Where each learner stands on each track today: certified, due, expired, in progress or
never, read for a whole department at once.

A department's record holds millions of events; this reads the projections kept beside
the log: the learners, and each one's latest completion and attempt of each track.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from trainer.content.models import TrackId
from trainer.records import answers
from trainer.records.history import Completion, Learner
from trainer.records.service import RENEWAL_WINDOW, Records
from trainer.reports.text import natural_order

State = Literal["certified", "due", "expired", "in progress", "never"]
STATES: tuple[State, ...] = ("certified", "due", "expired", "in progress", "never")

DUE_WINDOW_DAYS = RENEWAL_WINDOW.days
"""A certification is *due* when it expires within this many days: when its next round
opens (see RENEWAL_WINDOW), counted in calendar days as the due list and digest count
them."""


@dataclass(frozen=True)
class Standing:
    """A learner's state on one track. ``days_left`` counts calendar days to the expiry
    (:func:`days_until`: negative once a day has passed); ``renewing`` says an attempt was
    begun since the latest completion."""

    track: TrackId
    state: State
    completed: datetime | None
    valid_until: datetime | None
    days_left: int | None
    renewing: bool

    def text(self) -> str:
        """As a training officer reads it: 'certified until 2027-11-25', 'due in 12 days
        (2027-06-13)', 'expired 2027-05-09, renewing', 'in progress', 'never'."""
        if self.state == "certified":
            if self.valid_until is None:
                assert self.completed is not None
                return f"completed {self.completed.date().isoformat()}"
            return f"certified until {self.valid_until.date().isoformat()}"
        renewing = ", renewing" if self.renewing else ""
        if self.state == "due":
            assert self.valid_until is not None
            assert self.days_left is not None
            when = "due today" if self.days_left == 0 else f"due in {days(self.days_left)}"
            return f"{when} ({self.valid_until.date().isoformat()}){renewing}"
        if self.state == "expired":
            assert self.valid_until is not None
            return f"expired {self.valid_until.date().isoformat()}{renewing}"
        return self.state


def days_until(moment: datetime, now: datetime) -> int:
    """Calendar days (UTC) from ``now`` to ``moment``: 0 on the day itself, 1 the day
    before, -1 the day after. Counted by date, so that "due in 14 days" and the expiry
    date printed beside it always agree, whatever the time of day."""
    return (moment.astimezone(UTC).date() - now.astimezone(UTC).date()).days


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def standing_of(
    track: TrackId,
    completion: Completion | None,
    last_started: datetime | None,
    now: datetime,
) -> Standing:
    """The state of one learner on ``track`` from their latest completion and the start of
    their latest attempt."""
    if completion is None:
        state: State = "never" if last_started is None else "in progress"
        return Standing(track, state, None, None, None, last_started is not None)
    renewing = last_started is not None and last_started > completion.time
    until = completion.valid_until
    if until is None:
        return Standing(track, "certified", completion.time, None, None, renewing)
    left = days_until(until, now)
    if until <= now:
        state = "expired"
    elif left <= DUE_WINDOW_DAYS:
        state = "due"
    else:
        state = "certified"
    return Standing(track, state, completion.time, until, left, renewing)


def latest_completions(
    records: Records, tracks: Sequence[TrackId]
) -> dict[TrackId, dict[str, Completion]]:
    """Each learner's latest completion of each of ``tracks``, by track and badge."""
    found = answers.latest_completions(records.log, tracks)
    return {t: found[t] for t in tracks}


def latest_starts(
    records: Records, tracks: Sequence[TrackId]
) -> dict[TrackId, dict[str, datetime]]:
    """When each learner began their latest attempt at each of ``tracks``, by track and
    badge."""
    found = answers.latest_starts(records.log, tracks)
    return {t: found[t] for t in tracks}


def registered(records: Records) -> dict[str, Learner]:
    """Every learner, by badge, with their current role."""
    return answers.learners_on_record(records.log)


def matches(learner: Learner, agency: str | None, unit: str | None) -> bool:
    """Whether ``learner`` is in ``agency`` and ``unit`` (each ignored when None), compared
    without regard to case or surrounding spaces."""
    return _same(learner.agency, agency) and _same(learner.unit, unit)


def _same(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value or "").strip().casefold() == wanted.strip().casefold()


def known_values(learners: Iterable[Learner], what: Literal["agency", "unit"]) -> list[str]:
    """The agencies (or units) on record, for a message when a filter matches no one."""
    values = {getattr(learner, what) for learner in learners}
    return sorted((v for v in values if v), key=natural_order)
