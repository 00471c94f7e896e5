"""A scripted department for the report tests: 200 learners whose every answer is known.

The population is written through the real :class:`~trainer.records.service.Records`
service (register, start, answer, complete, attest, issue, change role) with a settable
clock, so the log is exactly what the application writes. Everything the script did is
also kept on the side, in plain data (:class:`Population`): the people, every answer
given, every attempt's outcome, every completion and certificate. Tests compute their
expected figures from that ledger and the plan, never through the code under test.

Reusable: :func:`build` takes any course root (``course_factory.make_course`` or a course of
your own, branching or with certainty asked) and a list of :class:`Person`; the
:func:`department` plan is the 200-learner script the reports tests use.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course_factory import make_course
from trainer.certificates.issue import issue
from trainer.certificates.keys import SigningKey
from trainer.certificates.payload import Officer
from trainer.content.course import load_course
from trainer.content.models import AnyStep, Module, Scenario, TrackId, step_options
from trainer.engine.outcome import Certainty
from trainer.records.history import Role
from trainer.records.log import EventLog
from trainer.records.service import Records


def now_to_the_minute() -> datetime:
    """The department's 'now': the real time, so that the real commands (which read the
    real clock) see the record as planned. Expiries fall at noon on days other than
    today, so the hour the tests run at changes nothing."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


KEY = SigningKey.of(Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39))))
ISSUER = Officer("Sgt. Dana Reyes", "Training Officer")
CONTROL_NUMBER = "POST-SM-2027"
AGENCIES = ("Riverton PD", "Lakeside County SO", "Harbor City PD")
UNITS = ("Patrol", "Traffic", "Investigations", None)
EVENT_GAP = timedelta(seconds=40)
"""Time between two events of one sitting (so time on task is 40 s per answer)."""


class Clock:
    """A clock the script sets; each reading is one :data:`EVENT_GAP` after the last."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def set(self, moment: datetime) -> None:
        """Move on to ``moment``; a sitting planned while another was still going on starts
        when that one ends (minutes later), as it would at a shared terminal."""
        self.now = max(self.now, moment)

    def __call__(self) -> datetime:
        now = self.now
        self.now += EVENT_GAP
        return now


# --- the plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class Take:
    """One attempt at a module: ``wrong`` items answered wrongly; ``stop_after`` answers
    given and then left open (None: every item answered and the attempt completed)."""

    module: str
    wrong: int = 0
    stop_after: int | None = None


@dataclass(frozen=True)
class Round:
    """A round of a track begun at ``start``: its attempts in order, then (if ``attest``) the
    attestation, and (if ``issue``) the certificate."""

    track: TrackId
    start: datetime
    takes: tuple[Take, ...]
    attest: bool = True
    issue: bool = True


@dataclass(frozen=True)
class Person:
    index: int
    badge: str
    name: str
    agency: str
    unit: str | None
    officer_id: str | None
    role: Role
    story: str
    """The kind of record the plan gives them: 'never', 'in progress', 'certified', ..."""
    registered: datetime
    rounds: tuple[Round, ...] = ()
    role_change: tuple[datetime, Role] | None = None


# --- what happened --------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    badge: str
    attempt: str
    track: TrackId
    module: str
    scenario: str
    step: str
    selected: tuple[str, ...]
    certainty: Certainty | None
    verdict: str
    points: int
    maximum: int


@dataclass(frozen=True)
class AttemptDone:
    id: str
    badge: str
    track: TrackId
    module: str
    started: datetime
    items: tuple[str, ...]
    answers: int
    completed: datetime | None
    earned: int | None
    maximum: int | None
    passed: bool | None


@dataclass(frozen=True)
class Completed:
    badge: str
    track: TrackId
    time: datetime


@dataclass(frozen=True)
class Certified:
    number: str
    badge: str
    track: TrackId
    completed: datetime


@dataclass
class Population:
    records: Records
    clock: Clock
    people: list[Person]
    now: datetime
    answers: list[Answered] = field(default_factory=list)
    attempts: list[AttemptDone] = field(default_factory=list)
    completions: list[Completed] = field(default_factory=list)
    certificates: list[Certified] = field(default_factory=list)

    def person(self, badge: str) -> Person:
        return next(p for p in self.people if p.badge == badge)


Chooser = Callable[[Person, Take, int, int, Scenario, AnyStep], tuple[list[str], Certainty | None]]
"""(person, take, item number in the attempt, items in the attempt, scenario, step) ->
(selected ids, certainty: None unless the module asks)."""


def scripted_choice(
    person: Person, take: Take, number: int, items: int, scenario: Scenario, step: AnyStep
) -> tuple[list[str], Certainty | None]:
    """The default script: right at every item but ``take.wrong`` of them, those at item
    numbers ``index, index + 1, ...`` (mod ``items``); a wrong answer picks one of the
    incorrect options, alternating. Certainty cycles sure, fairly sure, guessing."""
    options = step_options(step)
    right = [o.id for o in options if o.verdict == "correct"]
    wrong = [o.id for o in options if o.verdict == "incorrect"]
    wrong_at = {(person.index + k) % items for k in range(min(take.wrong, items))}
    certainty: Certainty = ("sure", "fairly sure", "guessing")[(person.index + number) % 3]
    if number in wrong_at and wrong:
        return [wrong[(person.index + number) % len(wrong)]], certainty
    if step.type == "single":
        return right[:1], certainty
    return right, certainty


# --- building -------------------------------------------------------------------------


def build(
    log: EventLog,
    course_root: Path,
    people: Sequence[Person],
    *,
    clock: Clock,
    now: datetime,
    choose: Chooser = scripted_choice,
) -> Population:
    """Run the script for ``people`` through a Records service on ``log`` (whose clock must
    be ``clock``), in time order across people, as a department would have written it;
    ``now`` is when the plan's reports are read."""
    seeds = itertools.count(1001)
    records = Records(log, load_course(course_root), clock=clock, new_seed=lambda: next(seeds))
    population = Population(records, clock, list(people), now)
    sittings: list[tuple[datetime, int, Callable[[], None]]] = []
    order = itertools.count()
    for person in people:
        sittings.append((person.registered, next(order), _register(population, person)))
        for round_ in person.rounds:
            when = round_.start
            for take in round_.takes:
                sittings.append(
                    (when, next(order), _take(population, person, round_, take, choose))
                )
                when += timedelta(days=2)
            if round_.attest:
                sittings.append((when, next(order), _attest(population, person, round_)))
        if person.role_change is not None:
            moment, role = person.role_change
            sittings.append((moment, next(order), _set_role(population, person, role)))
    for moment, _, sitting in sorted(sittings, key=lambda s: (s[0], s[1])):
        clock.set(moment)
        sitting()
    return population


def _register(population: Population, person: Person) -> Callable[[], None]:
    def run() -> None:
        population.records.register(
            person.name, person.badge, person.agency, person.unit, person.officer_id, person.role
        )

    return run


def _set_role(population: Population, person: Person, role: Role) -> Callable[[], None]:
    def run() -> None:
        population.records.set_role(person.badge, role)

    return run


def _take(
    population: Population, person: Person, round_: Round, take: Take, choose: Chooser
) -> Callable[[], None]:
    def run() -> None:
        records = population.records
        attempt = records.start_attempt(person.badge, round_.track, take.module)
        module: Module = records.module_of(attempt)
        scenarios = {s.id: s for s in module.scenarios}
        given = 0
        while take.stop_after is None or given < take.stop_after:
            position = records.attempt(attempt.id).position(module)
            if position is None:
                break
            number, scenario_id, step_id = position
            scenario = scenarios[scenario_id]
            step = next(s for s in scenario.steps if s.id == step_id)
            selected, certainty = choose(person, take, number, len(attempt.items), scenario, step)
            if not module.ask_certainty:
                certainty = None
            outcome = records.answer(attempt.id, scenario_id, step_id, selected, certainty)
            given += 1
            population.answers.append(
                Answered(
                    person.badge,
                    attempt.id,
                    round_.track,
                    take.module,
                    scenario_id,
                    step_id,
                    tuple(outcome.selected),
                    certainty,
                    outcome.verdict,
                    outcome.points,
                    outcome.maximum,
                )
            )
        done = records.complete(attempt.id) if take.stop_after is None else None
        population.attempts.append(
            AttemptDone(
                attempt.id,
                person.badge,
                round_.track,
                take.module,
                attempt.started,
                attempt.items,
                given,
                None if done is None else done.completed,
                None if done is None else done.earned,
                None if done is None else done.maximum,
                None if done is None else done.passed,
            )
        )

    return run


def _attest(population: Population, person: Person, round_: Round) -> Callable[[], None]:
    def run() -> None:
        records = population.records
        records.attest(person.badge, round_.track, person.badge)
        history = records.history(person.badge)
        when = history.completions_of(person.badge, round_.track)[-1].time
        population.completions.append(Completed(person.badge, round_.track, when))
        if round_.issue:
            issued = issue(records, person.badge, round_.track, KEY, ISSUER)
            population.certificates.append(
                Certified(issued.number, person.badge, round_.track, when)
            )

    return run


# --- the department -------------------------------------------------------------------

NAMES = (
    "Dana Reyes",
    "Zoë Łukasiewicz",
    "Иван Петров",
    "陳美玲",
    'Pat "Red" O\'Brien, Jr.',
    "Nguyễn Văn An",
    "Amira Haddad",
    "Sam <b>Bold</b> & Co",
    "Chris Jordan",
    "Alex Kim",
)


def department_course(root: Path) -> Path:
    """The reports tests' course: course_factory's, with a course control number."""
    make_course(root, onboarding_items=6, pool_size=12, draw=4)
    path = root / "course" / "course.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["course_control_number"] = CONTROL_NUMBER
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


STORIES = (
    "never",  # registered, nothing taken
    "in progress",  # onboarding begun, left open
    "failed",  # onboarding attempted and failed, no retake
    "onboarded",  # onboarding complete, never a refresher
    "certified",  # refresher completed months ago
    "due 0-30",  # refresher expires within 30 days
    "due 31-60",
    "due 61-90",
    "expired",  # refresher expired (every other one renewing: an attempt begun since)
    "renewed",  # two refresher rounds; the latest recent
)
DUE_DAYS = {"due 0-30": (1, 30), "due 31-60": (31, 60), "due 61-90": (61, 90)}
"""Days until expiry for each 'due' story. None expires on the day the tests run: whether
it has yet depends on the hour, which tests do not choose."""


def department(now: datetime, count: int = 200) -> list[Person]:
    """The plan: ``count`` people cycling through :data:`STORIES`, three agencies, four
    units (one of them none), every 25th a training officer; two change role later.
    Registrations begin 1,000 days before ``now``."""
    people: list[Person] = []
    for i in range(count):
        story = STORIES[i % len(STORIES)]
        lap = i // len(STORIES)
        registered = now - timedelta(days=1000) + timedelta(hours=7 * i)
        onboarding_start = registered + timedelta(days=3)
        rounds: list[Round] = []
        weak = i % 7 == 3  # fails a first attempt, passes the retake
        first = (
            (Take("basics", wrong=3), Take("basics", wrong=1))
            if weak
            else (Take("basics", wrong=i % 2),)
        )
        if story == "in progress":
            rounds.append(
                Round("onboarding", onboarding_start, (Take("basics", stop_after=3),), False)
            )
        elif story == "failed":
            rounds.append(Round("onboarding", onboarding_start, (Take("basics", wrong=4),), False))
        elif story != "never":
            rounds.append(Round("onboarding", onboarding_start, first, issue=i % 17 != 3))
        refresher_done: list[datetime] = []
        if story == "certified":
            refresher_done.append(now - timedelta(days=40 + 7 * lap, hours=3))
        elif story in DUE_DAYS:
            low, high = DUE_DAYS[story]
            refresher_done.append(_expiring_in(now, low + (lap * 7) % (high - low + 1)))
        elif story == "expired":
            refresher_done.append(_expiring_in(now, -(1 + 23 * lap)))
        elif story == "renewed":
            latest = now - timedelta(days=20 + 5 * lap, hours=1)
            refresher_done += [latest - timedelta(days=320), latest]
        for done in refresher_done:
            takes = (Take("review", wrong=1 if i % 3 == 0 else 0),)
            # The attestation is the round's last sitting, two days per attempt after it began.
            rounds.append(Round("refresher", done - timedelta(days=2 * len(takes)), takes))
        if story == "expired" and lap % 2 == 1:
            renewal = (Take("review", stop_after=2),)
            rounds.append(Round("refresher", now - timedelta(hours=5), renewal, False))
        role: Role = "officer" if i % 25 == 7 else "learner"
        change: tuple[datetime, Role] | None = None
        if i == 57:
            change = (now - timedelta(days=10), "learner")  # an officer no longer
        elif i == 58:
            change = (now - timedelta(days=9), "officer")
        people.append(
            Person(
                index=i,
                badge=f"{4000 + i}",
                name=f"{NAMES[i % len(NAMES)]} {i}",
                agency=AGENCIES[i % len(AGENCIES)],
                unit=UNITS[(i // 3) % len(UNITS)],
                officer_id=f"POST-{100000 + 37 * i}" if i % 4 != 1 else None,
                role=role,
                story=story,
                registered=registered,
                rounds=tuple(rounds),
                role_change=change,
            )
        )
    return people


def _expiring_in(now: datetime, days: int) -> datetime:
    """A refresher completion whose 12-month expiry falls ``days`` calendar days after
    ``now``'s date (negative: before), at noon UTC."""
    expiry = datetime.combine(now.date() + timedelta(days=days), time(12), UTC)
    try:
        return expiry.replace(year=expiry.year - 1)
    except ValueError:  # 29 February: the 28th, expiring a day early
        return expiry.replace(year=expiry.year - 1, day=28)
