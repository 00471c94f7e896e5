"""The fonts a certificate is drawn with, and which of them can draw a character.

The TTF files ship in ``fonts/`` beside this module (see its README for their sources and
licences). They are registered with ReportLab once per process: parsing them is the
slowest step of a first certificate, and a class of 500 should pay it once.

A paragraph names a *family* (DejaVu Serif for wording, DejaVu Sans for labels); characters
its family lacks are drawn with the next family of its fallback chain that has them, so an
Arabic name falls back to DejaVu Sans and a Chinese one to Droid Sans Fallback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from trainer.certificates.fontfiles import EmbeddedFont

FONT_DIR = Path(__file__).with_name("fonts")


@dataclass(frozen=True)
class Family:
    """A regular face and, where one ships, its bold. ``name`` is the regular face's
    ReportLab name, which is also what paragraph markup calls the family."""

    name: str
    regular: str
    bold: str | None

    @property
    def bold_name(self) -> str:
        return f"{self.name}-Bold" if self.bold else self.name


SERIF = Family("DejaVuSerif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")
SANS = Family("DejaVuSans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
CJK = Family("DroidSansFallback", "DroidSansFallback.ttf", None)
FAMILIES = (SERIF, SANS, CJK)

FALLBACK: dict[str, tuple[Family, ...]] = {
    SERIF.name: (SERIF, SANS, CJK),
    SANS.name: (SANS, CJK),
    CJK.name: (CJK, SANS),
}
"""For each family a paragraph may be set in, the families tried for each character."""

_lock = threading.Lock()
_registered = threading.Event()


def register() -> None:
    """Register every shipped face with ReportLab, once per process."""
    if _registered.is_set():
        return
    with _lock:
        if _registered.is_set():
            return
        for family in FAMILIES:
            pdfmetrics.registerFont(EmbeddedFont(family.name, str(FONT_DIR / family.regular)))
            if family.bold:
                pdfmetrics.registerFont(EmbeddedFont(family.bold_name, str(FONT_DIR / family.bold)))
            # <b> and <i> in wording pick faces through these; no italic ships, so italic
            # falls back to the upright face rather than failing the certificate.
            for bold in (0, 1):
                for italic in (0, 1):
                    face = family.bold_name if bold else family.name
                    addMapping(family.name, bold, italic, face)
        _registered.set()


@cache
def _glyphs(face: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(face)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)


def covers(family: Family, char: str) -> bool:
    """Whether both faces of ``family`` have a glyph for ``char``: a run keeps its font
    whether or not the wording sets it in bold."""
    code = ord(char)
    if code not in _glyphs(family.name):
        return False
    return family.bold is None or code in _glyphs(family.bold_name)


@cache
def family_for(char: str, base: str) -> Family | None:
    """The first family of ``base``'s fallback chain that can draw ``char``, or None."""
    for family in FALLBACK[base]:
        if covers(family, char):
            return family
    return None


@cache
def family_of(name: str) -> Family:
    """The family whose regular face's ReportLab name is ``name``."""
    return next(f for f in FAMILIES if f.name == name)


@cache
def covers_ascii(family: str) -> bool:
    """Whether ``family`` draws every printable ASCII character itself (the common case,
    which then needs no look-up character by character)."""
    return all(covers(family_of(family), chr(code)) for code in range(32, 127))


@cache
def face_of(family: str, bold: bool) -> str:
    """The ReportLab face name for a family in bold or regular."""
    found = family_of(family)
    return found.bold_name if bold else found.name
