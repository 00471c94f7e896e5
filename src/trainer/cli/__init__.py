"""The ``trainer`` command: a thin face over the layers below.

Each command group lives in its own module, imported only when that command runs (or when
help lists it), so bare ``trainer`` reaches the learner's first screen without loading what
``validate`` or ``certificate`` need. A new command is one line in ``COMMANDS``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from trainer.cli.common import UserError

COMMANDS: Mapping[str, str] = {
    "validate": "trainer.cli.authoring:validate",
    "schema": "trainer.cli.authoring:schema",
    "coverage": "trainer.cli.authoring:coverage_command",
    "new": "trainer.cli.authoring:new",
    "preview": "trainer.cli.authoring:preview",
    "learners": "trainer.cli.learning:learners",
    "take": "trainer.cli.learning:take",
    "run": "trainer.cli.serving:run",
    "serve": "trainer.cli.serving:serve",
    "records": "trainer.cli.records:records",
    "keys": "trainer.cli.certificates:keys",
    "certificate": "trainer.cli.certificates:certificate",
    "report": "trainer.cli.reports:report",
}
"""Command name -> ``module:attribute`` of its click command, loaded on first use."""


class LazyGroup(click.Group):
    """A group whose commands are imported by name from :data:`COMMANDS` when needed."""

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), target
        return command


def interactive() -> bool:
    """Both ends are a terminal: a person is there to use the full-screen UI."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="trainer", prog_name="trainer")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Interactive training and certification courses.

    With no command, in a terminal: the course, in the learner's full-screen UI (the
    shipped course, or the one around the current folder; the default database). Not in
    a terminal (a pipe, a script, CI): the overview that 'trainer overview' prints.
    """
    if ctx.invoked_subcommand is not None:
        return
    if interactive():
        from trainer.cli.serving import start_ui

        start_ui(db=None, course_dir=None)
        return
    _overview(_course_root())
    click.echo(
        "trainer: not a terminal, so the overview; in a terminal 'trainer' starts the "
        "course ('trainer serve' for a browser, 'trainer take' for plain lines)",
        err=True,
    )


@cli.command()
def overview() -> None:
    """Show the course: its tracks, modules, pass marks and hours, and the commands."""
    _overview(_course_root())


def _course_root() -> Path:
    from trainer.content.locate import default_course_root

    return default_course_root()


def _overview(root: Path) -> None:
    from trainer.cli.common import print_diagnostics
    from trainer.content.course import check_course

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
        ("trainer", "in a terminal: the course, full screen"),
        ("trainer serve", "the same in a web browser"),
        ("trainer learners add ...", "register a learner (name, badge, agency)"),
        ("trainer take --learner B --track T", "take a track, in plain lines"),
        ("trainer records ...", "roster, due dates, transcripts, exports, integrity"),
        ("trainer report items|impact", "what people get wrong; who a policy change affects"),
        ("trainer certificate ...", "issue, batch, verify and revoke certificates"),
        ("trainer validate [PATH ...]", "check course files; every error located"),
        ("trainer preview FILE", "see a module as a recruit will, reloaded on save"),
        ("trainer new module ID --track T", "start a module from a skeleton"),
        ("trainer schema", "write the JSON Schemas editors use"),
        ("trainer --help", "all commands and options"),
    ):
        click.echo(f"  {usage:<36} {what}")


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
