"""Signing keys and certificates: issue, batch, verify, revoke."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from trainer.cli.common import (
    TRACK,
    UserError,
    certificate_errors,
    db_options,
    open_records,
    records_errors,
)

if TYPE_CHECKING:
    from trainer.certificates.payload import CertificatePayload


@click.group()
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

    with certificate_errors():
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

    with certificate_errors():
        text = export_public(include_retired=include_retired, pem=pem)
    click.echo(text, nl=False)


@click.group()
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
    with certificate_errors():
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

    with certificate_errors():
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
@TRACK
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
@db_options
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

    with records_errors(), certificate_errors():
        records = open_records(db, course_dir)
        who = officer_for(records, track, officer, officer_title)
        done = issue_and_save(
            records, badge, track, click.echo, officer=who, out=out, page_size=page
        )
    click.echo(
        f"certificate {done.certificate.number} for {done.certificate.payload.learner_name}"
        f" ({track}): {done.path}"
    )


@certificate.command("batch")
@TRACK
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
@db_options
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

    with records_errors(), certificate_errors():
        records = open_records(db, course_dir)
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
