"""The records command group: integrity, roster, due dates, transcripts, exports."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import click

from trainer.cli.common import UserError, db_options, open_records, records_errors

_OUT = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE (whole, or not at all) instead of standard output.",
)
_AGENCY = click.option("--agency", default=None, help="Only learners of this agency.")
_UNIT = click.option("--unit", default=None, help="Only learners of this unit.")


@click.group()
def records() -> None:
    """Roster, due dates, transcripts, exports and the integrity of the record."""


@contextmanager
def report_errors() -> Iterator[None]:
    """Turn any failure a report can meet (records, certificates, output) into one line."""
    from trainer.certificates.errors import CertificateError
    from trainer.reports.output import ReportError
    from trainer.reports.xapi import XapiError

    with records_errors():
        try:
            yield
        except (CertificateError, ReportError, XapiError) as exc:
            raise UserError(str(exc)) from None


def emit(out: Path | None, chunks: Iterable[bytes], what: str = "") -> None:
    """Write ``chunks`` to ``out`` whole, or to standard output as they come; a closed
    pipe (``| head``) ends the command quietly."""
    from trainer.reports.output import file_output, write_all

    if out is not None:
        with report_errors(), file_output(out) as stream:
            write_all(stream, chunks)
        click.echo(f"wrote {out}{f' ({what})' if what else ''}", err=True)
        return
    pipe = sys.stdout.buffer
    try:
        with report_errors():
            write_all(pipe, chunks)
        pipe.flush()
    except BrokenPipeError:
        # Python would report the pipe again while flushing at exit: point stdout at nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


def _lines(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield (line + "\n").encode()


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


@records.command("roster")
@_AGENCY
@_UNIT
@click.option(
    "--format",
    "form",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@_OUT
@db_options
def records_roster(
    agency: str | None,
    unit: str | None,
    form: Literal["table", "csv", "json"],
    out: Path | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Every learner and where they stand on each track: certified until DATE, due in N
    days (expiring within 90), expired DATE, in progress, or never; "renewing" when a new
    round has begun."""
    from trainer.reports.roster import roster, roster_csv, roster_json, roster_table

    with report_errors():
        recs = open_records(db, course_dir)
        found = roster(recs, recs.clock(), agency=agency, unit=unit)
    if form == "table":
        text = "".join(line + "\n" for line in roster_table(found))
    elif form == "csv":
        text = roster_csv(found)
    else:
        text = roster_json(found)
    emit(out, [text.encode()], f"{len(found.rows)} learners")


@records.command("transcript")
@click.argument("badge")
@click.option(
    "--pdf",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the transcript as a PDF to FILE instead of printing it.",
)
@db_options
def records_transcript(
    badge: str, pdf: Path | None, db: str | None, course_dir: Path | None
) -> None:
    """Every attempt, score, completion and certificate number of one learner."""
    from trainer.reports.transcript import transcript_lines
    from trainer.reports.transcript_pdf import transcript_pdf

    with report_errors():
        recs = open_records(db, course_dir)
        if pdf is None:
            lines = transcript_lines(recs, badge)
        else:
            data = transcript_pdf(recs, badge, recs.clock())
    if pdf is None:
        for line in lines:
            click.echo(line)
        return
    emit(pdf, [data])


@records.command("due")
@click.option(
    "--within",
    default=None,
    metavar="DAYS",
    help="Certifications expiring within this many days, e.g. 30d or 6w.  [default: 30d]",
)
@click.option("--overdue", is_flag=True, help="Only those already expired.")
@click.option(
    "--digest",
    is_flag=True,
    help="A weekly digest: overdue, then due within 30, 31-60 and 61-90 days.",
)
@_AGENCY
@_UNIT
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "csv", "ics"]),
    default="text",
    show_default=True,
    help="ics: an iCalendar file of the expiry dates, for a calendar.",
)
@_OUT
@db_options
def records_due(
    within: str | None,
    overdue: bool,
    digest: bool,
    agency: str | None,
    unit: str | None,
    form: Literal["text", "csv", "ics"],
    out: Path | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Who must renew a certification soon, or is overdue."""
    from trainer.reports.due import digest as make_digest
    from trainer.reports.due import digest_lines, due, due_csv, due_lines, parse_days
    from trainer.reports.icalendar import calendar_text

    if digest and (within is not None or overdue):
        raise UserError(
            "--digest covers overdue and the next 90 days: leave out --within and --overdue"
        )
    if digest and form != "text":
        raise UserError(
            "the digest is text for an email; for its rows use --within 90d --format csv or ics"
        )
    try:
        days = parse_days(within if within is not None else "30d")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with report_errors():
        recs = open_records(db, course_dir)
        now = recs.clock()
        if digest:
            found = make_digest(recs, now, agency=agency, unit=unit)
            text = "".join(
                f"{line}\n" for line in digest_lines(recs, found, agency=agency, unit=unit)
            )
        elif form == "text":
            lines = due_lines(recs, days, overdue, agency=agency, unit=unit)
            text = "".join(f"{line}\n" for line in lines)
        else:
            entries = [
                e
                for e in due(recs, days, now, agency=agency, unit=unit)
                if e.overdue or not overdue
            ]
            if form == "csv":
                text = due_csv(entries, now)
            else:
                text = calendar_text(entries, recs.bundle.course, now)
    emit(out, [text.encode()])


@records.command("export")
@click.option(
    "--format",
    "form",
    type=click.Choice(["roster-csv", "xapi", "csv"]),
    required=True,
    help="roster-csv: the completion roster for the state standards body, one row per "
    "certificate; xapi: xAPI 1.0.3 statements, one JSON object per line; csv: every "
    "attempt, one row each.",
)
@click.option(
    "--activity-iri",
    default=None,
    metavar="IRI",
    help="xapi: the base of activity ids, e.g. https://academy.example.gov/xapi/social-media. "
    "Default: https://xapi.trainer.invalid/COURSE-ID.",
)
@click.option(
    "--home-page",
    default=None,
    metavar="URL",
    help="xapi: the home page of the learners' accounts (their badge is the account name). "
    "Default: the site of --activity-iri.",
)
@click.option(
    "--since",
    default=None,
    metavar="WHEN",
    help="Only what is new: xapi, the statements of events recorded at or after WHEN (a "
    "weekly sync to an LRS); csv, the attempts started at or after WHEN. WHEN is a date "
    "(2026-05-01, UTC), a date and time (2026-05-01T08:00, UTC unless it names a zone) or "
    "a span back from now (7d, 2w, 12h).",
)
@_OUT
@db_options
def records_export(
    form: Literal["roster-csv", "xapi", "csv"],
    activity_iri: str | None,
    home_page: str | None,
    since: str | None,
    out: Path | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """The record for other systems: the standards body's roster, xAPI statements for a
    learning record store, or every attempt as CSV."""
    from trainer.reports.attempts import attempt_csv
    from trainer.reports.standards import standards_csv
    from trainer.reports.text import parse_since
    from trainer.reports.xapi import Iris, statement_blocks

    if form != "xapi" and (activity_iri or home_page):
        raise UserError("--activity-iri and --home-page are for --format xapi")
    if form == "roster-csv" and since is not None:
        raise UserError("--since is for --format xapi and csv (the roster lists every certificate)")
    with report_errors():
        recs = open_records(db, course_dir)
        try:
            after = None if since is None else parse_since(since, recs.clock())
        except ValueError as exc:
            raise UserError(str(exc)) from None
        if form == "roster-csv":
            chunks: Iterable[bytes] = [standards_csv(recs).encode()]
        elif form == "xapi":
            iris = Iris.of(recs.bundle.course, activity_iri, home_page)
            chunks = statement_blocks(recs, iris, after)
        else:
            chunks = attempt_csv(recs, after)
    emit(out, chunks)
