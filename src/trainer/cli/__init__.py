"""The ``trainer`` command: a thin face over the layers below."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from trainer import __version__
from trainer.cli import authoring, certificates, learning, records, reports
from trainer.cli.common import UserError, print_diagnostics
from trainer.content.course import check_course
from trainer.content.locate import default_course_root


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Interactive training and certification courses.

    With no command, shows the course and what you can do with it.
    """
    if ctx.invoked_subcommand is None:
        _overview(default_course_root())


def _overview(root: Path) -> None:
    result = check_course(root)
    if result.bundle is None:
        print_diagnostics(root, result.diagnostics)
        raise UserError(f"the course in {root} has errors; fix them, then run trainer again")
    bundle = result.bundle
    course = bundle.course
    click.echo(click.style(f"{course.title}", bold=True) + f"  version {course.version}")
    click.echo(f"{course.agency.name} · {course.provider.name} (provider {course.provider.number})")
    click.echo()
    for track_id, track in course.tracks.items():
        modules = bundle.track_modules(track_id)
        expiry = (
            f" · renewed every {track.recertification_months} months"
            if track.recertification_months
            else ""
        )
        hours = f"{track.credit_hours:g} credit hour{'s' if track.credit_hours != 1 else ''}"
        click.echo(
            click.style(f"  {track.title}", bold=True)
            + f" · pass mark {track.pass_mark}% · {hours}{expiry}"
        )
        for module in modules:
            items = (
                f"{module.pool.draw} of {len(module.scenarios)} drawn"
                if module.pool
                else f"{len(module.scenarios)} scenarios"
            )
            click.echo(f"      {module.title} ({items}, about {module.estimated_minutes} min)")
    click.echo()
    click.echo(
        f"  {len(bundle.policy.guidelines)} policy sections · content hash "
        f"{bundle.content_hash[:16]}…"
    )
    click.echo(f"  from {root}")
    click.echo()
    click.echo("Commands:")
    for usage, what in (
        ("trainer learners add ...", "register a learner (name, badge, agency)"),
        ("trainer take --learner B --track T", "take a track, in plain lines"),
        ("trainer records ...", "transcripts, due dates, integrity check"),
        ("trainer validate [PATH ...]", "check course files; every error located"),
        ("trainer new module ID --track T", "start a module from a skeleton"),
        ("trainer schema", "write the JSON Schemas editors use"),
        ("trainer --help", "all commands and options"),
    ):
        click.echo(f"  {usage:<36} {what}")


for _command in (
    authoring.validate,
    authoring.schema,
    authoring.coverage_command,
    authoring.new,
    learning.learners,
    learning.run,
    learning.take,
    records.records,
    certificates.keys,
    certificates.certificate,
    reports.report,
):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: no traceback reaches the user unless TRAINER_DEBUG is set."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="trainer", standalone_mode=True
        )
    except Exception as exc:  # the last line of defence; click handles its own errors
        if os.environ.get("TRAINER_DEBUG"):
            raise
        click.echo(
            f"trainer: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in trainer; set TRAINER_DEBUG=1 to see the traceback, and report it.",
            err=True,
        )
        sys.exit(1)
