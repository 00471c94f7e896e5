"""Policy-change impact as a person reads it (80 columns) and as CSV."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from trainer.reports.impact import CertificateState, ImpactReport, SectionChange
from trainer.reports.text import csv_text, day, safe_cell, table, width

COLUMNS = 80


def _rule(title: str) -> str:
    head = f"══ {title} "
    return head + "═" * max(3, COLUMNS - width(head))


def _diff_lines(change: SectionChange) -> list[str]:
    """The unified diff, each line wrapped at 80 columns with its mark (-, + or space)
    repeated on the lines it continues on, so that a wrapped line still reads as what
    it is."""
    lines: list[str] = []
    for line in change.diff:
        if line.startswith(("---", "+++", "@@")) or width(line) <= COLUMNS:
            lines.append(line)
            continue
        mark = line[0]
        lines += textwrap.wrap(
            line[1:],
            COLUMNS,
            initial_indent=mark,
            subsequent_indent=mark + " ",
            break_on_hyphens=False,
        )
    return lines


def _certificates(states: Iterable[CertificateState]) -> str:
    said: list[str] = []
    for s in states:
        if s.valid_until is None:
            said.append(s.track)
        else:
            word = "expired" if s.expired else "until"
            said.append(f"{s.track} {word} {day(s.valid_until)}")
    return "; ".join(said)


def impact_lines(report: ImpactReport) -> list[str]:
    since = report.since
    now = (
        f"{report.now_version} ({report.now_hash[:12]}, taught since "
        f"{report.now_taught.first_taught:%Y-%m-%d})"
        if report.now_taught is not None
        else f"{report.now_version} ({report.now_hash[:12]}, the course as it is, not taught yet)"
    )
    lines = [f"Policy changes since {since.label}", f"to {now}"]
    kinds = {
        k: sum(1 for c in report.changes if c.change == k) for k in ("changed", "added", "removed")
    }
    lines.append(
        f"Sections: {kinds['changed']} changed, {kinds['added']} added, {kinds['removed']} removed."
    )
    if since.content_hash == report.now_hash:
        lines.append("That is the course as it stands: nothing has changed since.")
    for change in report.changes:
        lines += ["", _rule(f"{change.id} · {change.title} · {change.change}")]
        lines += _diff_lines(change)
        if change.change == "added":
            lines.append(
                f"New since {since.version}: no one trained on {since.version} was trained on it."
            )
    if not any(c.change != "added" for c in report.changes):
        return lines
    who = (
        "Currently certified learners"
        if report.scope == "current"
        else "Learners with a certificate, expired ones too"
    )
    lines += ["", _rule("Learners trained on the old text")]
    lines += textwrap.wrap(
        f"{who}: {report.considered:,}. Trained on text that has changed since: "
        f"{len(report.affected):,}. (Trained on a section: an item they were given in a "
        "passed attempt that counted towards their certificate cites it; listed when their "
        "latest such training was on other text than the course's now."
        + (" --all lists expired certificates too.)" if report.scope == "current" else ")"),
        COLUMNS,
    )
    if not report.affected:
        return lines
    header = ["badge", "name", "unit", "section", "version", "trained"]
    if report.scope == "all":
        header.append("certificates")
    rows = []
    for person in report.affected:
        for trained in person.trained:
            row = [
                person.learner.badge,
                person.learner.name,
                person.learner.unit or "",
                trained.section,
                trained.version,
                day(trained.when),
            ]
            if report.scope == "all":
                row.append(_certificates(person.certificates))
            rows.append(row)
    lines.append("")
    lines += table(header, rows, [10, 22, 12, 8, 10, 10, 30][: len(header)])
    return lines


CSV_COLUMNS = (
    "kind",
    "section",
    "change",
    "title",
    "badge",
    "name",
    "agency",
    "unit",
    "officer_id",
    "certificates",
    "track",
    "trained_version",
    "trained_hash",
    "trained_on",
    "old_text",
    "new_text",
    "diff",
)


def impact_csv(report: ImpactReport) -> str:
    """A ``section`` row per section changed, added or removed (old and new text, and the
    diff), then a ``learner`` row per learner and section they were trained on the old
    text of."""
    return csv_text(CSV_COLUMNS, _csv_rows(report))


def _csv_rows(report: ImpactReport) -> Iterable[list[str]]:
    def row(**cells: object) -> list[str]:
        return [str(cells.get(c, "")) for c in CSV_COLUMNS]

    titles = {c.id: c.title for c in report.changes}
    for change in report.changes:
        yield row(
            kind="section",
            section=change.id,
            change=change.change,
            title=safe_cell(change.title),
            old_text=safe_cell(change.old.text if change.old else ""),
            new_text=safe_cell(change.new.text if change.new else ""),
            diff=safe_cell("\n".join(change.diff)),
        )
    for person in report.affected:
        learner = person.learner
        for trained in person.trained:
            yield row(
                kind="learner",
                section=trained.section,
                change=next(c.change for c in report.changes if c.id == trained.section),
                title=safe_cell(titles[trained.section]),
                badge=learner.badge,
                name=safe_cell(learner.name),
                agency=safe_cell(learner.agency),
                unit=safe_cell(learner.unit),
                officer_id=safe_cell(learner.officer_id),
                certificates=_certificates(person.certificates),
                track=trained.track,
                trained_version=trained.version,
                trained_hash=trained.content_hash,
                trained_on=trained.when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
