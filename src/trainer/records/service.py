"""The training record as the faces use it: register, attempt, answer, complete, attest.

Every change is one event, committed before the method returns, so a face shows a result
only once it is on disk. Preconditions are checked inside the write transaction (the
log's guard), so two terminals cannot answer the same item twice or start two attempts.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Connection

from trainer.content.course import CourseBundle, bundle_from_normalized, normalized
from trainer.content.models import Guideline, Module, TrackId
from trainer.engine import (
    Certainty,
    Outcome,
    grade,
    mastery,
    passed,
    score_of,
    select_items,
    weakest,
)
from trainer.engine.scoring import Score
from trainer.records.db import RecordsError
from trainer.records.events import NewEvent
from trainer.records.history import (
    ROLES,
    AnswerRecord,
    Attempt,
    Certification,
    History,
    Learner,
    Role,
    certification,
    history_from,
    minutes_text,
)
from trainer.records.log import EventLog

_BADGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")


def utc_now() -> datetime:
    return datetime.now(UTC)


ModuleState = Literal["not started", "in progress", "passed", "failed"]


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    state: ModuleState
    answered: int
    items: int
    score: Score | None


@dataclass(frozen=True)
class TrackStatus:
    track: TrackId
    modules: tuple[ModuleStatus, ...]
    time_on_task: timedelta
    minimum: timedelta | None
    certification: Certification
    now: datetime

    @property
    def all_passed(self) -> bool:
        return all(m.state == "passed" for m in self.modules)

    @property
    def seat_time_met(self) -> bool:
        return self.minimum is None or self.time_on_task >= self.minimum

    @property
    def ready_to_attest(self) -> bool:
        return self.all_passed and self.seat_time_met

    @property
    def round_open(self) -> bool:
        """Whether there is work to do: never certified, expired, within the renewal window
        of its expiry, or a round already under way."""
        cert = self.certification
        if cert.status != "certified" or any(m.state != "not started" for m in self.modules):
            return True
        return cert.valid_until is not None and cert.valid_until - RENEWAL_WINDOW <= self.now


RENEWAL_WINDOW = timedelta(days=90)
"""A certified learner may start the next round of a track this long before it expires."""


class Records:
    """The record of one course's learners, over an :class:`EventLog`."""

    def __init__(
        self,
        log: EventLog,
        bundle: CourseBundle,
        *,
        clock: Callable[[], datetime] = utc_now,
        new_seed: Callable[[], int] = lambda: secrets.randbits(63),
    ) -> None:
        self.log = log
        self.bundle = bundle
        self.clock = clock
        self.new_seed = new_seed
        self._versions: dict[str, CourseBundle] = {bundle.content_hash: bundle}
        # What answering needs and never changes, per course version and per attempt.
        self._guidelines: dict[str, dict[str, Guideline]] = {}
        self._started: dict[str, _Started] = {}

    # --- learners ---------------------------------------------------------------------

    def history(self, badge: str | None = None) -> History:
        return history_from(self.log.events(learner=badge))

    def register(
        self,
        name: str,
        badge: str,
        agency: str,
        unit: str | None = None,
        officer_id: str | None = None,
        role: Role = "learner",
    ) -> Learner:
        name, badge, agency = name.strip(), badge.strip(), agency.strip()
        if not name:
            raise RecordsError("a learner needs a name")
        if not agency:
            raise RecordsError("a learner needs an agency")
        if not _BADGE.match(badge):
            raise RecordsError(
                f"'{badge}' is not a usable badge number: letters, digits, '.', '-', '/' "
                "or '_', at most 32"
            )
        _check_role(role)

        def unique(conn: Connection) -> None:
            if self.log.events_in(conn, learner=badge, kinds=["learner_registered"]):
                raise RecordsError(f"a learner with badge {badge} is already registered")

        self.log.append(
            NewEvent(
                "learner_registered",
                {
                    "name": name,
                    "badge": badge,
                    "agency": agency,
                    "unit": (unit or "").strip() or None,
                    "officer_id": (officer_id or "").strip() or None,
                    "role": role,
                },
                learner=badge,
            ),
            guard=unique,
        )
        return self.learner(badge)

    def learner(self, badge: str) -> Learner:
        found = self.history(badge).learners.get(badge)
        if found is None:
            raise RecordsError(
                f"no learner with badge {badge}: add one with 'trainer learners add'"
            )
        return found

    def learners(self) -> list[Learner]:
        events = self.log.events(kinds=["learner_registered", "learner_role_changed"])
        return sorted(history_from(events).learners.values(), key=lambda x: x.name.casefold())

    def set_role(self, badge: str, role: Role) -> Learner:
        """Make a learner a training officer, or a learner only again. Setting the role a
        learner already has records nothing."""
        _check_role(role)
        self.learner(badge)

        def changes(conn: Connection) -> None:
            events = self.log.events_in(
                conn, learner=badge, kinds=["learner_registered", "learner_role_changed"]
            )
            if history_from(events).learners[badge].role == role:
                raise _AlreadyThere

        with contextlib.suppress(_AlreadyThere):
            self.log.append(
                NewEvent("learner_role_changed", {"badge": badge, "role": role}, learner=badge),
                guard=changes,
            )
        return self.learner(badge)

    # --- course versions --------------------------------------------------------------

    def version(self, content_hash: str) -> CourseBundle:
        """The course as it was under ``content_hash``: records keep every version taught."""
        if content_hash not in self._versions:
            for event in self.log.events(kinds=["course_version"]):
                if event.payload.get("content_hash") == content_hash:
                    content = event.payload["content"]
                    assert isinstance(content, dict)
                    self._versions[content_hash] = bundle_from_normalized(content, self.bundle.root)
                    break
            else:
                raise RecordsError(
                    f"the records hold no course version {content_hash[:12]}: the database "
                    "is incomplete"
                )
        return self._versions[content_hash]

    def _keep_version(self) -> None:
        wanted = self.bundle.content_hash

        def unseen(conn: Connection) -> None:
            for event in self.log.events_in(conn, kinds=["course_version"]):
                if event.payload.get("content_hash") == wanted:
                    raise _AlreadyThere

        course = self.bundle.course
        with contextlib.suppress(_AlreadyThere):
            self.log.append(
                NewEvent(
                    "course_version",
                    {
                        "course_id": course.id,
                        "version": course.version,
                        "content_hash": wanted,
                        "content": normalized(course, self.bundle.policy, self.bundle.modules),
                    },
                ),
                guard=unseen,
            )

    # --- attempts ---------------------------------------------------------------------

    def module_of(self, attempt: Attempt) -> Module:
        return self.version(attempt.content_hash).module(attempt.module)

    def mastery(self, attempt: Attempt) -> dict[str, Score]:
        """Per guideline the attempt tested: points earned against the most possible."""
        outcomes = [_as_outcome(a) for a in attempt.answers]
        return mastery([self.module_of(attempt)], outcomes)

    def open_attempt(self, badge: str, track: TrackId, module_id: str) -> Attempt | None:
        current = self.history(badge).current_attempts(badge, track, module_id)
        return current[-1] if current and current[-1].is_open else None

    def start_attempt(self, badge: str, track: TrackId, module_id: str) -> Attempt:
        """A new attempt, its items drawn now and fixed for good. A refresher avoids the
        scenarios of the learner's previous round; a retake favours their weakest guidelines."""
        self.learner(badge)
        track_modules = dict(self.bundle.course.tracks.items()).get(track)
        if track_modules is None or module_id not in track_modules.modules:
            raise RecordsError(f"track '{track}' has no module '{module_id}'")
        module = self.bundle.module(module_id)
        history = self.history(badge)
        current = history.current_attempts(badge, track, module_id)
        if current and current[-1].is_open:
            raise RecordsError(f"{badge} already has an open attempt at '{module_id}'")
        avoid = self._previous_round_items(history, badge, track, module_id)
        weakness: dict[str, float] | None = None
        if current and current[-1].passed is False:
            outcomes = [_as_outcome(a) for a in current[-1].answers]
            weakness = weakest(mastery([self.module_of(current[-1])], outcomes))
        seed = self.new_seed()
        items = select_items(module, seed, avoid=avoid, weakness=weakness)
        self._keep_version()
        attempt_id = uuid.uuid4().hex
        course = self.bundle.course

        def none_open(conn: Connection) -> None:
            for event in self.log.events_in(conn, learner=badge, kinds=["attempt_started"]):
                if event.payload.get("module") == module_id and event.payload.get("track") == track:
                    done = self.log.events_in(
                        conn, attempt=event.attempt, kinds=["attempt_completed"]
                    )
                    if not done:
                        raise RecordsError(f"{badge} already has an open attempt at '{module_id}'")

        self.log.append(
            NewEvent(
                "attempt_started",
                {
                    "course_id": course.id,
                    "version": course.version,
                    "content_hash": self.bundle.content_hash,
                    "track": track,
                    "module": module_id,
                    "seed": seed,
                    "items": list(items),
                    "weak_guidelines": sorted(
                        (g for g, w in (weakness or {}).items() if w > 0),
                        key=lambda g: -(weakness or {})[g],
                    ),
                    "avoided": sorted(avoid),
                },
                learner=badge,
                attempt=attempt_id,
            ),
            guard=none_open,
        )
        return self.attempt(attempt_id)

    def _previous_round_items(
        self, history: History, badge: str, track: TrackId, module_id: str
    ) -> set[str]:
        if track != "refresher":
            return set()
        start = history.cycle_start(badge, track)
        if start is None:
            return set()
        earlier = [a for a in history.attempts_of(badge, track, module_id) if a.started <= start]
        return set(earlier[-1].items) if earlier else set()

    def attempt(self, attempt_id: str) -> Attempt:
        found = history_from(self.log.events(attempt=attempt_id)).attempts.get(attempt_id)
        if found is None:
            raise RecordsError(f"no attempt {attempt_id}")
        self._started[attempt_id] = _Started(found.badge, found.content_hash, found.module)
        return found

    def answer(
        self,
        attempt_id: str,
        scenario_id: str,
        step_id: str,
        selected: Collection[str],
        certainty: Certainty | None = None,
    ) -> Outcome:
        """Grade and record one answer; it is committed when this returns.

        The attempt's events are read once, under the write lock: what grading needs of
        the attempt (its learner, course version and module) is fixed when it starts."""
        started = self._started.get(attempt_id)
        if started is None:
            self.attempt(attempt_id)
            started = self._started[attempt_id]
        course = self.version(started.content_hash)
        module = course.module(started.module)
        scenario = next(s for s in module.scenarios if s.id == scenario_id)
        guidelines = self._guidelines.get(started.content_hash)
        if guidelines is None:
            guidelines = {g.id: g for g in course.policy.guidelines}
            self._guidelines[started.content_hash] = guidelines
        outcome = grade(module, scenario, step_id, selected, guidelines, certainty)

        def expected(conn: Connection) -> None:
            now = history_from(self.log.events_in(conn, attempt=attempt_id)).attempts[attempt_id]
            if not now.is_open:
                raise RecordsError("this attempt is already complete: start a new one")
            position = now.position(module)
            if position is None or position[1:] != (scenario_id, step_id):
                raise RecordsError(
                    f"item {scenario_id}/{step_id} is not the one this attempt is waiting "
                    "for: it was answered already"
                )

        self.log.append(
            NewEvent(
                "answer_recorded",
                {
                    "scenario": scenario_id,
                    "step": step_id,
                    "selected": list(outcome.selected),
                    "certainty": certainty,
                    "points": outcome.points,
                    "maximum": outcome.maximum,
                    "verdict": outcome.verdict,
                    "next_step": outcome.next_step,
                    "cited": [c.id for c in outcome.cited],
                },
                learner=started.badge,
                attempt=attempt_id,
            ),
            guard=expected,
        )
        return outcome

    def complete(self, attempt_id: str) -> Attempt:
        """Score a finished attempt against its track's pass mark, and record it."""
        attempt = self.attempt(attempt_id)
        if not attempt.is_open:
            return attempt
        course = self.version(attempt.content_hash)
        module = course.module(attempt.module)
        if attempt.position(module) is not None:
            raise RecordsError("this attempt still has unanswered items")
        by_id = {s.id: s for s in module.scenarios}
        score = score_of([by_id[i] for i in attempt.items], map(_as_outcome, attempt.answers))
        pass_mark = dict(course.course.tracks.items())[attempt.track].pass_mark

        def still_open(conn: Connection) -> None:
            if self.log.events_in(conn, attempt=attempt_id, kinds=["attempt_completed"]):
                raise _AlreadyThere

        with contextlib.suppress(_AlreadyThere):
            self.log.append(
                NewEvent(
                    "attempt_completed",
                    {
                        "earned": score.earned,
                        "maximum": score.maximum,
                        "percent": round(score.percent, 2),
                        "pass_mark": pass_mark,
                        "passed": passed(score, pass_mark),
                    },
                    learner=attempt.badge,
                    attempt=attempt_id,
                ),
                guard=still_open,
            )
        return self.attempt(attempt_id)

    # --- tracks -----------------------------------------------------------------------

    def track_status(
        self, badge: str, track: TrackId, history: History | None = None
    ) -> TrackStatus:
        history = history or self.history(badge)
        definition = dict(self.bundle.course.tracks.items())[track]
        modules: list[ModuleStatus] = []
        seat = timedelta()
        for module in self.bundle.track_modules(track):
            current = history.current_attempts(badge, track, module.id)
            seat += sum((a.time_on_task for a in current), timedelta())
            modules.append(self._module_status(module, current))
        minimum = (
            timedelta(minutes=definition.minimum_minutes) if definition.minimum_minutes else None
        )
        now = self.clock()
        return TrackStatus(
            track, tuple(modules), seat, minimum, certification(history, badge, track, now), now
        )

    def _module_status(self, module: Module, attempts: list[Attempt]) -> ModuleStatus:
        best = next((a for a in reversed(attempts) if a.passed), None)
        if best is not None:
            return _finished(module, "passed", best)
        if not attempts:
            return ModuleStatus(module, "not started", 0, len(module.scenarios), None)
        last = attempts[-1]
        if last.is_open:
            pending = last.position(self.module_of(last))
            done = len(last.items) if pending is None else pending[0]
            return ModuleStatus(module, "in progress", done, len(last.items), None)
        return _finished(module, "failed", last)

    def attest(self, badge: str, track: TrackId, typed_badge: str) -> Certification:
        """The learner attests to having read and understood the policy, by typing their
        badge number: the event that completes a track."""
        learner = self.learner(badge)
        if typed_badge.strip() != learner.badge:
            raise RecordsError("that is not your badge number: type it exactly to attest")
        status = self.track_status(badge, track)
        if not status.round_open:
            raise RecordsError(f"the {track} track is already complete")
        if not status.all_passed:
            raise RecordsError(f"every module of the {track} track must be passed first")
        if not status.seat_time_met:
            assert status.minimum is not None
            raise RecordsError(
                f"the {track} track asks for {minutes_text(status.minimum)} on task; "
                f"so far: {minutes_text(status.time_on_task)}"
            )
        course = self.bundle.course
        definition = dict(course.tracks.items())[track]
        cycle = self.history(badge).cycle_start(badge, track)
        self._keep_version()  # the text attested to must stay readable

        def once(conn: Connection) -> None:
            for event in self.log.events_in(conn, learner=badge, kinds=["policy_acknowledged"]):
                if event.payload.get("track") == track and (cycle is None or event.time > cycle):
                    raise RecordsError(f"the {track} track is already complete")

        self.log.append(
            NewEvent(
                "policy_acknowledged",
                {
                    "track": track,
                    "course_id": course.id,
                    "course_title": course.title,
                    "version": course.version,
                    "content_hash": self.bundle.content_hash,
                    "attestation": course.attestation,
                    "recertification_months": definition.recertification_months,
                    "time_on_task_seconds": int(status.time_on_task.total_seconds()),
                },
                learner=badge,
            ),
            guard=once,
        )
        return certification(self.history(badge), badge, track, self.clock())


def _finished(module: Module, state: ModuleState, attempt: Attempt) -> ModuleStatus:
    done = len(attempt.items)
    return ModuleStatus(module, state, done, done, Score(attempt.earned or 0, attempt.maximum or 0))


class _AlreadyThere(Exception):
    """A guard's way to say the event is already recorded: nothing to do."""


@dataclass(frozen=True)
class _Started:
    """What an attempt fixes when it starts and answering needs: whose, and what."""

    badge: str
    content_hash: str
    module: str


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise RecordsError(f"unknown role '{role}': use {' or '.join(ROLES)}")


def _as_outcome(answer: AnswerRecord) -> Outcome:
    """A recorded answer as the engine's scoring reads it (feedback is not needed)."""
    return Outcome(
        scenario_id=answer.scenario,
        step_id=answer.step,
        selected=answer.selected,
        points=answer.points,
        maximum=answer.maximum,
        verdict=answer.verdict,
        chosen=(),
        missed=(),
        cited=(),
        next_step=answer.next_step,
        certainty=answer.certainty,
    )
