"""Commands for learners: register, take a track in lines, start the terminal UI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from trainer.cli.common import db_options, open_records, records_errors


@click.group()
def learners() -> None:
    """Register and list learners."""


@learners.command("add")
@click.option("--name", required=True, help="Full name, as on the certificate.")
@click.option("--badge", required=True, help="Badge number: how the learner signs in.")
@click.option("--agency", required=True, help="The learner's agency.")
@click.option("--unit", default=None, help="Unit or squad (optional).")
@click.option("--officer-id", default=None, help="State officer ID such as a POST ID (optional).")
@db_options
def learners_add(
    name: str,
    badge: str,
    agency: str,
    unit: str | None,
    officer_id: str | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Register a learner."""
    with records_errors():
        learner = open_records(db, course_dir).register(name, badge, agency, unit, officer_id)
    click.echo(f"registered {learner.name}, badge {learner.badge}, {learner.agency}")


@learners.command("list")
@db_options
def learners_list(db: str | None, course_dir: Path | None) -> None:
    """List every registered learner."""
    with records_errors():
        found = open_records(db, course_dir).learners()
    if not found:
        click.echo("no learners yet: add one with 'trainer learners add'")
        return
    click.echo(f"{'badge':<12} {'name':<28} {'agency':<28} unit")
    for learner in found:
        click.echo(
            f"{learner.badge:<12} {learner.name:<28} {learner.agency:<28} {learner.unit or ''}"
        )


@click.command()
@db_options
def run(db: str | None, course_dir: Path | None) -> None:
    """Start the learner's terminal UI on a course and database."""
    with records_errors():
        records = open_records(db, course_dir)
    from trainer.tui.app import make_app

    make_app(records).run()


@click.command()
@click.option("--learner", "badge", required=True, metavar="BADGE", help="The learner's badge.")
@click.option("--track", type=click.Choice(["onboarding", "refresher"]), required=True)
@click.option("--module", "module_id", default=None, metavar="ID", help="Only this module.")
@db_options
def take(
    badge: str,
    track: Literal["onboarding", "refresher"],
    module_id: str | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Take a track in plain lines: questions on standard output, one answer per line on
    standard input. Suits scripts and screen readers. At the end of input it stops with
    everything saved; the next run resumes at the first unanswered item."""
    from trainer.take import run_take

    with records_errors():
        records = open_records(db, course_dir)
        code = run_take(records, badge, track, module_id, sys.stdin, click.echo)
    sys.exit(code)
