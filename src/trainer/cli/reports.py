"""The report command group: what learners get wrong, and who a policy change affects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

import click

from trainer.cli.common import UserError, db_options, open_records, records_errors
from trainer.cli.records import emit
from trainer.content.models import TrackId

_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="A table to read, or CSV for a spreadsheet.",
)


@click.group()
def report() -> None:
    """Item analysis and policy-change impact, for training officers."""


def _lines(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield (line + "\n").encode()


@report.command("items", short_help="Item analysis: how each step of each scenario performs.")
@click.option(
    "--track", type=click.Choice(get_args(TrackId)), default=None, help="Only this track."
)
@click.option(
    "--by",
    type=click.Choice(["track", "version", "agency", "unit"]),
    default=None,
    help="Cohorts side by side: by track, course version, agency or unit.",
)
@click.option(
    "--min-answers",
    type=click.IntRange(min=2),
    default=20,
    show_default=True,
    help="Answers an item needs before any figure or flag is given.",
)
@click.option("--flagged", is_flag=True, help="Only the items that raise a flag (table).")
@_FORMAT
@db_options
def report_items(
    track: TrackId | None,
    by: str | None,
    min_answers: int,
    flagged: bool,
    fmt: str,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """How each step of each scenario performs: facility, discrimination, the choices
    picked, flags; paths through branching scenarios; guidelines answered confidently
    wrong. Completed attempts only."""
    from trainer.reports.gather import item_report
    from trainer.reports.items import Thresholds
    from trainer.reports.items_text import item_csv, item_lines

    with records_errors():
        records = open_records(db, course_dir)
        if track is not None and track not in dict(records.bundle.course.tracks.items()):
            raise UserError(f"the course has no {track} track")
        found = item_report(
            records,
            by=by,  # type: ignore[arg-type]
            track=track,
            thresholds=Thresholds(min_answers=min_answers),
        )
    if fmt == "csv":
        emit(None, [item_csv(found).encode()])
    else:
        emit(None, _lines(item_lines(found, flagged_only=flagged)))


@report.command("impact", short_help="What changed in the policy, and who was trained on it.")
@click.option(
    "--since",
    required=True,
    metavar="VERSION|HASH",
    help="A course version on record: its number, or its content hash (or 4+ digits of it).",
)
@click.option(
    "--all",
    "everyone",
    is_flag=True,
    help="Every learner with a certificate, expired ones too (default: the currently certified).",
)
@_FORMAT
@db_options
def report_impact(
    since: str, everyone: bool, fmt: str, db: str | None, course_dir: Path | None
) -> None:
    """Which policy sections changed since a course version (a diff of each), and which
    certified learners were trained on the text that changed."""
    from trainer.reports.gather import impact_report
    from trainer.reports.impact import ImpactError
    from trainer.reports.impact_text import impact_csv, impact_lines

    with records_errors():
        records = open_records(db, course_dir)
        try:
            found = impact_report(records, since, scope="all" if everyone else "current")
        except ImpactError as exc:
            raise UserError(str(exc)) from None
    if fmt == "csv":
        emit(None, [impact_csv(found).encode()])
    else:
        emit(None, _lines(impact_lines(found)))
