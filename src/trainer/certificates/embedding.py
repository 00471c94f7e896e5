"""Writing the certificate into the PDF for machines, as ReportLab builds it: the signed
token as a custom document information key and the payload as an embedded file.

Open-source ReportLab has no call for either, so these are PDF objects added through its
document object (``canvas._doc``), as ReportLab's own XMP example does, and written here
byte for byte: they are small, and formatting them value by value through ReportLab's
objects took longer than drawing the page's text. pypdf reads them back (pdffile.py) and
the tests check the result with pypdf and poppler's pdfdetach.
"""

from __future__ import annotations

from datetime import UTC, datetime

from reportlab.pdfbase.pdfdoc import PDFDocument, PDFInfo, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates.pdffile import CERTIFICATE_FILE, NUMBER_KEY, TOKEN_KEY
from trainer.certificates.written import Pattern, Written

_DESCRIPTION = "The certified facts (canonical JSON), as signed"


class _Info(PDFInfo):
    """The document information, with the certificate's own keys and its issue time as
    the creation date (invariant mode would otherwise write 2000-01-01)."""

    def __init__(self, base: PDFInfo, extra: dict[str, str], stamp: str) -> None:
        super().__init__()
        self.__dict__.update(base.__dict__)
        self.extra = extra
        self.stamp = stamp

    def format(self, document: PDFDocument) -> bytes:
        entries = {
            "Title": text(self.title),
            "Author": text(self.author),
            "Subject": text(self.subject),
            "Keywords": text(self.keywords),
            "Creator": text(self.creator),
            "Producer": text(self.producer),
            "CreationDate": text(self.stamp),
            "ModDate": text(self.stamp),
            "Trapped": f"/{self.trapped}".encode("ascii"),
            **{key: text(value) for key, value in self.extra.items()},
        }
        return b"<< " + b" ".join(b"/%s %s" % (k.encode(), v) for k, v in entries.items()) + b" >>"


def text(value: str) -> bytes:
    """A PDF text string: printable ASCII as a literal string, anything else as UTF-16
    with its byte order mark, in hex (PDF 32000-1, 7.9.2.2)."""
    if value.isascii() and value.isprintable():
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def carry(canvas: Canvas, token: str, payload_json: bytes, number: str, issued: datetime) -> None:
    """Put the token in the document information and ``payload_json`` in an embedded
    ``certificate.json`` of the document ``canvas`` is drawing."""
    document: PDFDocument = canvas._doc  # type: ignore[attr-defined]
    stamp = issued.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
    document.info = _Info(
        document.info, {TOKEN_KEY.lstrip("/"): token, NUMBER_KEY.lstrip("/"): number}, stamp
    )
    size = len(payload_json)
    head = (
        b"<< /Length %d /Params << /ModDate %s /Size %d >> "
        b"/Subtype /application#2Fjson /Type /EmbeddedFile >>" % (size, text(stamp), size)
    )
    stream = Written(head + b"\nstream\n" + payload_json + b"\nendstream\n", indirect=True)
    name = text(CERTIFICATE_FILE)
    filespec = Written(
        Pattern(
            (
                b"<< /AFRelationship /Data /Desc %s /EF << /F " % text(_DESCRIPTION),
                b" >> /F %s /Type /Filespec /UF %s >>" % (name, name),
            ),
            (0,),
        ),
        [document.Reference(stream)],  # type: ignore[no-untyped-call]
        indirect=True,
    )
    reference: PDFObjectReference = document.Reference(filespec)  # type: ignore[no-untyped-call]
    names = Written(
        Pattern((b"<< /EmbeddedFiles << /Names [ %s " % name, b" ] >> >>"), (0,)),
        [reference],
        indirect=False,
    )
    catalog = document.Catalog  # type: ignore[attr-defined]
    catalog.Names = names
