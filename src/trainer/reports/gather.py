"""Reading what item analysis and impact need from the records, then computing them.

The computations (items.py, impact.py) are pure; this is the one place that reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal

from trainer.content.course import CourseBundle
from trainer.records.answers import (
    AnswerTally,
    CohortKind,
    CompletedGroup,
    TallyKey,
    cohort_groups,
    cohort_items,
    cohort_paths,
    completed_groups,
    counted_answers,
    counted_paths,
    last_completions,
    latest_certified,
    learners_on_record,
    passed_versions,
)
from trainer.records.service import Records
from trainer.reports.impact import (
    AffectedLearner,
    ImpactReport,
    Scope,
    VersionOnRecord,
    affected_learners,
    citing_scenarios,
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
from trainer.reports.text import natural_order

Cohort = Literal["track", "version", "agency", "unit"]
COHORTS: tuple[Cohort, ...] = ("track", "version", "agency", "unit")
NO_UNIT = "(no unit)"
UNREGISTERED = "(unregistered)"


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
    if by == "agency" or by == "unit":
        return _item_report_by(records, by, track, thresholds)
    log = records.log
    current = records.bundle
    completed = completed_groups(log, track)
    versions = {h: records.version(h) for h in dict.fromkeys(g.content_hash for g in completed)}
    cohort_of, cohorts = _cohorts(records, by, completed)
    attempts: Counter[str] = Counter()
    for g in completed:
        attempts[cohort_of(g.content_hash, g.track, g.agency, g.unit)] += g.count
    interned: dict[TallyKey, AttemptGroup] = {}

    def group_of(key: TallyKey) -> AttemptGroup:
        group = interned.get(key)
        if group is None:
            content_hash, track_id, agency, unit, earned, maximum = key
            cohort = cohort_of(content_hash, track_id, agency, unit)
            group = interned[key] = AttemptGroup(content_hash, cohort, earned, maximum)
        return group

    tally: AnswerTally[AttemptGroup] = AnswerTally()
    for key, answer, count in counted_answers(log, track):
        at = (group_of(key), answer)
        tally.counts[at] = tally.counts.get(at, 0) + count
    follow = branching_scenarios([current, *versions.values()])
    for key, scenario, walk, count in counted_paths(log, follow, track):
        paths = tally.paths.setdefault((group_of(key), scenario), {})
        paths[walk] = paths.get(walk, 0) + count
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


def _item_report_by(
    records: Records,
    by: CohortKind,
    track: str | None,
    thresholds: Thresholds | None,
) -> ItemReport:
    """Item analysis by agency or unit: from the items already summed up by cohort."""
    log = records.log
    current = records.bundle

    def label(value: str | None) -> str:
        if value is None:  # no registration for the badge
            return UNREGISTERED
        return value if by == "agency" else (value or NO_UNIT)

    completed = cohort_groups(log, by, label, track)
    versions = {h: records.version(h) for h in dict.fromkeys(g.content_hash for g in completed)}
    attempts: Counter[str] = Counter()
    for g in completed:
        attempts[g.cohort] += g.count
    tally: AnswerTally[AttemptGroup] = AnswerTally()
    follow = branching_scenarios([current, *versions.values()])
    for cohort, content_hash, scenario, walk, count in cohort_paths(log, by, label, follow, track):
        # The paths count attempts, not scores: the group's score is not read.
        paths = tally.paths.setdefault((AttemptGroup(content_hash, cohort, 0, 0), scenario), {})
        paths[walk] = paths.get(walk, 0) + count
    tracks = [t for t, _ in current.course.tracks.items() if track is None or t == track]
    shown = [m.id for t in tracks for m in current.track_modules(t)]
    return analyse(
        tally,
        versions,
        current,
        cohorts=sorted(attempts, key=natural_order),
        attempts=attempts,
        modules=list(dict.fromkeys(shown)),
        by=by,
        thresholds=thresholds,
        summaries=cohort_items(log, by, label, track),
    )


CohortOf = Callable[[str, str, str | None, str | None], str]
"""The cohort of attempts from their content hash, track, agency and unit."""


def _cohorts(
    records: Records, by: Literal["track", "version"] | None, completed: list[CompletedGroup]
) -> tuple[CohortOf, list[str]]:
    """How to name the cohort of attempts, and the cohorts in the order to show them."""
    if by is None:
        return (lambda *_: "all"), ["all"]
    if by == "track":
        order = [t for t, _ in records.bundle.course.tracks.items()]
        seen = {g.track for g in completed}
        return (lambda _h, t, _a, _u: t), [t for t in order if t in seen] + sorted(
            seen - set(order)
        )
    on_record = versions_on_record(records)
    labels = version_labels(on_record, records.bundle)
    seen_hashes = {g.content_hash for g in completed}
    ordered = [labels[v.content_hash] for v in on_record if v.content_hash in seen_hashes]
    return (lambda h, _t, _a, _u: labels.get(h, h[:12])), ordered


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
        versions = {h: records.version(h) for h in passed_versions(log)}
        # Of a department's attempts, only each learner's latest on each track and section
        # that changed leaves the database.
        trainings = latest_certified(log, citing_scenarios(versions, sections))
        considered, affected = affected_learners(
            sections,
            current.policy,
            trainings,
            last_completions(log),
            learners_on_record(log),
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
