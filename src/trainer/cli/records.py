"""The records command group: integrity, transcripts, due dates."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.common import UserError, db_options, open_records, records_errors


@click.group()
def records() -> None:
    """Transcripts, due dates and the integrity of the record."""


@records.command("check")
@db_options
def records_check(db: str | None, course_dir: Path | None) -> None:
    """Verify the hash chain of the whole record; name the first event that does not fit."""
    from trainer.records.log import EventLog

    with records_errors():
        report = EventLog.open(db).check()
    if not report.ok:
        raise UserError(f"the record has been altered: {report.reason}")
    click.echo(f"ok: {report.count} events, chain intact; head {report.head_hash}")


@records.command("transcript")
@click.argument("badge")
@db_options
def records_transcript(badge: str, db: str | None, course_dir: Path | None) -> None:
    """Every attempt, score and completion of one learner."""
    from trainer.reports.transcript import transcript_lines

    with records_errors():
        recs = open_records(db, course_dir)
        lines = transcript_lines(recs, badge)
    for line in lines:
        click.echo(line)


@records.command("due")
@click.option(
    "--within",
    default="30d",
    show_default=True,
    metavar="DAYS",
    help="Certifications expiring within this many days, e.g. 30d.",
)
@click.option("--overdue", is_flag=True, help="Only those already expired.")
@db_options
def records_due(within: str, overdue: bool, db: str | None, course_dir: Path | None) -> None:
    """Who must renew a certification soon, or is overdue."""
    from trainer.reports.due import due_lines, parse_days

    try:
        days = parse_days(within)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with records_errors():
        lines = due_lines(open_records(db, course_dir), days, overdue)
    for line in lines:
        click.echo(line)


# --- keys and certificates ------------------------------------------------------------
