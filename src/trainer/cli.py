"""The ``trainer`` command: a thin face over the layers below."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from trainer import __version__
from trainer.content.course import COURSE_FILE, CheckResult, CourseBundle, check_course
from trainer.content.diagnostics import Diagnostic
from trainer.content.locate import default_course_root, find_course_root, is_course_root

if TYPE_CHECKING:
    from trainer.certificates.payload import CertificatePayload
    from trainer.records.service import Records


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(f"trainer: error: {self.format_message()}", err=True)


def _label(root: Path, file: str) -> str:
    """How to show a course file: relative to the working directory when inside it."""
    path = root / file
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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
        _print_diagnostics(root, result.diagnostics)
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


def _print_diagnostics(root: Path, diagnostics: Sequence[Diagnostic]) -> None:
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        severity = click.style(d.severity, fg=colour, bold=True)
        click.echo(f"{_label(root, d.file)}:{d.line}:{d.column}: {severity}: {d.message}")


@cli.command()
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
                f"{_label(target.root, strays[0])} is not part of the course in "
                f"{_label(target.root, '.')}: module files live under scenarios/ and end in .yaml"
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
                    "errors": [d.as_json(_label(target.root, d.file)) for d in errors],
                    "warnings": [d.as_json(_label(target.root, d.file)) for d in warnings],
                }
            )
            continue
        _print_diagnostics(target.root, shown)
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


@cli.command()
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
            click.echo(f"wrote {_label(folder, name)}")
    if check and stale:
        raise UserError(f"out of date in {folder}: {', '.join(stale)}; run 'trainer schema'")
    if not stale:
        click.echo(f"schemas in {folder} are up to date")


# --- coverage ---------------------------------------------------------------------------


@cli.command("coverage")
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
    bundle = _load_bundle(root)
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


@cli.group()
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
        f"wrote {_label(root, created.label)} and listed it in track '{track}' "
        f"of {_label(root, COURSE_FILE)}"
    )
    click.echo("next: write its scenarios, then run 'trainer validate'")


# --- learners, take, records --------------------------------------------------------


def _db_options(command: Callable[..., None]) -> Callable[..., None]:
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


def _open_records(db: str | None, course_dir: Path | None) -> Records:
    from trainer.records.log import EventLog
    from trainer.records.service import Records

    root = course_dir if course_dir is not None else default_course_root()
    bundle = _load_bundle(root)
    return Records(EventLog.open(db), bundle)


def _load_bundle(root: Path) -> CourseBundle:
    result = check_course(root)
    if result.bundle is None:
        _print_diagnostics(root, result.errors)
        raise UserError(f"the course in {root} has errors: fix them, then try again")
    return result.bundle


@contextmanager
def _records_errors() -> Iterator[None]:
    """Turn a records failure into one line and exit status 1."""
    from trainer.records.db import RecordsError

    try:
        yield
    except RecordsError as exc:
        raise UserError(str(exc)) from None


@cli.group()
def learners() -> None:
    """Register and list learners."""


@learners.command("add")
@click.option("--name", required=True, help="Full name, as on the certificate.")
@click.option("--badge", required=True, help="Badge number: how the learner signs in.")
@click.option("--agency", required=True, help="The learner's agency.")
@click.option("--unit", default=None, help="Unit or squad (optional).")
@click.option("--officer-id", default=None, help="State officer ID such as a POST ID (optional).")
@_db_options
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
    with _records_errors():
        learner = _open_records(db, course_dir).register(name, badge, agency, unit, officer_id)
    click.echo(f"registered {learner.name}, badge {learner.badge}, {learner.agency}")


@learners.command("list")
@_db_options
def learners_list(db: str | None, course_dir: Path | None) -> None:
    """List every registered learner."""
    with _records_errors():
        found = _open_records(db, course_dir).learners()
    if not found:
        click.echo("no learners yet: add one with 'trainer learners add'")
        return
    click.echo(f"{'badge':<12} {'name':<28} {'agency':<28} unit")
    for learner in found:
        click.echo(
            f"{learner.badge:<12} {learner.name:<28} {learner.agency:<28} {learner.unit or ''}"
        )


@cli.command()
@_db_options
def run(db: str | None, course_dir: Path | None) -> None:
    """Start the learner's terminal UI on a course and database."""
    with _records_errors():
        records = _open_records(db, course_dir)
    from trainer.tui.app import make_app

    make_app(records).run()


@cli.command()
@click.option("--learner", "badge", required=True, metavar="BADGE", help="The learner's badge.")
@click.option("--track", type=click.Choice(["onboarding", "refresher"]), required=True)
@click.option("--module", "module_id", default=None, metavar="ID", help="Only this module.")
@_db_options
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

    with _records_errors():
        records = _open_records(db, course_dir)
        code = run_take(records, badge, track, module_id, sys.stdin, click.echo)
    sys.exit(code)


@cli.group()
def records() -> None:
    """Transcripts, due dates and the integrity of the record."""


@records.command("check")
@_db_options
def records_check(db: str | None, course_dir: Path | None) -> None:
    """Verify the hash chain of the whole record; name the first event that does not fit."""
    from trainer.records.log import EventLog

    with _records_errors():
        report = EventLog.open(db).check()
    if not report.ok:
        raise UserError(f"the record has been altered: {report.reason}")
    click.echo(f"ok: {report.count} events, chain intact; head {report.head_hash}")


@records.command("transcript")
@click.argument("badge")
@_db_options
def records_transcript(badge: str, db: str | None, course_dir: Path | None) -> None:
    """Every attempt, score and completion of one learner."""
    from trainer.reports.transcript import transcript_lines

    with _records_errors():
        recs = _open_records(db, course_dir)
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
@_db_options
def records_due(within: str, overdue: bool, db: str | None, course_dir: Path | None) -> None:
    """Who must renew a certification soon, or is overdue."""
    from trainer.reports.due import due_lines, parse_days

    try:
        days = parse_days(within)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with _records_errors():
        lines = due_lines(_open_records(db, course_dir), days, overdue)
    for line in lines:
        click.echo(line)


# --- keys and certificates ------------------------------------------------------------


@contextmanager
def _certificate_errors() -> Iterator[None]:
    """Turn a certificate, key or revocation failure into one line and exit status 1."""
    from trainer.certificates.errors import CertificateError

    try:
        yield
    except CertificateError as exc:
        raise UserError(str(exc)) from None


@cli.group()
def keys() -> None:
    """The agency's signing key: create it, rotate it, publish its public half.

    Keys live in TRAINER_HOME/keys, else keys/ in the user data folder.
    """


@keys.command("init")
@click.option(
    "--rotate",
    is_flag=True,
    help="Replace an existing key. Its public key is kept, so the certificates it signed "
    "still verify; it can sign nothing more.",
)
def keys_init(rotate: bool) -> None:
    """Create (or rotate) the agency's signing key.

    An Ed25519 key pair; the private key file is readable only by you and never printed.
    """
    from trainer.certificates.keys import init_keys

    with _certificate_errors():
        made = init_keys(rotate=rotate)
    if made.retired:
        click.echo(
            f"retired key {made.retired}: its public key stays in {made.folder / 'public'}, so "
            "the certificates it signed still verify"
        )
    click.echo(f"created the agency signing key {made.kid} in {made.private_path}")
    click.echo("it is readable only by you: back it up somewhere safe and never share it")
    click.echo(
        "next: publish the public key, so anyone can verify certificates: trainer keys export"
    )


@keys.command("export")
@click.option(
    "--all",
    "include_retired",
    is_flag=True,
    help="Also the retired keys, which verify certificates signed before a rotation.",
)
@click.option("--pem", is_flag=True, help="PEM blocks instead of one line per key.")
def keys_export(include_retired: bool, pem: bool) -> None:
    """Print the public key to publish.

    One line, 'ed25519 KEYID KEY', for a web page or an email, and for 'trainer certificate
    verify --key FILE'. Never the private key.
    """
    from trainer.certificates.keys import export_public

    with _certificate_errors():
        text = export_public(include_retired=include_retired, pem=pem)
    click.echo(text, nl=False)


@cli.group()
def certificate() -> None:
    """Issue, verify and revoke certificates."""


# A token's last part is an 86-character signature: an argument ending in a short
# extension, or naming a folder, is a file name.
_LOOKS_LIKE_FILE = re.compile(r"[^.]*\.[A-Za-z0-9]{1,5}|.*[/\\].*")


@certificate.command("verify")
@click.argument("source", metavar="TOKEN|FILE")
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PUBKEY",
    help="The issuing agency's public key file ('trainer keys export' prints it; PEM "
    "works too). Repeatable. Default: this agency's keys.",
)
@click.option(
    "--revocations",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="The agency's signed revocation list. Default without --key: this agency's own "
    "list, if it has one.",
)
def certificate_verify(source: str, key_files: tuple[Path, ...], revocations: Path | None) -> None:
    """Check a certificate offline.

    Prints what it certifies and one verdict, with its reason: valid, expired, revoked,
    forged, unknown key or malformed. Exits 0 only for valid.

    TOKEN is the signed text printed under the QR code; FILE is the certificate PDF, or a
    text file holding the token.
    """
    from trainer.certificates.keys import Trust, load_key_file, load_trust
    from trainer.certificates.revocation import RevocationList, default_path, load_list
    from trainer.certificates.timefmt import minute
    from trainer.certificates.token import MAX_TOKEN
    from trainer.certificates.verify import verify
    from trainer.certificates.verify_pdf import verify_pdf

    pdf = _pdf_bytes(source) if Path(source).suffix.lower() == ".pdf" else None
    text = _token_source(source, MAX_TOKEN * 4 + 1) if pdf is None else b""
    with _certificate_errors():
        trust = Trust.union(load_key_file(k) for k in key_files) if key_files else load_trust()
        if revocations is None and not key_files and default_path().is_file():
            revocations = default_path()
        revoked: RevocationList | None = (
            load_list(revocations, trust) if revocations is not None else None
        )
    verdict = verify_pdf(pdf, trust, revoked) if pdf is not None else verify(text, trust, revoked)
    shown = verdict.payload or verdict.claimed
    if shown is not None:
        if verdict.payload is None:
            click.echo("What it claims (NOT verified: do not rely on any of it):")
        _print_facts(shown)
        click.echo()
    if verdict.payload is not None:
        if revoked is not None:
            click.echo(
                f"revocations: checked against {revocations} (the list of {minute(revoked.issued)})"
            )
        else:
            click.echo("revocations: not checked (no list: pass --revocations FILE)")
    ok = verdict.status == "valid"
    label = click.style(verdict.status.upper(), fg="green" if ok else "red", bold=True)
    click.echo(f"verdict: {label}: {verdict.reason}")
    if verdict.status == "unknown key" and not key_files:
        click.echo("hint: pass the issuing agency's public key with --key FILE")
    if not ok:
        sys.exit(1)


def _token_source(source: str, limit: int) -> str | bytes:
    """The text to verify: the content of the file ``source`` names, else ``source``."""
    path = Path(source)
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
    except OSError:  # a token is longer than a file name may be
        is_dir = is_file = False
    if is_dir:
        raise UserError(f"{source} is a folder: give a token or a file holding one")
    if is_file:
        try:
            with path.open("rb") as stream:
                return stream.read(limit)
        except OSError as exc:
            raise UserError(f"cannot read {source}: {exc.strerror}") from None
    if _LOOKS_LIKE_FILE.fullmatch(source):
        raise UserError(f"{source}: no such file (give a token, or a file holding one)")
    return source


def _pdf_bytes(source: str) -> bytes:
    """The content of the PDF file ``source``, read whole (certificates are small)."""
    from trainer.certificates.pdffile import MAX_PDF

    path = Path(source)
    if not path.is_file():
        raise UserError(f"{source}: no such file")
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_PDF + 1)
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror}") from None


def _print_facts(payload: CertificatePayload) -> None:
    from trainer.certificates.facts import facts

    for label, value in facts(payload):
        first, *rest = value.splitlines() or [""]
        click.echo(f"  {label:<15} {first}")
        for line in rest:
            click.echo(f"  {'':<15} {line}")


@certificate.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Why: shown to everyone who verifies it.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="The revocation list to add to (created if missing). Default: revocations.jwt in "
    "the data folder.",
)
def certificate_revoke(number: str, reason: str, out: Path | None) -> None:
    """Add a certificate to the revocation list.

    The list is signed with the agency key. Publish it: 'trainer certificate verify
    --revocations FILE' then says revoked, with the reason.
    """
    from trainer.certificates.keys import load_signing_key, load_trust
    from trainer.certificates.revocation import default_path, revoke

    with _certificate_errors():
        key = load_signing_key()
        updated, entry = revoke(number, reason, key, load_trust(), out)
    path = out if out is not None else default_path()
    count = len(updated.entries)
    click.echo(f"revoked {entry.number}: {entry.reason}")
    click.echo(
        f"{path} now lists {count} revoked certificate{'s' if count != 1 else ''}, signed "
        f"with key {key.kid}"
    )
    click.echo(
        "publish it, so that verifiers can check: "
        f"trainer certificate verify TOKEN --revocations {path.name}"
    )


_PAGE = click.option(
    "--page",
    type=click.Choice(["letter", "a4"]),
    default=None,
    help="Paper size. Default: the certificate template's (landscape Letter).",
)
_OFFICER = click.option(
    "--officer",
    default=None,
    metavar="NAME",
    help="The issuing training officer. Default: the template's signatory.",
)
_OFFICER_TITLE = click.option(
    "--officer-title", default=None, metavar="TITLE", help="The issuing officer's title."
)


@certificate.command("issue")
@click.option("--learner", "badge", required=True, metavar="BADGE")
@click.option("--track", type=click.Choice(["onboarding", "refresher"]), required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Where to write the PDF. Default: certificates/NUMBER.pdf in the data folder.",
)
@_PAGE
@_OFFICER
@_OFFICER_TITLE
@_db_options
def certificate_issue(
    badge: str,
    track: Literal["onboarding", "refresher"],
    out: Path | None,
    page: Literal["letter", "a4"] | None,
    officer: str | None,
    officer_title: str | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Write the PDF of a learner's certificate for a track.

    A certificate already issued is written again with the same number; a completed track
    without one (completed before the agency had a key, say) is issued now.
    """
    from trainer.certificates.delivery import issue_and_save, officer_for

    with _records_errors(), _certificate_errors():
        records = _open_records(db, course_dir)
        who = officer_for(records, track, officer, officer_title)
        done = issue_and_save(
            records, badge, track, click.echo, officer=who, out=out, page_size=page
        )
    click.echo(
        f"certificate {done.certificate.number} for {done.certificate.payload.learner_name}"
        f" ({track}): {done.path}"
    )


@certificate.command("batch")
@click.option("--track", type=click.Choice(["onboarding", "refresher"]), required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar="DIR",
    help="The folder to write the PDFs to (created if missing).",
)
@_PAGE
@_OFFICER
@_OFFICER_TITLE
@_db_options
def certificate_batch(
    track: Literal["onboarding", "refresher"],
    out_dir: Path,
    page: Literal["letter", "a4"] | None,
    officer: str | None,
    officer_title: str | None,
    db: str | None,
    course_dir: Path | None,
) -> None:
    """Write the certificate of every learner who completed a track: a whole academy class.

    Each learner's latest completion; files are named BADGE-NUMBER.pdf.
    """
    from trainer.certificates.delivery import officer_for, save_pdf, signing_key
    from trainer.certificates.issue import issue

    with _records_errors(), _certificate_errors():
        records = _open_records(db, course_dir)
        who = officer_for(records, track, officer, officer_title)
        key = signing_key(click.echo)
        written = 0
        for learner in records.learners():
            if not records.history(learner.badge).completions_of(learner.badge, track):
                continue
            issued = issue(records, learner.badge, track, key, who)
            path = save_pdf(records, issued, out_dir / f"{learner.badge}-{issued.number}.pdf", page)
            click.echo(f"{path}  {learner.name}")
            written += 1
    click.echo(f"{written} certificate{'s' if written != 1 else ''} written to {out_dir}")


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
