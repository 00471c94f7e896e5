"""Delivering certificates: the agency key on first use, the template, the PDF on disk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer.certificates.errors import CertificateError
from trainer.certificates.files import write_atomic
from trainer.certificates.issue import IssuedCertificate, issue
from trainer.certificates.keys import (
    PRIVATE_FILE,
    SigningKey,
    init_keys,
    keys_dir,
    load_signing_key,
)
from trainer.certificates.payload import Officer
from trainer.certificates.render import PageSize, render_pdf
from trainer.certificates.template import CertificateTemplate, load_template, template_path
from trainer.content.models import TrackId
from trainer.datadir import data_dir
from trainer.records.service import Records


def signing_key(say: Callable[[str], None]) -> SigningKey:
    """The agency's signing key, created in the data folder the first time one is needed
    (a laptop install has no one to run ``trainer keys init`` first)."""
    if not (keys_dir() / PRIVATE_FILE).exists():
        created = init_keys()
        say(
            f"Created the agency's signing key {created.kid} in {created.folder}; publish "
            "its public key with 'trainer keys export' so others can verify certificates."
        )
    return load_signing_key()


def template_for(records: Records, certificate: IssuedCertificate) -> CertificateTemplate:
    """The template the certificate's track names, from the course it was issued under."""
    course = records.version(certificate.payload.content_hash).course
    name = dict(course.tracks.items())[certificate.track].certificate
    return load_template(template_path(records.bundle.root, name))


def officer_for(records: Records, track: TrackId, name: str | None, title: str | None) -> Officer:
    """The issuing officer: as given, else the signatory of the track's template."""
    if name and title:
        return Officer(name, title)
    course = records.bundle.course
    template = load_template(
        template_path(records.bundle.root, dict(course.tracks.items())[track].certificate)
    )
    return Officer(name or template.signatory.name, title or template.signatory.title)


def certificate_pdf(
    records: Records, certificate: IssuedCertificate, page_size: PageSize | None = None
) -> bytes:
    """The certificate as a PDF, in its template's page size unless another is asked."""
    template = template_for(records, certificate)
    agency = records.version(certificate.payload.content_hash).course.agency
    logo = records.bundle.root / agency.logo if agency.logo else None
    return render_pdf(
        certificate.payload,
        certificate.token,
        template,
        page_size=page_size or template.page_size,
        logo=logo,
    )


def default_pdf_path(certificate: IssuedCertificate) -> Path:
    return data_dir() / "certificates" / f"{certificate.number}.pdf"


def save_pdf(
    records: Records,
    certificate: IssuedCertificate,
    out: Path | None = None,
    page_size: PageSize | None = None,
) -> Path:
    """Write the certificate's PDF (to the data folder unless ``out``); return its path."""
    path = out or default_pdf_path(certificate)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CertificateError(f"cannot create {path.parent}: {exc.strerror}") from None
    write_atomic(path, certificate_pdf(records, certificate, page_size), mode=0o644)
    return path


@dataclass(frozen=True)
class Delivered:
    certificate: IssuedCertificate
    path: Path


def issue_and_save(
    records: Records,
    badge: str,
    track: TrackId,
    say: Callable[[str], None],
    *,
    officer: Officer | None = None,
    out: Path | None = None,
    page_size: PageSize | None = None,
) -> Delivered:
    """Issue the certificate of the learner's latest completion (or take the one already
    issued) and write its PDF. An unknown learner is refused before a key is created."""
    records.learner(badge)
    key = signing_key(say)
    who = officer or officer_for(records, track, None, None)
    certificate = issue(records, badge, track, key, who)
    return Delivered(certificate, save_pdf(records, certificate, out, page_size))
