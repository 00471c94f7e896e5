"""Text made ready for ReportLab, which draws each character's glyph as it comes.

ReportLab does no font fallback, no Arabic shaping and no right-to-left ordering, and it
draws a character its font lacks as an empty box without a word. So before anything is
drawn, every paragraph's text is

1. cleaned: composed to NFC (a name typed with combining accents is drawn with the
   precomposed letters the fonts have); control characters become spaces; invisible format
   characters (including the bidi overrides that could show a name reversed) are dropped;
2. shaped: Arabic letters take their joined forms (arabic-reshaper), and right-to-left runs
   are put in display order (python-bidi, the Unicode bidi algorithm);
3. split into runs by font: characters the paragraph's family lacks are wrapped in a
   ``<font>`` of the first fallback family that has them, and a character that no shipped
   font has fails the certificate with a :class:`CertificateError` naming it.

Results are cached: a class of 500 certificates shares most of its wording. The shaping
works on each line as a whole, so it is exact for what never wraps (names,
titles); a right-to-left run inside wording that wraps across two lines keeps its own order
on each line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from xml.sax.saxutils import escape

import arabic_reshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from reportlab.pdfbase import pdfmetrics

from trainer.certificates import typefaces
from trainer.certificates.errors import CertificateError

_MARKUP = re.compile(r"(<[^>]*>)|([^<]+)")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ and ZWJ: they steer Arabic joining
_STRONG_RTL = frozenset(("R", "AL"))
_ASCII_CONTROLS = {code: " " for code in (*range(32), 127)}  # category Cc, as in _clean


@dataclass(frozen=True)
class Run:
    """Characters in display order, all drawn with one family."""

    family: str
    text: str


@lru_cache(maxsize=4096)
def paragraph(markup: str, family: str, what: str) -> str:
    """Paragraph markup (tags from the template, text already escaped) ready to draw in
    ``family``. ``what`` names the text in an error: "the learner's name"."""
    pieces = [(tag, text) for tag, text in _MARKUP.findall(markup)]
    texts = [_clean(html.unescape(text)) for _, text in pieces if text]
    rtl = _base_rtl("".join(texts))
    out: list[str] = []
    for tag, text in pieces:
        if tag:
            out.append(tag)
            continue
        for run in _runs(_clean(html.unescape(text)), family, rtl, what):
            if run.family == family:
                out.append(escape(run.text))
            else:
                out.append(f'<font name="{run.family}">{escape(run.text)}</font>')
    return "".join(out)


@lru_cache(maxsize=4096)
def plain(text: str, family: str, what: str) -> str:
    """Learner or course text (never markup) as paragraph markup: it draws literally."""
    return paragraph(escape(text), family, what)


@lru_cache(maxsize=4096)
def runs(text: str, family: str, what: str) -> tuple[Run, ...]:
    """Plain text as font runs in display order, for drawing straight on the canvas."""
    cleaned = _clean(text)
    return tuple(_runs(cleaned, family, _base_rtl(cleaned), what))


def width(found: Sequence[Run], size: float, *, bold: bool) -> float:
    """The width in points of ``found`` drawn at ``size``."""
    return sum(
        pdfmetrics.stringWidth(run.text, typefaces.face_of(run.family, bold), size) for run in found
    )


def _clean(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # no control or format character at all: the common case
        return text
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category != "Cf" or char in _JOINERS:
            kept.append(char)
    return "".join(kept)


def _base_rtl(text: str) -> bool:
    """Whether the first strongly directional character reads right to left (the Unicode
    rule for a paragraph's direction)."""
    if text.isascii():
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in _STRONG_RTL:
            return True
    return False


def _runs(text: str, family: str, rtl: bool, what: str) -> list[Run]:
    if text.isascii() and typefaces.covers_ascii(family):
        return [Run(family, text)] if text else []
    others = {c for c in text if not c.isascii()}
    if typefaces.covers_ascii(family) and all(
        typefaces.family_for(c, family) is typefaces.family_of(family)
        and unicodedata.bidirectional(c) not in _STRONG_RTL
        for c in others
    ):
        return [Run(family, text)]  # a few accents or a middle dot, all in the family
    if any(unicodedata.bidirectional(c) in _STRONG_RTL for c in others):
        text = get_display(_reshaper().reshape(text), base_dir="R" if rtl else "L")
        text = "".join(c for c in text if c not in _JOINERS)
    found: list[Run] = []
    current: typefaces.Family | None = None
    start = 0
    for index, char in enumerate(text):
        if char.isspace() and current is not None:
            continue  # a space stays in the run around it
        chosen = typefaces.family_for(char, family)
        if chosen is None:
            raise CertificateError(_missing(char, what))
        if chosen is not current:
            if current is not None:
                found.append(Run(current.name, text[start:index]))
            current, start = chosen, index
    if text:
        found.append(Run(current.name if current is not None else family, text[start:]))
    return found


def _missing(char: str, what: str) -> str:
    name = unicodedata.name(char, "")
    shown = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    return (
        f"{what} holds the character {char!r} ({shown}), which none of the fonts shipped with "
        "trainer can draw: the certificate would show an empty box in its place"
    )


@cache
def _reshaper() -> arabic_reshaper.ArabicReshaper:
    """Arabic shaping limited to the ligatures DejaVu Sans has glyphs for (it has lam-alef,
    not the word ligatures such as U+FDF2), so shaping never produces a character that
    would then have no glyph."""
    configuration: dict[str, bool] = {}
    for key, (_match, forms) in LIGATURES:
        configuration[key] = all(typefaces.covers(typefaces.SANS, form) for form in forms if form)
    return arabic_reshaper.ArabicReshaper(configuration=configuration)
