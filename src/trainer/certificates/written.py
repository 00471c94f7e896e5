"""PDF objects written once and copied into every PDF that needs them.

ReportLab writes a PDF by formatting its objects, a dictionary at a time, value by value;
for the objects that are the same in every certificate of a class (a font's dictionaries,
its widths, its file) that is a few hundred small steps per certificate for the same bytes.
A :class:`Written` object holds those bytes. Where an object refers to others, whose
numbers each PDF gives anew, its bytes are a :class:`Pattern`: the object formatted once
with numbered slots, which each PDF fills with its own references.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc

_SLOT = re.compile(rb"\x00(\d+)\x00")


class Slot(pdfdoc.PDFObject):
    """A placeholder in an object being formatted into a :class:`Pattern`."""

    def __init__(self, number: int) -> None:
        self.number = number

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return b"\x00%d\x00" % self.number


@dataclass(frozen=True)
class Pattern:
    """An object's bytes, split at its slots: ``pieces[0]``, slot ``slots[0]``,
    ``pieces[1]``, ..."""

    pieces: tuple[bytes, ...]
    slots: tuple[int, ...]

    @staticmethod
    def of(value: pdfdoc.PDFDictionary, document: pdfdoc.PDFDocument) -> Pattern:
        """``value`` (holding :class:`Slot` objects) formatted for ``document``."""
        split = _SLOT.split(value.format(document))
        return Pattern(tuple(split[0::2]), tuple(int(n) for n in split[1::2]))


class Written(pdfdoc.PDFObject):
    """A PDF object whose bytes are known: a :class:`Pattern` and what fills its slots
    (values ReportLab formats for the document: references, names), or plain bytes."""

    def __init__(
        self,
        data: bytes | Pattern,
        fills: Sequence[object] = (),
        *,
        indirect: bool,
    ) -> None:
        self.data = data
        self.fills = fills
        if indirect:
            self.__RefOnly__ = 1  # ReportLab's marker: an object of its own, never inline

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        if isinstance(self.data, bytes):
            return self.data
        out = [self.data.pieces[0]]
        for slot, piece in zip(self.data.slots, self.data.pieces[1:], strict=True):
            out.append(pdfdoc.format(self.fills[slot], document))
            out.append(piece)
        return b"".join(out)
