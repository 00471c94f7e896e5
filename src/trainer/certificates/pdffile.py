"""Reading the certificate inside a PDF, for machines: the signed token in the document
information (``/TrainerCertificate``) and the payload as an embedded file,
``certificate.json`` (embedding.py writes them).

Reading never trusts the file: whatever comes back is checked by
:func:`trainer.certificates.verify.verify` like any other token. No ReportLab here: a
verifier reads PDFs with pypdf alone.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from trainer.certificates.errors import CertificateError

CERTIFICATE_FILE = "certificate.json"
TOKEN_KEY = "/TrainerCertificate"  # noqa: S105 - a PDF key name, not a secret
NUMBER_KEY = "/TrainerCertificateNumber"
MAX_PDF = 50 * 1024 * 1024
"""A certificate is under 200 KB; a file above this is not read at all."""


@dataclass(frozen=True)
class PdfContents:
    """What a certificate PDF carries for machines; either may be missing from a file
    that was altered, never both (that is an error)."""

    token: str | None
    certificate_json: str | None


def read_pdf(data: bytes) -> PdfContents:
    """The token and the embedded payload of a certificate PDF. Raises
    :class:`CertificateError` for a file that is not a PDF, is damaged, or holds neither."""
    if len(data) > MAX_PDF:
        raise CertificateError(
            f"the file is {len(data) / 1024 / 1024:.0f} MB: too large to be a certificate PDF"
        )
    if b"%PDF-" not in data[:1024]:
        raise CertificateError("not a PDF file: it does not start as a PDF does")
    try:
        with _quiet():
            reader = PdfReader(io.BytesIO(data), strict=False)
            info = reader.metadata
            raw_token = info.get(TOKEN_KEY) if info is not None else None
            files = reader.attachments.get(CERTIFICATE_FILE) or []
    except PyPdfError as exc:
        raise CertificateError(f"the PDF is damaged and cannot be read: {exc}") from None
    except Exception:
        # A damaged file can fail deep in the parser in any way (zlib, struct, recursion):
        # whatever it is, the file is unreadable, and that is all a person can act on.
        raise CertificateError("the PDF is damaged and cannot be read") from None
    token = str(raw_token) if isinstance(raw_token, str) else None
    document: str | None = None
    if files:
        try:
            document = files[0].decode("utf-8")
        except UnicodeDecodeError:
            raise CertificateError(
                f"the PDF's {CERTIFICATE_FILE} is not UTF-8 text: it was altered"
            ) from None
    if token is None and document is None:
        raise CertificateError(
            f"this PDF holds no trainer certificate: no {CERTIFICATE_FILE} inside and no "
            "certificate token in its document information"
        )
    return PdfContents(token, document)


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf logs each oddity of a damaged file as a warning; the one error says enough."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
