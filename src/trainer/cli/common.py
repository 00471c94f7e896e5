"""What every command group shares: the user-error type, database options, error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    # Imported where used: bare `trainer` shows its first screen before loading the course.
    from trainer.content.course import CourseBundle
    from trainer.content.diagnostics import Diagnostic
    from trainer.records.service import Records


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(f"trainer: error: {self.format_message()}", err=True)


def label(root: Path, file: str) -> str:
    """How to show a course file: relative to the working directory when inside it."""
    path = root / file
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def print_diagnostics(root: Path, diagnostics: Sequence[Diagnostic]) -> None:
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        severity = click.style(d.severity, fg=colour, bold=True)
        click.echo(f"{label(root, d.file)}:{d.line}:{d.column}: {severity}: {d.message}")


def db_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--db",
        "db",
        envvar="TRAINER_DB",
        default=None,
        metavar="URL",
        help="Database URL or SQLite file. Default: TRAINER_DB, else trainer.db in the "
        "user data folder.",
    )(command)
    return click.option(
        "--course",
        "course_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The course folder. Default: the one around the current folder, else the "
        "shipped course.",
    )(command)


def open_records(db: str | None, course_dir: Path | None) -> Records:
    from trainer.content.locate import default_course_root
    from trainer.records.log import EventLog
    from trainer.records.service import Records

    root = course_dir if course_dir is not None else default_course_root()
    bundle = load_bundle(root)
    return Records(EventLog.open(db), bundle)


def load_bundle(root: Path) -> CourseBundle:
    from trainer.content.course import check_course

    result = check_course(root)
    if result.bundle is None:
        print_diagnostics(root, result.errors)
        raise UserError(f"the course in {root} has errors: fix them, then try again")
    return result.bundle


@contextmanager
def records_errors() -> Iterator[None]:
    """Turn a records failure into one line and exit status 1."""
    from trainer.records.db import RecordsError

    try:
        yield
    except RecordsError as exc:
        raise UserError(str(exc)) from None


@contextmanager
def certificate_errors() -> Iterator[None]:
    """Turn a certificate, key or revocation failure into one line and exit status 1."""
    from trainer.certificates.errors import CertificateError

    try:
        yield
    except CertificateError as exc:
        raise UserError(str(exc)) from None


TRACK = click.option(
    "--track", type=click.Choice(["onboarding", "refresher"]), required=True, help="The track."
)
"""The required --track option of the commands that act on one track."""
