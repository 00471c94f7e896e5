"""Policy-change impact: what changed in the policy since a version taught, and which
certified learners were trained on the text that changed.

A learner was trained on a section when an item they were given in a *certified attempt*
cites it: a passed attempt of a track, begun before that track's latest completion. An
item cites a section when its scenario lists it or one of its choices cites it. What
counts is the learner's latest such training on the section: someone trained on the old
text and later on the new one is not listed; someone whose latest training on it was on
text that differs from today's is, whichever version that was.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from trainer.content.course import CourseBundle
from trainer.content.models import Guideline, Policy, Scenario, TrackId, step_options
from trainer.records.answers import AttemptFacts
from trainer.records.events import parse_time
from trainer.records.history import Completion, Learner

Change = Literal["changed", "added", "removed"]
Scope = Literal["current", "all"]

_HEX = re.compile(r"^[0-9a-f]+$")
MIN_PREFIX = 4
"""The fewest hash digits taken as a prefix: fewer would match by accident."""


class ImpactError(Exception):
    """A version that cannot be told: unknown or ambiguous; ``str()`` is one line."""


@dataclass(frozen=True)
class VersionOnRecord:
    """A course version as the records keep it, and when it was first taught."""

    version: str
    content_hash: str
    first_taught: datetime

    @property
    def label(self) -> str:
        return (
            f"{self.version} ({self.content_hash[:12]}, first taught {self.first_taught:%Y-%m-%d})"
        )


def resolve_version(spec: str, on_record: Sequence[VersionOnRecord]) -> VersionOnRecord:
    """The version on record that ``spec`` names: a version number (``1.2.0`` or
    ``v1.2.0``), or a content hash or a prefix of at least four digits of one."""
    wanted = spec.strip()
    if not on_record:
        raise ImpactError(
            "the records hold no course version yet: a version is kept when the first "
            "attempt on it starts"
        )
    listed = "; ".join(v.label for v in on_record)
    if not wanted:
        raise ImpactError(f"give a version number or a content hash (versions on record: {listed})")
    by_version = [v for v in on_record if v.version == wanted.removeprefix("v")]
    if len(by_version) == 1:
        return by_version[0]
    if len(by_version) > 1:
        raise ImpactError(
            f"version {wanted} was taught with {len(by_version)} different contents: give "
            f"a content hash instead ({'; '.join(v.label for v in by_version)})"
        )
    digits = wanted.lower()
    if len(digits) >= MIN_PREFIX and _HEX.match(digits):
        by_hash = [v for v in on_record if v.content_hash.startswith(digits)]
        if len(by_hash) == 1:
            return by_hash[0]
        if len(by_hash) > 1:
            raise ImpactError(
                f"'{wanted}' is the start of several content hashes on record: give more "
                f"of it ({'; '.join(v.label for v in by_hash)})"
            )
    elif _HEX.match(digits):
        raise ImpactError(
            f"'{wanted}' is too short to name a content hash: give at least {MIN_PREFIX} "
            f"digits (versions on record: {listed})"
        )
    raise ImpactError(f"no course version '{wanted}' on record; versions on record: {listed}")


# --- what changed -----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionChange:
    """One policy section that differs between two versions, with a unified diff of its
    title, text (a sentence a line) and source."""

    id: str
    change: Change
    title: str
    old: Guideline | None
    new: Guideline | None
    diff: tuple[str, ...]


def _wording(guideline: Guideline | None) -> tuple[str, ...]:
    """What a learner reads of a section, as lines to compare: title, each sentence of the
    text, source. The group only files it, so it is left out."""
    if guideline is None:
        return ()
    sentences = [
        sentence
        for line in guideline.text.splitlines()
        for sentence in re.split(r"(?<=[.!?])\s+(?=\S)", line.strip())
        if sentence
    ]
    source = (f"source: {guideline.source}",) if guideline.source else ()
    return (f"title: {guideline.title}", *sentences, *source)


def section_diff(
    old: Guideline | None, new: Guideline | None, old_label: str, new_label: str
) -> tuple[str, ...]:
    section = (new or old).id if (new or old) is not None else "?"  # type: ignore[union-attr]
    return tuple(
        difflib.unified_diff(
            _wording(old),
            _wording(new),
            fromfile=f"{section} in {old_label}" if old else "/dev/null",
            tofile=f"{section} in {new_label}" if new else "/dev/null",
            lineterm="",
        )
    )


def policy_changes(
    old: Policy, new: Policy, old_label: str, new_label: str
) -> tuple[SectionChange, ...]:
    """Sections changed, added or removed from ``old`` to ``new``, in the new policy's order
    with removed sections where they stood."""
    before = {g.id: g for g in old.guidelines}
    after = {g.id: g for g in new.guidelines}
    order = list(dict.fromkeys([*(g.id for g in new.guidelines), *before]))
    changes: list[SectionChange] = []
    for section in order:
        was, now = before.get(section), after.get(section)
        if was is not None and now is not None and _wording(was) == _wording(now):
            continue
        change: Change = "added" if was is None else "removed" if now is None else "changed"
        title = (now or was).title  # type: ignore[union-attr]
        diff = section_diff(was, now, old_label, new_label)
        changes.append(SectionChange(section, change, title, was, now, diff))
    return tuple(changes)


# --- who was trained on it --------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """A learner's latest certified training on a section, on text that differs from now."""

    section: str
    version: str
    content_hash: str
    when: datetime
    track: str


@dataclass(frozen=True)
class CertificateState:
    track: TrackId
    completed: datetime
    valid_until: datetime | None
    expired: bool


@dataclass(frozen=True)
class AffectedLearner:
    learner: Learner
    certificates: tuple[CertificateState, ...]
    trained: tuple[Training, ...]


@dataclass(frozen=True)
class ImpactReport:
    since: VersionOnRecord
    now_version: str
    now_hash: str
    now_taught: VersionOnRecord | None
    changes: tuple[SectionChange, ...]
    scope: Scope
    considered: int
    affected: tuple[AffectedLearner, ...]


def scenario_sections(scenario: Scenario) -> set[str]:
    """The sections a scenario lists or one of its choices cites."""
    found = set(scenario.guidelines)
    for step in scenario.steps:
        for option in step_options(step):
            found.update(option.cites)
    return found


def citing_scenarios(
    versions: Mapping[str, CourseBundle], sections: Iterable[str]
) -> dict[str, dict[tuple[str, str], set[str]]]:
    """For each of ``sections``, the scenarios that list or cite it, by course version
    (content hash) and module: an attempt trained on the section was given one of them."""
    found: dict[str, dict[tuple[str, str], set[str]]] = {s: {} for s in sections}
    for content_hash, bundle in versions.items():
        for module in bundle.modules:
            for scenario in module.scenarios:
                for section in scenario_sections(scenario) & found.keys():
                    found[section].setdefault((content_hash, module.id), set()).add(scenario.id)
    return found


def affected_learners(
    sections: Sequence[str],
    current: Policy,
    trainings: Iterable[tuple[str, AttemptFacts]],
    completions: Iterable[tuple[int, Completion]],
    learners: Mapping[str, Learner],
    versions: Mapping[str, CourseBundle],
    now: datetime,
    scope: Scope,
) -> tuple[int, list[AffectedLearner]]:
    """How many learners are in scope (certified now, or ever with ``all``), and those
    whose latest certified training on one of ``sections`` was on text that differs from
    ``current`` (or on a section it no longer has). ``trainings`` pairs a section with a
    passed attempt that cited it, begun before its learner's latest completion of its
    track (at least the latest such attempt of each learner, track and section);
    ``completions`` come with the seq of their event, in chain order (at least the latest
    of each learner and track)."""
    latest: dict[tuple[str, str], tuple[int, Completion]] = {}
    for seq, done in completions:
        latest[done.badge, done.track] = (seq, done)  # events come in chain order
    states: dict[str, list[CertificateState]] = {}
    counted: dict[tuple[str, str], int] = {}  # (badge, track) -> seq of the completion
    for (badge, track), (seq, done) in latest.items():
        expired = done.valid_until is not None and done.valid_until <= now
        if expired and scope == "current":
            continue
        states.setdefault(badge, []).append(
            CertificateState(done.track, done.time, done.valid_until, expired)
        )
        counted[badge, track] = seq
    wording = {g.id: _wording(g) for g in current.guidelines}
    wanted = set(sections)
    texts: dict[tuple[str, str], tuple[str, ...] | None] = {}
    # badge -> section -> (seq, attempt) of the latest certified training on it
    newest: dict[str, dict[str, tuple[int, AttemptFacts]]] = {}
    for section, attempt in trainings:
        limit = counted.get((attempt.badge, attempt.track))
        if (
            limit is None
            or attempt.seq > limit
            or attempt.content_hash not in versions
            or section not in wanted
        ):
            continue
        mine = newest.setdefault(attempt.badge, {})
        seen = mine.get(section)
        if seen is None or seen[0] < attempt.seq:
            mine[section] = (attempt.seq, attempt)
    affected: list[AffectedLearner] = []
    for badge in sorted(newest, key=lambda b: _sort_name(learners, b)):
        trained: list[Training] = []
        for section in sections:
            found = newest[badge].get(section)
            if found is None:
                continue
            attempt = found[1]
            text_key = (attempt.content_hash, section)
            if text_key not in texts:
                then = versions[attempt.content_hash].policy.guidelines
                texts[text_key] = next((_wording(g) for g in then if g.id == section), None)
            if texts[text_key] is not None and texts[text_key] != wording.get(section):
                trained.append(
                    Training(
                        section,
                        versions[attempt.content_hash].course.version,
                        attempt.content_hash,
                        parse_time(attempt.started),
                        attempt.track,
                    )
                )
        if trained and badge in learners:
            affected.append(
                AffectedLearner(learners[badge], tuple(states.get(badge, ())), tuple(trained))
            )
    return len(states), affected


def _sort_name(learners: Mapping[str, Learner], badge: str) -> tuple[str, str]:
    learner = learners.get(badge)
    return (learner.name.casefold() if learner else "", badge)
