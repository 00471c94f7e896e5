"""What the reports should say about the scripted department, worked out from the
script's own ledger (what it did, and when), not by the code under test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from population import Population

RECERTIFICATION_YEARS = {"onboarding": None, "refresher": 1}
"""The department course: onboarding never expires, the refresher after 12 months."""
DUE_WITHIN = 90


def year_later(moment: datetime) -> datetime:
    """12 months on, the 29th of February becoming the 28th."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


def whole_days(later: datetime, now: datetime) -> int:
    """Calendar days (UTC) from now's date to ``later``'s (negative when past)."""
    return (later.astimezone(UTC).date() - now.astimezone(UTC).date()).days


@dataclass(frozen=True)
class Expected:
    state: str
    completed: datetime | None
    valid_until: datetime | None
    days_left: int | None
    renewing: bool


def standing(population: Population, badge: str, track: str, now: datetime) -> Expected:
    done = [c.time for c in population.completions if c.badge == badge and c.track == track]
    starts = [a.started for a in population.attempts if a.badge == badge and a.track == track]
    if not done:
        state = "in progress" if starts else "never"
        return Expected(state, None, None, None, bool(starts))
    last = max(done)
    renewing = any(s > last for s in starts)
    if RECERTIFICATION_YEARS[track] is None:
        return Expected("certified", last, None, None, renewing)
    until = year_later(last)
    left = whole_days(until, now)
    if until <= now:
        state = "expired"
    elif left <= DUE_WITHIN:
        state = "due"
    else:
        state = "certified"
    return Expected(state, last, until, left, renewing)


def expiring(population: Population) -> dict[tuple[str, str], datetime]:
    """(badge, track) -> the expiry of their latest completion, for tracks that expire."""
    found: dict[tuple[str, str], datetime] = {}
    for c in sorted(population.completions, key=lambda c: c.time):
        if RECERTIFICATION_YEARS[c.track] is not None:
            found[(c.badge, c.track)] = year_later(c.time)
    return found


def due_in(population: Population, now: datetime, low: int, high: int) -> set[str]:
    """Badges whose certification has not expired and expires in ``low`` to ``high``
    whole days."""
    return {
        badge
        for (badge, _), until in expiring(population).items()
        if until > now and low <= whole_days(until, now) <= high
    }


def overdue(population: Population, now: datetime) -> set[str]:
    return {badge for (badge, _), until in expiring(population).items() if until <= now}
