"""Reading what item analysis and impact need from the records, then computing them.

The computations (items.py, impact.py) are pure; this is the one place that reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal

from trainer.content.course import CourseBundle
from trainer.records.answers import AttemptFacts, attempt_facts, tally_answers
from trainer.records.history import completion_from, history_from
from trainer.records.service import Records
from trainer.reports.impact import (
    AffectedLearner,
    ImpactReport,
    Scope,
    VersionOnRecord,
    affected_learners,
    policy_changes,
    resolve_version,
)
from trainer.reports.items import (
    AttemptGroup,
    ItemReport,
    Thresholds,
    analyse,
    branching_scenarios,
)

Cohort = Literal["track", "version", "agency", "unit"]
COHORTS: tuple[Cohort, ...] = ("track", "version", "agency", "unit")
NO_UNIT = "(no unit)"


def versions_on_record(records: Records) -> list[VersionOnRecord]:
    """Every course version the records keep, in the order first taught."""
    found: list[VersionOnRecord] = []
    for event in records.log.events(kinds=["course_version"]):
        p = event.payload
        found.append(VersionOnRecord(str(p["version"]), str(p["content_hash"]), event.time))
    return found


def version_labels(on_record: list[VersionOnRecord], current: CourseBundle) -> dict[str, str]:
    """Content hash to a short name: the version number, with the start of the hash when
    two contents share a number."""
    known = [(v.version, v.content_hash) for v in on_record]
    if current.content_hash not in {h for _, h in known}:
        known.append((current.course.version, current.content_hash))
    counts = Counter(version for version, _ in known)
    return {h: version if counts[version] == 1 else f"{version} ({h[:8]})" for version, h in known}


def item_report(
    records: Records,
    *,
    by: Cohort | None = None,
    track: str | None = None,
    thresholds: Thresholds | None = None,
) -> ItemReport:
    """Item analysis of every completed attempt (of ``track``), by cohort."""
    log = records.log
    current = records.bundle
    facts = attempt_facts(log, completed_only=True, track=track)
    versions = {h: records.version(h) for h in dict.fromkeys(a.content_hash for a in facts)}
    cohort_of, cohorts = _cohorts(records, by, facts)
    groups: dict[str, AttemptGroup] = {}
    interned: dict[tuple[str, str, int, int], AttemptGroup] = {}
    attempts: Counter[str] = Counter()
    for a in facts:
        cohort = cohort_of(a)
        attempts[cohort] += 1
        key = (a.content_hash, cohort, a.earned or 0, a.maximum or 0)
        group = interned.get(key)
        if group is None:
            group = interned[key] = AttemptGroup(*key)
        groups[a.id] = group
    tally = tally_answers(log, groups, follow=branching_scenarios([current, *versions.values()]))
    tracks = [t for t, _ in current.course.tracks.items() if track is None or t == track]
    shown = [m.id for t in tracks for m in current.track_modules(t)]
    return analyse(
        tally,
        versions,
        current,
        cohorts=cohorts,
        attempts=attempts,
        modules=list(dict.fromkeys(shown)),
        by=by,
        thresholds=thresholds,
    )


def _cohorts(
    records: Records, by: Cohort | None, facts: list[AttemptFacts]
) -> tuple[Callable[[AttemptFacts], str], list[str]]:
    """How to name an attempt's cohort, and the cohorts in the order to show them."""
    if by is None:
        return (lambda _: "all"), ["all"]
    if by == "track":
        order = [t for t, _ in records.bundle.course.tracks.items()]
        seen = {a.track for a in facts}
        return (lambda a: a.track), [t for t in order if t in seen] + sorted(seen - set(order))
    if by == "version":
        on_record = versions_on_record(records)
        labels = version_labels(on_record, records.bundle)
        seen_hashes = {a.content_hash for a in facts}
        ordered = [labels[v.content_hash] for v in on_record if v.content_hash in seen_hashes]
        return (lambda a: labels.get(a.content_hash, a.content_hash[:12])), ordered
    learners = history_from(records.log.events(kinds=["learner_registered"])).learners

    def of(a: AttemptFacts) -> str:
        learner = learners.get(a.badge)
        if learner is None:
            return "(unregistered)"
        return learner.agency if by == "agency" else (learner.unit or NO_UNIT)

    return of, sorted({of(a) for a in facts}, key=str.casefold)


def impact_report(records: Records, since: str, *, scope: Scope = "current") -> ImpactReport:
    """What changed in the policy since the version ``since`` names, and which learners in
    ``scope`` were trained on text that has changed since."""
    log = records.log
    current = records.bundle
    on_record = versions_on_record(records)
    base = resolve_version(since, on_record)
    old = records.version(base.content_hash)
    labels = version_labels(on_record, current)
    new_label = labels[current.content_hash]
    old_label = labels[base.content_hash]
    if old_label == new_label:  # the same content: no diff to label
        new_label = f"{new_label} (now)"
    changes = policy_changes(old.policy, current.policy, old_label, new_label)
    sections = [c.id for c in changes if c.change != "added"]
    considered, affected = 0, list[AffectedLearner]()
    if sections or changes:
        attempts = attempt_facts(log, passed_only=True, with_items=True)
        completions = [
            (e.seq, completion_from(e)) for e in log.events(kinds=["policy_acknowledged"])
        ]
        learners = history_from(log.events(kinds=["learner_registered"])).learners
        versions = {h: records.version(h) for h in dict.fromkeys(a.content_hash for a in attempts)}
        considered, affected = affected_learners(
            sections,
            current.policy,
            attempts,
            completions,
            learners,
            versions,
            records.clock(),
            scope,
        )
    now_taught = next((v for v in on_record if v.content_hash == current.content_hash), None)
    return ImpactReport(
        since=base,
        now_version=current.course.version,
        now_hash=current.content_hash,
        now_taught=now_taught,
        changes=changes,
        scope=scope,
        considered=considered,
        affected=tuple(affected),
    )
