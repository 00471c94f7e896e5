"""Verifying a certificate PDF: its signed token, and that what it carries agrees with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import Trust
from trainer.certificates.payload import CertificatePayload
from trainer.certificates.pdffile import CERTIFICATE_FILE, read_pdf
from trainer.certificates.revocation import RevocationList
from trainer.certificates.verify import Verdict, verify


def verify_pdf(
    data: bytes,
    trust: Trust,
    revocations: RevocationList | None = None,
    now: datetime | None = None,
) -> Verdict:
    """The verdict on a certificate PDF. The token decides; an embedded ``certificate.json``
    that says anything else makes the file forged, since a person reading the JSON would
    be told something the agency did not sign. Never raises for the file's content."""
    try:
        contents = read_pdf(data)
    except CertificateError as exc:
        return Verdict("malformed", str(exc))
    if contents.token is None:
        return Verdict(
            "forged", "the PDF's signed token was removed: only its unsigned copy is left"
        )
    verdict = verify(contents.token, trust, revocations, now)
    if verdict.payload is None or contents.certificate_json is None:
        return verdict
    try:
        embedded = CertificatePayload.from_json(contents.certificate_json)
    except CertificateError as exc:
        return _forged(verdict, f"the embedded {CERTIFICATE_FILE} is not a certificate: {exc}")
    if embedded != verdict.payload:
        return _forged(
            verdict,
            f"the embedded {CERTIFICATE_FILE} does not match the signed token: it was changed",
        )
    return verdict


def _forged(verdict: Verdict, reason: str) -> Verdict:
    return replace(verdict, status="forged", reason=reason, payload=None, claimed=verdict.payload)
