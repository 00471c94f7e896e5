"""Commands for learners: register, take a track in lines (the full-screen UI: serving.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import click

from trainer.cli.common import TRACK, db_options, open_records, records_errors


@click.group()
def learners() -> None:
    """Register and list learners."""


@learners.command("add")
@click.option("--name", required=True, help="Full name, as on the certificate.")
@click.option("--badge", required=True, help="Badge number: how the learner signs in.")
@click.option("--agency", required=True, help="The learner's agency.")
@click.option("--unit", default=None, help="Unit or squad (optional).")
@click.option("--officer-id", default=None, help="State officer ID such as a POST ID (optional).")
@click.option(
    "--role",
    type=click.Choice(["learner", "officer"]),
    default="learner",
    show_default=True,
    help="officer: a training officer, who also sees everyone's records in the TUI.",
)
@db_options
def learners_add(
    name: str,
    badge: str,
    agency: str,
    unit: str | None,
    officer_id: str | None,
    role: Literal["learner", "officer"],
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Register a learner."""
    with records_errors():
        learner = open_records(db, course_dir).register(
            name, badge, agency, unit, officer_id, role=role
        )
    officer = ", training officer" if learner.is_officer else ""
    click.echo(f"registered {learner.name}, badge {learner.badge}, {learner.agency}{officer}")


@learners.command("role")
@click.argument("badge")
@click.argument("role", type=click.Choice(["learner", "officer"]))
@db_options
def learners_role(
    badge: str, role: Literal["learner", "officer"], db: str | None, course_dir: Path | None
) -> None:
    """Make a learner a training officer (officer), or a learner only again (learner)."""
    with records_errors():
        records = open_records(db, course_dir)
        before = records.learner(badge).role
        learner = records.set_role(badge, role)
    what = "a training officer" if learner.is_officer else "a learner (not a training officer)"
    if before == learner.role:
        click.echo(f"{learner.name} ({learner.badge}) is already {what}: nothing recorded")
    else:
        click.echo(f"{learner.name} ({learner.badge}) is now {what}")


@learners.command("list")
@click.option(
    "--role",
    "only",
    type=click.Choice(["learner", "officer"]),
    default=None,
    help="Only training officers (officer), or only those who are not (learner).",
)
@db_options
def learners_list(
    only: Literal["learner", "officer"] | None, db: str | None, course_dir: Path | None
) -> None:
    """List every registered learner, with their role."""
    with records_errors():
        found = open_records(db, course_dir).learners()
    if not found:
        click.echo("no learners yet: add one with 'trainer learners add'")
        return
    if only is not None:
        found = [learner for learner in found if learner.role == only]
        if not found:
            click.echo(f"no learner has the role {only}")
            return
    from trainer.reports.text import table

    rows = [[x.badge, x.name, x.agency, x.unit or "", x.role] for x in found]
    for line in table(["badge", "name", "agency", "unit", "role"], rows, [12, 30, 24, 16, 7]):
        click.echo(line)


@click.command()
@click.option("--learner", "badge", required=True, metavar="BADGE", help="The learner's badge.")
@TRACK
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
