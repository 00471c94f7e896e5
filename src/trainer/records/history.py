"""What the event log says happened: learners, attempts, answers, completions.

Everything here is derived from the events alone, by pure functions: progress, the resume
point of an open attempt, transcripts, certification status and due dates.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal, cast, get_args

from trainer.content.models import Module, TrackId, Verdict
from trainer.engine.outcome import Certainty
from trainer.records.events import StoredEvent

IDLE_CAP = timedelta(minutes=15)
"""A gap between two events of an attempt counts as time on task up to this much: a
terminal left open over lunch is not training."""


def minutes_text(span: timedelta) -> str:
    """Time on task as people say it: '12 min', 'under 1 min', '0 min'."""
    seconds = span.total_seconds()
    if 0 < seconds < 30:
        return "under 1 min"
    return f"{round(seconds / 60)} min"


Role = Literal["learner", "officer"]
"""What a person may do: every learner takes courses; a training officer also sees the
records of others (the TUI's records screen)."""
ROLES: tuple[Role, ...] = get_args(Role)


@dataclass(frozen=True)
class Learner:
    badge: str
    name: str
    agency: str
    unit: str | None
    officer_id: str | None
    registered: datetime
    role: Role = "learner"

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"


@dataclass(frozen=True)
class AnswerRecord:
    """One recorded answer and the essentials of its outcome."""

    scenario: str
    step: str
    selected: tuple[str, ...]
    certainty: Certainty | None
    points: int
    maximum: int
    verdict: Verdict
    next_step: str | None
    cited: tuple[str, ...]
    time: datetime


@dataclass
class Attempt:
    """One attempt at one module, as its events tell it."""

    id: str
    badge: str
    course_id: str
    version: str
    content_hash: str
    track: TrackId
    module: str
    seed: int
    items: tuple[str, ...]
    started: datetime
    answers: list[AnswerRecord] = field(default_factory=list)
    completed: datetime | None = None
    earned: int | None = None
    maximum: int | None = None
    passed: bool | None = None
    event_times: list[datetime] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.completed is None

    @property
    def time_on_task(self) -> timedelta:
        """Time between this attempt's events, each gap capped at :data:`IDLE_CAP`."""
        times = sorted(self.event_times)
        return sum((min(b - a, IDLE_CAP) for a, b in itertools.pairwise(times)), timedelta())

    def answered(self, scenario: str, step: str) -> AnswerRecord | None:
        return next((a for a in self.answers if a.scenario == scenario and a.step == step), None)

    def position(self, module: Module) -> tuple[int, str, str] | None:
        """The first unanswered step as (item number from 0, scenario id, step id), following
        each scenario's branches as answered; None when every item is done."""
        by_id = {s.id: s for s in module.scenarios}
        for number, scenario_id in enumerate(self.items):
            step: str | None = by_id[scenario_id].steps[0].id
            while step is not None:
                answer = self.answered(scenario_id, step)
                if answer is None:
                    return number, scenario_id, step
                step = answer.next_step
        return None


@dataclass(frozen=True)
class Completion:
    """A track completed: every module passed, and the policy acknowledged."""

    badge: str
    track: TrackId
    time: datetime
    course_id: str
    version: str
    content_hash: str
    valid_until: datetime | None


@dataclass
class History:
    """Everything the log holds, arranged for reading."""

    learners: dict[str, Learner] = field(default_factory=dict)
    attempts: dict[str, Attempt] = field(default_factory=dict)
    completions: dict[tuple[str, TrackId], list[Completion]] = field(default_factory=dict)
    by_badge: dict[str, list[Attempt]] = field(default_factory=dict)

    def attempts_of(
        self, badge: str, track: TrackId | None = None, module: str | None = None
    ) -> list[Attempt]:
        """In the order they were started."""
        return [
            a
            for a in self.by_badge.get(badge, [])
            if (track is None or a.track == track) and (module is None or a.module == module)
        ]

    def completions_of(self, badge: str, track: TrackId) -> list[Completion]:
        return self.completions.get((badge, track), [])

    def cycle_start(self, badge: str, track: TrackId) -> datetime | None:
        """When the current round of a track began: after its last completion, if any."""
        done = self.completions_of(badge, track)
        return done[-1].time if done else None

    def current_attempts(self, badge: str, track: TrackId, module: str) -> list[Attempt]:
        """The attempts at a module that count towards the track's next completion."""
        start = self.cycle_start(badge, track)
        return [
            a for a in self.attempts_of(badge, track, module) if start is None or a.started > start
        ]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 = Feb 28)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    try:
        return moment.replace(year=year, month=month)
    except ValueError:  # the 29th to 31st of a shorter month
        return moment.replace(year=year, month=month, day=calendar.monthrange(year, month)[1])


def history_from(events: Iterable[StoredEvent]) -> History:
    """Fold the events, in chain order, into a :class:`History`."""
    history = History()
    for event in events:
        p = event.payload
        if event.kind == "learner_registered":
            history.learners[str(p["badge"])] = Learner(
                badge=str(p["badge"]),
                name=str(p["name"]),
                agency=str(p["agency"]),
                unit=_opt(p.get("unit")),
                officer_id=_opt(p.get("officer_id")),
                registered=event.time,
                # Registrations written before roles existed carry none: a learner.
                role=_role(p.get("role")),
            )
        elif event.kind == "learner_role_changed":
            badge = str(event.learner)
            if badge in history.learners:
                history.learners[badge] = replace(
                    history.learners[badge], role=_role(p.get("role"))
                )
        elif event.kind == "attempt_started":
            attempt = Attempt(
                id=str(event.attempt),
                badge=str(event.learner),
                course_id=str(p["course_id"]),
                version=str(p["version"]),
                content_hash=str(p["content_hash"]),
                track=cast(TrackId, p["track"]),
                module=str(p["module"]),
                seed=int(cast(int, p["seed"])),
                items=tuple(str(i) for i in cast(list[str], p["items"])),
                started=event.time,
            )
            attempt.event_times.append(event.time)
            history.attempts[attempt.id] = attempt
            history.by_badge.setdefault(attempt.badge, []).append(attempt)
        elif event.kind == "answer_recorded" and event.attempt in history.attempts:
            attempt = history.attempts[event.attempt]
            attempt.answers.append(_answer(p, event.time))
            attempt.event_times.append(event.time)
        elif event.kind == "attempt_completed" and event.attempt in history.attempts:
            attempt = history.attempts[event.attempt]
            attempt.completed = event.time
            attempt.earned = int(cast(int, p["earned"]))
            attempt.maximum = int(cast(int, p["maximum"]))
            attempt.passed = bool(p["passed"])
            attempt.event_times.append(event.time)
        elif event.kind == "policy_acknowledged":
            done = completion_from(event)
            history.completions.setdefault((done.badge, done.track), []).append(done)
    return history


def completion_from(event: StoredEvent) -> Completion:
    """The completion a ``policy_acknowledged`` event records."""
    p = event.payload
    months = p.get("recertification_months")
    return Completion(
        badge=str(event.learner),
        track=cast(TrackId, p["track"]),
        time=event.time,
        course_id=str(p["course_id"]),
        version=str(p["version"]),
        content_hash=str(p["content_hash"]),
        valid_until=add_months(event.time, months) if isinstance(months, int) else None,
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _role(value: object) -> Role:
    return "officer" if value == "officer" else "learner"


def _answer(p: dict[str, object], time: datetime) -> AnswerRecord:
    certainty = p.get("certainty")
    next_step = p.get("next_step")
    return AnswerRecord(
        scenario=str(p["scenario"]),
        step=str(p["step"]),
        selected=tuple(str(s) for s in cast(list[str], p["selected"])),
        certainty=cast(Certainty, certainty) if certainty is not None else None,
        points=int(cast(int, p["points"])),
        maximum=int(cast(int, p["maximum"])),
        verdict=cast(Verdict, p["verdict"]),
        next_step=str(next_step) if next_step is not None else None,
        cited=tuple(str(c) for c in cast(list[str], p.get("cited", []))),
        time=time,
    )


Status = Literal["certified", "expired", "never"]


@dataclass(frozen=True)
class Certification:
    badge: str
    track: TrackId
    status: Status
    completed: datetime | None
    valid_until: datetime | None

    def days_left(self, now: datetime) -> int | None:
        if self.valid_until is None:
            return None
        return (self.valid_until - now).days


def certification(history: History, badge: str, track: TrackId, now: datetime) -> Certification:
    """Certified (until when, if it expires), expired, or never certified."""
    done = history.completions_of(badge, track)
    if not done:
        return Certification(badge, track, "never", None, None)
    last = done[-1]
    status: Status = (
        "expired" if last.valid_until is not None and last.valid_until <= now else "certified"
    )
    return Certification(badge, track, status, last.time, last.valid_until)
