"""Writing the certificate into the PDF for machines, as ReportLab builds it: the signed
token as a custom document information key and the payload as an embedded file.

Open-source ReportLab has no call for either, so these are PDF objects added through its
document object (``canvas._doc``), as ReportLab's own XMP example does. Adding them with
pypdf after the build works too but parses and writes the whole file again, which was a
quarter of a certificate's time; pypdf reads them back (pdffile.py) and the tests check
the result with pypdf and poppler's pdfdetach.
"""

from __future__ import annotations

from datetime import UTC, datetime

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates.pdffile import CERTIFICATE_FILE, NUMBER_KEY, TOKEN_KEY


class _Info(PDFInfo):
    """The document information, with the certificate's own keys and its issue time as
    the creation date (invariant mode would otherwise write 2000-01-01)."""

    def __init__(self, base: PDFInfo, extra: dict[str, str], stamp: str) -> None:
        super().__init__()
        self.__dict__.update(base.__dict__)
        self.extra = extra
        self.stamp = stamp

    def format(self, document: PDFDocument) -> bytes:
        entries: dict[str, object] = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "CreationDate": PDFString(self.stamp),
            "ModDate": PDFString(self.stamp),
            "Trapped": PDFName(self.trapped),
        }
        entries.update({key: PDFString(value) for key, value in self.extra.items()})
        result: bytes = PDFDictionary(entries).format(document)
        return result


def carry(canvas: Canvas, token: str, payload_json: bytes, number: str, issued: datetime) -> None:
    """Put the token in the document information and ``payload_json`` in an embedded
    ``certificate.json`` of the document ``canvas`` is drawing."""
    document: PDFDocument = canvas._doc  # type: ignore[attr-defined]
    stamp = issued.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
    document.info = _Info(
        document.info, {TOKEN_KEY.lstrip("/"): token, NUMBER_KEY.lstrip("/"): number}, stamp
    )
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": PDFName("application#2Fjson"),
                "Params": PDFDictionary({"Size": len(payload_json), "ModDate": PDFString(stamp)}),
            }
        ),
        payload_json,
    )
    filespec = PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(CERTIFICATE_FILE),
            "UF": PDFString(CERTIFICATE_FILE),
            "Desc": PDFString("The certified facts (canonical JSON), as signed"),
            "AFRelationship": PDFName("Data"),
            "EF": PDFDictionary({"F": document.Reference(stream)}),  # type: ignore[no-untyped-call]
        }
    )
    reference = document.Reference(filespec)  # type: ignore[no-untyped-call]
    names = PDFArray([PDFString(CERTIFICATE_FILE), reference])
    catalog = document.Catalog  # type: ignore[attr-defined]
    catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": names})})
