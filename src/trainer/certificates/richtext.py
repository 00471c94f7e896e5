"""Paragraphs set and drawn straight on the canvas: the certificate's few lines of text.

A certificate has a dozen short paragraphs. ReportLab's ``Paragraph`` sets them well but
is built for documents (justification, hyphenation, splitting across frames), and setting
one costs a third of a millisecond: more than a whole minimal page. Here a paragraph is a
list of :class:`Span` (text in one :class:`Style`: face, size, colour, rise, underline),
broken greedily into lines at spaces, each line aligned left or centred. Wording markup
(``<b>``, ``<i>``, ``<u>``, ``<br/>``, ``<super>``, ``<sub>``, ``<font color size>``,
entities) means what it meant in a ``Paragraph``: the common kind (bold, italic, breaks,
font changes, escaped text) is read here, the same way; anything else by ReportLab's own
``ParaParser``. Like ``Paragraph``: runs of spaces draw as one, a line's first baseline is
its largest font size below its top, lines are ``leading`` apart, and a word wider than
the line is broken between characters.

A class's certificates share their wording, labels and signatory: :func:`markup` and
:func:`plain` are cached, and a :class:`Text` remembers its lines and, when they hold
nothing that differs from one PDF to the next, the operators that draw them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paraparser import ParaParser

from trainer.certificates import typefaces
from trainer.certificates.errors import CertificateError
from trainer.certificates.fontfiles import EmbeddedFont
from trainer.certificates.typeset import Run

Align = Literal["left", "center"]
_WORDS = re.compile(r"[^\S\xa0]+")  # breakable space: any white space but the no-break one
_FUZZ = 1e-6
_UNDERLINE_OFFSET, _UNDERLINE_WIDTH = -0.125, 1 / 20  # ReportLab's, in font sizes


class Style(NamedTuple):
    """How a span is drawn: ``rise`` lifts it (``<super>``), ``underline`` from ``<u>``."""

    font: str
    size: float
    colour: Color
    rise: float = 0.0
    underline: bool = False


class Span(NamedTuple):
    """Text drawn in one style, and its width."""

    text: str
    style: Style
    width: float


class Line(NamedTuple):
    """One line: its spans in drawing order (spaces included), their width, and the
    largest font size on it (its first baseline is this far below its top)."""

    spans: tuple[Span, ...]
    width: float
    size: float


class _Word(NamedTuple):
    spans: tuple[Span, ...]
    width: float


class _Break:
    """A ``<br/>``."""


_BREAK = _Break()
_Item = _Word | Span | _Break  # a word, a space (a Span), or a line break


_Piece = tuple[str, Style] | _Break


@dataclass(frozen=True)
class Text:
    """A paragraph ready to break into lines: its text in styles, and how it is set."""

    pieces: tuple[_Piece, ...]
    leading: float
    align: Align = "center"
    space_before: float = 0.0
    space_after: float = 0.0
    _memo: _Memo = field(
        default_factory=lambda: _Memo(), init=False, repr=False, compare=False, hash=False
    )

    def lines(self, width: float) -> tuple[Line, ...]:
        """The paragraph broken into lines at most ``width`` wide."""
        memo = self._memo
        found = memo.lines.get(width)
        if found is None:
            if memo.line is _UNKNOWN:
                memo.line = _one_line(self.pieces)
            line = memo.line
            if isinstance(line, Line) and line.width <= width + _FUZZ:
                found = (line,)  # most paragraphs are a single line: no words to weigh
            else:
                found = _lines(_items(self.pieces), width)
            memo.lines[width] = found
        return found

    def fixed_faces(self) -> tuple[str, ...] | None:
        """The faces of a paragraph whose every character has a code fixed in advance
        (printable ASCII, in fonts with ASCII-readable subsets) and no underline, whose
        drawing depends on nothing but where it goes and the PDF's names for its fonts;
        None for any other."""
        memo = self._memo
        if memo.faces is _UNKNOWN:
            memo.faces = _fixed_faces(self.pieces)
        return memo.faces  # type: ignore[return-value]


_UNKNOWN = object()


class _Memo:
    """What a :class:`Text` has worked out: its lines for each width (and its one line,
    when it has no break) and, when its codes are fixed, the operators that draw it for
    each place and set of font names. A class's certificates share their wording's Text
    objects (the functions below are cached), so most wording is set and written once per
    class."""

    __slots__ = ("drawn", "faces", "line", "lines")

    def __init__(self) -> None:
        self.lines: dict[float, tuple[Line, ...]] = {}
        self.line: object = _UNKNOWN
        self.drawn: dict[tuple[float, float, float, tuple[str, ...]], str] = {}
        self.faces: object = _UNKNOWN


def _fixed_faces(pieces: Sequence[_Piece]) -> tuple[str, ...] | None:
    faces: dict[str, None] = {}
    for piece in pieces:
        if isinstance(piece, _Break):
            continue
        text, style = piece
        fixed = text.isascii() and text.isprintable() and not style.underline
        if not fixed or not shipped_font(style.font).ascii_readable:
            return None
        faces[style.font] = None
    return tuple(faces)


def _one_line(pieces: Sequence[_Piece]) -> Line | None:
    """The paragraph on one line, however wide: the words and spaces :func:`_lines`
    would put on a line wide enough for all of them (None when it has a break or no
    word, which :func:`_lines` sets)."""
    spans: list[tuple[str, Style]] = []
    space: Style | None = None  # white space seen since the last word, in this style
    for piece in pieces:
        if isinstance(piece, _Break):
            return None
        text, style = piece
        for index, part in enumerate(_WORDS.split(text)):
            if index:
                space = style
            if part:
                if space is not None and spans:
                    _add(spans, " ", space)
                space = None
                _add(spans, part, style)
    if not spans:
        return None
    merged = tuple(
        Span(text, style, shipped_font(style.font).stringWidth(text, style.size))
        for text, style in spans
    )
    return Line(
        merged, sum(s.width for s in merged), max((s.style.size for s in merged), default=0.0)
    )


def _add(spans: list[tuple[str, Style]], text: str, style: Style) -> None:
    if spans and spans[-1][1] is style:
        spans[-1] = (spans[-1][0] + text, style)
    else:
        spans.append((text, style))


@lru_cache(maxsize=128)
def markup(
    text: str,
    font: str,
    size: float,
    colour: Color,
    *,
    leading: float | None = None,
    align: Align = "center",
    space_before: float = 0.0,
    space_after: float = 0.0,
) -> Text:
    """A paragraph of ReportLab paragraph markup (from :func:`typeset.paragraph`).
    Cached: a class's certificates share most of their wording."""
    return Text(
        _parsed(text, font, size, colour),
        size * 1.25 if leading is None else leading,
        align,
        space_before,
        space_after,
    )


@lru_cache(maxsize=256)
def plain(
    runs: tuple[Run, ...],
    size: float,
    colour: Color,
    *,
    bold: bool,
    leading: float | None = None,
    align: Align = "center",
    space_before: float = 0.0,
    space_after: float = 0.0,
) -> Text:
    """A paragraph of plain text already split into font runs (:func:`typeset.runs`).
    Cached: a class's certificates share their labels, dates and signatory."""
    pieces = tuple((r.text, Style(typefaces.face_of(r.family, bold), size, colour)) for r in runs)
    return Text(
        pieces,
        size * 1.25 if leading is None else leading,
        align,
        space_before,
        space_after,
    )


def draw(
    canvas: Canvas, lines: Sequence[Line], x: float, top: float, width: float, text: Text
) -> None:
    """Draw ``lines`` (of ``text``, broken at ``width``) with their first line's top at
    ``top``, from ``x``."""
    if not lines:
        return
    document = canvas._doc  # type: ignore[attr-defined]
    faces = text.fixed_faces()
    if faces is not None:
        names = tuple(shipped_font(face).getSubsetInternalName(0, document) for face in faces)
        key = (width, x, top, names)
        drawn = text._memo.drawn.get(key)
        if drawn is None:
            drawn = text._memo.drawn[key] = _operators(lines, x, width, top, text, document)
        canvas.addLiteral(drawn)
        return
    canvas.addLiteral(_operators(lines, x, width, top, text, document))
    for start, end, baseline, style in _underlines(lines, x, width, top, text):
        canvas.saveState()
        canvas.setStrokeColor(style.colour)
        canvas.setLineWidth(style.size * _UNDERLINE_WIDTH)
        level = baseline + style.rise + style.size * _UNDERLINE_OFFSET
        canvas.line(start, level, end, level)
        canvas.restoreState()


def _operators(
    lines: Sequence[Line], x: float, width: float, top: float, text: Text, document: Any
) -> str:
    """The PDF operators that draw ``lines``. (Written here rather than through
    ReportLab's text object, which re-measures and re-encodes every string it is given.)"""
    ops = ["q", "BT"]
    face: tuple[str, float] | None = None
    colour: Color | None = None
    rise = 0.0
    y = top - lines[0].size
    centred = text.align == "center"
    for line in lines:
        left = x + (width - line.width) / 2 if centred else x
        ops.append(f"1 0 0 1 {fp_str(left, y)} Tm")
        for span in line.spans:
            style = span.style
            if style.colour is not colour:
                colour = style.colour
                ops.append(_fill(colour))
            if style.rise != rise:
                rise = style.rise
                ops.append(f"{fp_str(rise)} Ts")
            for name, data in shipped_font(style.font).encoded(span.text, document):
                if (name, style.size) != face:
                    face = (name, style.size)
                    ops.append(f"{name} {fp_str(style.size)} Tf")
                ops.append(f"({escapePDF(data)}) Tj")
        y -= text.leading
    ops += ["ET", "Q"]
    return "\n".join(ops)


def _underlines(
    lines: Sequence[Line], x: float, width: float, top: float, text: Text
) -> list[tuple[float, float, float, Style]]:
    """(start, end, baseline, style) of each underlined span."""
    found: list[tuple[float, float, float, Style]] = []
    y = top - lines[0].size
    for line in lines:
        at = x + (width - line.width) / 2 if text.align == "center" else x
        for span in line.spans:
            if span.style.underline:
                found.append((at, at + span.width, y, span.style))
            at += span.width
        y -= text.leading
    return found


@lru_cache(maxsize=64)
def _fill(colour: Color) -> str:
    return f"{fp_str(*colour.rgb())} rg"


@lru_cache(maxsize=64)
def shipped_font(face: str) -> EmbeddedFont:
    """The registered font of ``face`` (a shipped TrueType face)."""
    font = pdfmetrics.getFont(face)
    if not isinstance(font, EmbeddedFont):  # pragma: no cover - spans name shipped faces
        raise CertificateError(f"the font {face} is not one shipped with trainer")
    return font


# --- reading ------------------------------------------------------------------------


def _parsed(text: str, font: str, size: float, colour: Color) -> tuple[_Piece, ...]:
    pieces = _simple(text, font, size, colour)
    return tuple(pieces if pieces is not None else _paraparsed(text, font, size, colour))


def _paraparsed(
    text: str, font: str, size: float, colour: Color
) -> list[tuple[str, Style] | _Break]:
    """The markup read by ReportLab's parser, as Paragraph reads it."""
    paragraph = ParagraphStyle("text", fontName=font, fontSize=size, textColor=colour)
    _, frags, _ = ParaParser().parse(text, paragraph)  # type: ignore[no-untyped-call]
    pieces: list[tuple[str, Style] | _Break] = []
    styles: dict[Style, Style] = {}  # one object per style: spans compare by identity
    for frag in frags:
        if getattr(frag, "lineBreak", False):
            pieces.append(_BREAK)
        if frag.text:
            style = Style(
                frag.fontName, frag.fontSize, frag.textColor, frag.rise, bool(frag.us_lines)
            )
            pieces.append((frag.text, styles.setdefault(style, style)))
    return pieces


_SIMPLE_TAG = re.compile(r"<(/?)(b|strong|i|em|br|font)(?:\s+name=\"([^\"<>&]+)\")?\s*(/?)>")
_TAG_OR_ENTITY = re.compile(r"<|&(?!(?:amp|lt|gt|quot|#34|#39|#x27);)")
_ENTITIES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#34;": '"',
    "&#39;": "'",
    "&#x27;": "'",
}
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#34|#39|#x27);")


_Open = tuple[str, Literal[0, 1], Literal[0, 1], str]
"""An open tag's font family, bold and italic (as ReportLab's font mappings say them),
and its name."""


def _simple(
    text: str, font: str, size: float, colour: Color
) -> list[tuple[str, Style] | _Break] | None:
    """The markup read without ReportLab's parser, when it holds nothing but bold, italic,
    line breaks, the font changes typeset.py writes and the entities escaping writes
    (which is what the wording of a certificate almost always holds); None otherwise. It
    means what ParaParser makes of it: bold and italic pick the face through ReportLab's
    font mappings, and a font change takes the named face as it is."""
    pieces: list[tuple[str, Style] | _Break] = []
    stack: list[_Open] = [(*ps2tt(font), "")]
    styles: dict[str, Style] = {}
    at = 0
    for tag in _SIMPLE_TAG.finditer(text):
        if not _plain_text(text, at, tag.start(), pieces, stack, styles, size, colour):
            return None
        closing, name, face, empty = tag.groups()
        at = tag.end()
        if name == "br":
            if closing or face:
                return None
            pieces.append(_BREAK)
        elif closing:
            if empty or face or len(stack) == 1 or stack[-1][3] != name:
                return None
            stack.pop()
        elif empty or (face is None) == (name == "font"):
            return None
        elif name == "font":
            stack.append((*ps2tt(face), name))
        else:
            family, bold, italic, _ = stack[-1]
            if name in ("b", "strong"):
                bold = 1
            else:
                italic = 1
            stack.append((family, bold, italic, name))
    ok = _plain_text(text, at, len(text), pieces, stack, styles, size, colour)
    return pieces if ok and len(stack) == 1 else None


def _plain_text(
    text: str,
    start: int,
    end: int,
    pieces: list[tuple[str, Style] | _Break],
    stack: list[_Open],
    styles: dict[str, Style],
    size: float,
    colour: Color,
) -> bool:
    """Add ``text[start:end]`` in the style on top of ``stack``; False when it holds a
    tag or an entity the simple reading does not know."""
    if start == end:
        return True
    if _TAG_OR_ENTITY.search(text, start, end):
        return False
    chunk = _ENTITY.sub(lambda m: _ENTITIES[m.group()], text[start:end])
    family, bold, italic, _ = stack[-1]
    face = tt2ps(family, bold, italic)
    style = styles.get(face)
    if style is None:
        style = styles[face] = Style(face, size, colour)
    pieces.append((chunk, style))
    return True


def _items(pieces: Sequence[tuple[str, Style] | _Break]) -> tuple[_Item, ...]:
    """Words (which may change style inside, as in ``<b>Sworn</b>,``), spaces and breaks.
    (Plain tuples and bound methods here: a paragraph has dozens of words, and this runs
    for every certificate's own text.)"""
    items: list[_Item] = []
    word: list[Span] = []
    for piece in pieces:
        if isinstance(piece, _Break):
            if word:
                items.append(_word(word))
                word = []
            items.append(piece)
            continue
        text, style = piece
        measure = shipped_font(style.font).stringWidth
        size = style.size
        space: Span | None = None
        for index, part in enumerate(_WORDS.split(text)):
            if index:  # white space stood between this part and the one before
                if word:
                    items.append(_word(word))
                    word = []
                if space is None:
                    space = Span(" ", style, measure(" ", size))
                items.append(space)
            if part:
                word.append(Span(part, style, measure(part, size)))
    if word:
        items.append(_word(word))
    return tuple(items)


def _word(spans: list[Span]) -> _Word:
    if len(spans) == 1:
        return _Word((spans[0],), spans[0].width)
    return _Word(tuple(spans), sum(s.width for s in spans))


# --- breaking -----------------------------------------------------------------------


def _lines(items: Sequence[_Item], width: float) -> tuple[Line, ...]:
    lines: list[Line] = []
    spans: list[Span] = []
    used = 0.0
    space: Span | None = None

    def end_line() -> None:
        nonlocal used
        merged = _merged(spans)
        lines.append(Line(merged, used, max((s.style.size for s in merged), default=0.0)))
        spans.clear()
        used = 0.0

    for item in items:
        if isinstance(item, _Break):
            end_line()
            space = None
        elif isinstance(item, Span):
            space = item if spans else None
        else:
            gap = space.width if space is not None else 0.0
            if spans and used + gap + item.width > width + _FUZZ:
                end_line()
                gap, space = 0.0, None
            if space is not None:
                spans.append(space)
                used += gap
            space = None
            if not spans and item.width > width + _FUZZ:
                for piece in _split_word(item, width):
                    if spans:
                        end_line()
                    spans.extend(piece.spans)
                    used = piece.width
                continue
            spans.extend(item.spans)
            used += item.width
    if spans or (items and not lines):
        end_line()
    return tuple(lines)


def _split_word(word: _Word, width: float) -> list[_Word]:
    """A word too wide for the line, in pieces that fit (at least a character each)."""
    pieces: list[_Word] = []
    current: list[Span] = []
    used = 0.0
    for span in word.spans:
        style = span.style
        measure = shipped_font(style.font).stringWidth
        for char in span.text:
            advance = measure(char, style.size)
            if current and used + advance > width + _FUZZ:
                pieces.append(_Word(tuple(current), used))
                current, used = [], 0.0
            current.append(Span(char, style, advance))
            used += advance
    if current:
        pieces.append(_Word(tuple(current), used))
    return pieces


def _merged(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Neighbouring spans of one style joined: fewer, longer strings to draw."""
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].style is span.style:
            last = merged[-1]
            merged[-1] = Span(last.text + span.text, span.style, last.width + span.width)
        else:
            merged.append(span)
    return tuple(merged)
