"""TrueType fonts that write each font subset into a PDF once per process, not once per PDF.

ReportLab embeds, in every PDF, the subset of each font that the PDF uses: it cuts a new
TTF file out of the font, compresses it, and writes its widths and its character map. For
one certificate that is most of the work: a class of 500 repeats it 500 times for what is,
certificate after certificate, the same subset (with ReportLab's ASCII-readable subsets,
every printable ASCII character is in the first subset whether drawn or not, so only a
name's accented or non-Latin letters change it). :class:`EmbeddedFont` is ReportLab's
``TTFont`` with ``addObjects`` making the same objects, from a cache keyed by the subset's
characters in order, already written (written.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

from trainer.certificates.written import Pattern, Slot, Written

CACHED_SUBSETS = 64
"""Subsets kept per process: a class's names add a few each (the wording shares one)."""


@dataclass(frozen=True)
class _Subset:
    """A subset's objects as written (bytes, not objects: ReportLab marks an object with
    its name in the one document it is in). The font dictionary's slots are its
    descriptor, its ToUnicode map and its name in the PDF; the descriptor's is its file."""

    base_name: str
    font: Pattern
    descriptor: Pattern
    to_unicode: bytes
    font_file: bytes


_cache: OrderedDict[tuple[str, int, bool, tuple[int, ...]], _Subset] = OrderedDict()
_lock = threading.Lock()


class EmbeddedFont(TTFont):
    """A ``TTFont`` whose subsets are cut, compressed and written once per process."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        chars = self.face.charToGlyph
        self.ascii_readable: bool = bool(getattr(self, "_asciiReadable", False)) and all(
            code in chars for code in range(32, 127)
        )
        """Whether every printable ASCII character has its own code in the first subset of
        every PDF (ReportLab's ASCII-readable subsets, for a font that has them all)."""

    def encoded(self, text: str, doc: pdfdoc.PDFDocument) -> list[tuple[str, bytes | str]]:
        """``text`` as (the PDF's name for a subset, its codes in that subset) pieces: what
        ``splitString`` gives, without its look-up character by character for the
        common case, printable ASCII, whose codes are its own."""
        if self.ascii_readable and text.isascii() and text.isprintable():
            return [(self.getSubsetInternalName(0, doc), text)]
        return [
            (self.getSubsetInternalName(subset, doc), data)
            for subset, data in self.splitString(text, doc)
        ]

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        """Add this font's subsets to ``doc`` (called by ReportLab as it saves a PDF)."""
        if not isinstance(getattr(doc, "encrypt", None), pdfdoc.NoEncryption):
            super().addObjects(doc)  # pragma: no cover - an encrypted stream differs per PDF
            return
        self.getSubsetInternalName(0, doc)  # the document's state for this font, made if new
        state = self.state[doc]
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict  # type: ignore[attr-defined]
        for number, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(number, doc)[1:]
            written = _subset(self, number, tuple(subset), doc)
            to_unicode = doc.Reference(  # type: ignore[no-untyped-call]
                Written(written.to_unicode, indirect=True), "toUnicodeCMap:" + written.base_name
            )
            font_file = doc.Reference(  # type: ignore[no-untyped-call]
                Written(written.font_file, indirect=True),
                f"fontFile:{self.face.filename}({written.base_name})",
            )
            descriptor = doc.Reference(  # type: ignore[no-untyped-call]
                Written(written.descriptor, [font_file], indirect=True),
                "fontDescriptor:" + written.base_name,
            )
            font = Written(
                written.font, [descriptor, to_unicode, pdfdoc.PDFName(internal)], indirect=True
            )
            doc.Reference(font, internal)  # type: ignore[no-untyped-call]
            fonts[internal] = font
        del self.state[doc]


def _subset(
    font: EmbeddedFont, number: int, chars: tuple[int, ...], doc: pdfdoc.PDFDocument
) -> _Subset:
    key = (font.fontName, number, bool(doc.compression), chars)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    face = font.face
    base_name = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
    cmap = pdfdoc.PDFStream(content=makeToUnicodeCMap(base_name, list(chars)))
    content = face.makeSubset(list(chars))
    font_file = pdfdoc.PDFStream(content=content)
    font_file.dictionary["Length1"] = len(content)
    if doc.compression:
        cmap.filters = font_file.filters = [pdfdoc.PDFZCompress]
    # The objects ReportLab's TTFont.addObjects makes, with slots for what each PDF gives.
    dictionary = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("TrueType"),
            "BaseFont": pdfdoc.PDFName(base_name),
            "Name": Slot(2),
            "FirstChar": 0,
            "LastChar": len(chars) - 1,
            "Widths": pdfdoc.PDFArray([face.charWidths.get(c, face.defaultWidth) for c in chars]),
            "ToUnicode": Slot(1),
            "FontDescriptor": Slot(0),
        }
    )
    descriptor = pdfdoc.PDFDictionary(
        {
            "Type": "/FontDescriptor",
            "Ascent": face.ascent,
            "CapHeight": face.capHeight,
            "Descent": face.descent,
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(base_name),
            "ItalicAngle": face.italicAngle,
            "StemV": face.stemV,
            "FontFile2": Slot(0),
            "MissingWidth": face.defaultWidth,
        }
    )
    made = _Subset(
        base_name,
        Pattern.of(dictionary, doc),
        Pattern.of(descriptor, doc),
        cmap.format(doc),
        font_file.format(doc),
    )
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHED_SUBSETS:
            _cache.popitem(last=False)
    return made
