"""Commands for course authors: validate, schema, coverage, new module."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import click

from trainer.cli.common import UserError, label, load_bundle, print_diagnostics
from trainer.content.course import COURSE_FILE, CheckResult, CourseBundle, check_course
from trainer.content.diagnostics import Diagnostic
from trainer.content.locate import default_course_root, find_course_root, is_course_root

# --- validate ---------------------------------------------------------------------------


@dataclass
class _Target:
    """One course to check, and the module files named in it (none: the whole course)."""

    root: Path
    files: list[str]


def _targets(paths: Sequence[str]) -> list[_Target]:
    if not paths:
        return [_Target(default_course_root(), [])]
    targets: dict[Path, _Target] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UserError(f"{raw}: no such file or folder")
        if path.is_dir():
            if not is_course_root(path):
                raise UserError(
                    f"{raw}: not a course folder (it has no {COURSE_FILE}); give a course "
                    "folder or module files"
                )
            root = path.resolve()
            targets.setdefault(root, _Target(root, [])).files.clear()
            targets[root].files.append("*")
            continue
        found = find_course_root(path.parent)
        if found is None:
            raise UserError(
                f"{raw}: this file is not inside a course folder (none above it holds "
                f"{COURSE_FILE}), so its citations cannot be checked"
            )
        target = targets.setdefault(found, _Target(found, []))
        if "*" not in target.files:
            target.files.append(path.resolve().relative_to(found).as_posix())
    return [_Target(t.root, [] if "*" in t.files else t.files) for t in targets.values()]


def _selected(result: CheckResult, files: list[str]) -> list[Diagnostic]:
    """The diagnostics for the named files, and any error in the course files they rely on."""
    if not files:
        return result.diagnostics
    return [
        d
        for d in result.diagnostics
        if d.file in files or (d.file.startswith("course/") and d.severity == "error")
    ]


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH ...]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints {content_hash, errors, warnings} for editors and CI.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any).")
def validate(paths: tuple[str, ...], fmt: Literal["text", "json"], strict: bool) -> None:
    """Check a course, or module files against the course they sit in.

    PATH is a course folder (holding course/ and scenarios/) or a module file. With no
    PATH: the course around the current folder, else the course shipped with trainer.
    Prints every error and warning as file:line:column, then the content hash.
    Exits 1 when there is any error.
    """
    failed = False
    reports: list[dict[str, object]] = []
    for target in _targets(paths):
        result = check_course(target.root)
        strays = [f for f in target.files if f not in result.files]
        if strays:
            raise UserError(
                f"{label(target.root, strays[0])} is not part of the course in "
                f"{label(target.root, '.')}: module files live under scenarios/ and end in .yaml"
            )
        shown = _selected(result, target.files)
        errors = [d for d in shown if d.severity == "error"]
        warnings = [d for d in shown if d.severity == "warning"]
        bundle: CourseBundle | None = result.bundle
        failed = failed or bool(errors) or (strict and bool(warnings))
        if fmt == "json":
            reports.append(
                {
                    "course": str(target.root),
                    "content_hash": bundle.content_hash if bundle else None,
                    "errors": [d.as_json(label(target.root, d.file)) for d in errors],
                    "warnings": [d.as_json(label(target.root, d.file)) for d in warnings],
                }
            )
            continue
        print_diagnostics(target.root, shown)
        checked = len(target.files) or len(result.files)
        click.echo(
            f"checked {checked} file{'s' if checked != 1 else ''}: "
            f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
        )
        if bundle is not None:
            click.echo(f"content hash: {bundle.content_hash}")
    if fmt == "json":
        click.echo(json.dumps(reports[0] if len(reports) == 1 else reports, indent=2))
    if failed:
        sys.exit(1)


# --- schema -----------------------------------------------------------------------------


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to. Default: schema/ in the course around the current folder.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the files are out of date.")
def schema(out: Path | None, check: bool) -> None:
    """Write the JSON Schemas of course.yaml, guidelines.yaml and module files.

    Course files name them on their first line, so editors with the YAML language server
    complete keys and underline mistakes as you type.
    """
    from trainer.content.schema import schema_texts

    folder = out or default_course_root() / "schema"
    stale: list[str] = []
    for name, text in schema_texts().items():
        path = folder / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {label(folder, name)}")
    if check and stale:
        raise UserError(f"out of date in {folder}: {', '.join(stale)}; run 'trainer schema'")
    if not stale:
        click.echo(f"schemas in {folder} are up to date")


# --- coverage ---------------------------------------------------------------------------


@click.command("coverage")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def coverage_command(path: Path | None, fmt: Literal["table", "json"]) -> None:
    """How many scenarios of each track test each guideline.

    PATH is a course folder; the default is the course around the current folder, else the
    shipped course. JSON: {"guidelines": {"CONF-1": {"onboarding": 3, "refresher": 4}, ...}}.
    """
    from trainer.content.coverage import coverage, mix

    root = path if path is not None else default_course_root()
    if not is_course_root(root):
        raise UserError(f"{root}: not a course folder (it has no {COURSE_FILE})")
    bundle = load_bundle(root)
    matrix = coverage(bundle)
    if fmt == "json":
        click.echo(json.dumps({"guidelines": matrix}, indent=2))
        return
    tracks = [t for t, _ in bundle.course.tracks.items()]
    titles = {g.id: g.title for g in bundle.policy.guidelines}
    click.echo(f"{'guideline':<9} {'title':<46} " + " ".join(f"{t:>10}" for t in tracks))
    for guideline, counts in matrix.items():
        # Fewer than 2 in a track is what the checker warns about: marked in words too.
        cells = " ".join(
            f"{(str(counts[t]) + (' low' if counts[t] < 2 else '')):>10}" for t in tracks
        )
        click.echo(f"{guideline:<9} {titles[guideline][:46]:<46} {cells}")
    shape = mix(bundle)
    kinds = ", ".join(f"{n} {kind}" for kind, n in shape.step_types.items())
    click.echo()
    click.echo(f"{shape.scenarios} scenarios; steps: {kinds}; {shape.branching} branching")


# --- new --------------------------------------------------------------------------------


@click.group()
def new() -> None:
    """Start new course content from a skeleton."""


@new.command("module")
@click.argument("module_id", metavar="ID")
@click.option(
    "--track",
    type=click.Choice(["onboarding", "refresher"]),
    required=True,
    help="The track the module joins; it is appended to the track's list in course.yaml.",
)
@click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The course folder. Default: the one around the current folder.",
)
def new_module(
    module_id: str, track: Literal["onboarding", "refresher"], course_dir: Path | None
) -> None:
    """Write scenarios/TRACK/ID.yaml, a commented module that validates."""
    from trainer.content.skeleton import SkeletonError, create_module

    root = course_dir if course_dir is not None else find_course_root(Path.cwd())
    if root is None or not is_course_root(root):
        raise UserError(
            "no course here: run this inside a course folder (one holding "
            f"{COURSE_FILE}) or pass --course DIR"
        )
    try:
        created = create_module(root, module_id, track)
    except SkeletonError as exc:
        raise UserError(str(exc)) from None
    click.echo(
        f"wrote {label(root, created.label)} and listed it in track '{track}' "
        f"of {label(root, COURSE_FILE)}"
    )
    click.echo("next: write its scenarios, then run 'trainer validate'")


# --- preview ----------------------------------------------------------------------------


@click.command()
@click.argument("file", metavar="FILE")
def preview(file: str) -> None:
    """Open one module file in the TUI as a recruit will see it, reloaded on every save.

    FILE is a module file of a course (under its scenarios/). Scenarios come in file
    order: n and p move between them, r starts one again. An error in the file shows
    located, as 'trainer validate' prints it, until it is fixed. Answers are graded but
    kept in memory only: nothing is recorded.
    """
    import functools

    from trainer.content.course import module_files
    from trainer.tui.preview import PreviewApp

    path = Path(file)
    if not path.exists():
        raise UserError(f"{file}: no such file")
    if path.is_dir():
        raise UserError(f"{file}: is a folder; give a module file (scenarios/.../NAME.yaml)")
    root = find_course_root(path.parent)
    if root is None:
        raise UserError(
            f"{file}: this file is not inside a course folder (none above it holds "
            f"{COURSE_FILE}), so it cannot be previewed"
        )
    name = (path.parent.resolve() / path.name).relative_to(root).as_posix()
    if name not in {p.relative_to(root).as_posix() for p in module_files(root)}:
        raise UserError(
            f"{label(root, name)} is not part of the course in {label(root, '.')}: module "
            "files live under scenarios/ and end in .yaml"
        )
    PreviewApp(root, name, show=functools.partial(label, root)).run()


# --- learners, take, records --------------------------------------------------------
