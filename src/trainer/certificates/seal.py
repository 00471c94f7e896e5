"""The round seal: a serrated disc in the accent colour, two white rings, a star at its
centre and the seal wording around its ring.

Its shapes and where each letter of its wording goes depend only on its size, colour and
wording, which a whole class of certificates shares: they are worked out once and written
from memory, and only the letters' codes (which belong to each PDF's fonts) are looked up
anew.
"""

from __future__ import annotations

import html
import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates import richtext, typefaces, typeset
from trainer.certificates.written import Written

_NAME = "TrainerSeal"
_POINTS = 48  # teeth of the serrated edge
_TEXT_SIZE = 7.0
_BEZIER = 0.5522847498  # a quarter circle's control points, as a fraction of the radius


@dataclass(frozen=True)
class _Glyph:
    face: str
    char: str
    size: float
    place: str
    """The text matrix that sets the letter on the ring, as a PDF operator."""


@dataclass(frozen=True)
class Seal:
    """The seal as a block (see :mod:`blocks`): ``wording`` is its rendered wording."""

    wording: str
    colour: Color
    radius: float
    space_before: float = 0.0
    space_after: float = 0.0
    align: Literal["left", "center"] = "center"

    def wrap(self, width: float) -> tuple[float, float]:
        side = 2 * self.radius + 4
        return side, side

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        document = canvas._doc  # type: ignore[attr-defined]
        name = document.getXObjectName(_NAME)
        shapes = _shapes(self.radius, self.colour.hexval())
        document.Reference(Written(shapes, indirect=True), name)
        # ReportLab lists on the page the XObjects it drew itself; this one is ours.
        canvas._formsinuse.append(_NAME)  # type: ignore[attr-defined]
        centre = fp_str(x + self.radius + 2, y + self.radius + 2)
        ops = ["q", f"1 0 0 1 {centre} cm", f"/{name} Do"]
        ring = _ring(text_of(self.wording), self.radius)
        if ring.glyphs:
            ops.append(ring.letters(canvas))
        ops.append("Q")
        canvas.addLiteral("\n".join(ops))


class _Ring:
    """The wording's letters set around the ring, and the PDF text object that draws them
    in white for each way a PDF may code them: the printable ASCII letters always have the
    same codes (fonts.py), so only the names of the fonts and the codes of other letters
    (a middle dot, an accent) can differ from one certificate to the next."""

    def __init__(self, glyphs: tuple[_Glyph, ...]) -> None:
        self.glyphs = glyphs
        self.faces = tuple(dict.fromkeys(g.face for g in glyphs))
        self.others = tuple(
            dict.fromkeys(
                (g.face, g.char) for g in glyphs if not (g.char.isascii() and g.char.isprintable())
            )
        )
        self._written: dict[tuple[object, ...], str] = {}

    def letters(self, canvas: Canvas) -> str:
        document = canvas._doc  # type: ignore[attr-defined]
        key = (
            tuple(
                richtext.shipped_font(face).getSubsetInternalName(0, document)
                for face in self.faces
            ),
            tuple(
                tuple(richtext.shipped_font(face).encoded(char, document))
                for face, char in self.others
            ),
        )
        found = self._written.get(key)
        if found is None:
            found = self._written[key] = self._text_object(document)
        return found

    def _text_object(self, document: PDFDocument) -> str:
        ops = ["BT", "1 1 1 rg"]
        face: tuple[str, float] | None = None
        for glyph in self.glyphs:
            for name, data in richtext.shipped_font(glyph.face).encoded(glyph.char, document):
                if (name, glyph.size) != face:
                    face = (name, glyph.size)
                    ops.append(f"{name} {fp_str(glyph.size)} Tf")
                ops.append(glyph.place)
                ops.append(f"({escapePDF(data)}) Tj")
        ops.append("ET")
        return "\n".join(ops)


def text_of(markup: str) -> str:
    """The text of rendered wording, without tags or entities (the seal draws characters,
    not paragraphs)."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup)).strip()


@lru_cache(maxsize=32)
def _shapes(r: float, colour: str) -> bytes:
    """The disc, rings and star around (0, 0), as a form XObject compressed once: the
    same in every certificate of a class, and a quarter of a page's drawing."""
    cx = cy = 0.0
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (2, 4, 6))
    teeth = []
    for index in range(_POINTS * 2):
        angle = math.pi * index / _POINTS
        reach = r if index % 2 == 0 else r * 0.94
        teeth.append(
            f"{fp_str(cx + reach * math.cos(angle), cy + reach * math.sin(angle))} "
            + ("m" if index == 0 else "l")
        )
    star = []
    for index in range(10):
        angle = math.pi / 2 + math.pi * index / 5
        reach = r * 0.36 if index % 2 == 0 else r * 0.15
        star.append(
            f"{fp_str(cx + reach * math.cos(angle), cy + reach * math.sin(angle))} "
            + ("m" if index == 0 else "l")
        )
    ops = "\n".join(
        [
            f"{fp_str(red, green, blue)} rg",
            *teeth,
            "h f",
            "1 1 1 RG .8 w",
            _circle(cx, cy, r * 0.86),
            "S",
            _circle(cx, cy, r * 0.58),
            "S",
            "1 1 1 rg",
            *star,
            "h f",
        ]
    )
    data = zlib.compress(ops.encode("ascii"), 9)
    head = (
        f"<< /Type /XObject /Subtype /Form /BBox [ {fp_str(-r, -r, r, r)} ] "
        f"/Resources << >> /Filter /FlateDecode /Length {len(data)} >>"
    )
    return head.encode("ascii") + b"\nstream\n" + data + b"\nendstream\n"


def _circle(cx: float, cy: float, r: float) -> str:
    k = r * _BEZIER
    return "\n".join(
        [
            f"{fp_str(cx + r, cy)} m",
            f"{fp_str(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c",
            f"{fp_str(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c",
            f"{fp_str(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c",
            f"{fp_str(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c",
            "h",
        ]
    )


@lru_cache(maxsize=32)
def _ring(text: str, r: float) -> _Ring:
    """Each letter of ``text`` set around the ring about (0, 0), centred on its top, read
    clockwise."""
    cx = cy = 0.0
    runs = typeset.runs(text, typefaces.SANS.name, "the seal") if text else ()
    chars = [(typefaces.face_of(run.family, True), char) for run in runs for char in run.text]
    if not chars:
        return _Ring(())
    reach = r * 0.72
    size = _TEXT_SIZE
    widths = [typeset.width([typeset.Run(_family(face), c)], size, bold=True) for face, c in chars]
    total = sum(widths) + size * 0.6 * 3
    room = 2 * math.pi * reach * 0.92
    if total > room:
        size *= room / total
        widths = [w * room / total for w in widths]
        total = room
    angle = math.pi / 2 + (total / reach) / 2
    glyphs = []
    for (face, char), advance in zip(chars, widths, strict=True):
        middle = angle - (advance / 2) / reach
        turn = middle - math.pi / 2
        cos, sin = math.cos(turn), math.sin(turn)
        # The letter is centred on its point of the ring, its baseline 0.35 em below it.
        dx, dy = -advance / 2, -size * 0.35
        x = cx + reach * math.cos(middle) + cos * dx - sin * dy
        y = cy + reach * math.sin(middle) + sin * dx + cos * dy
        glyphs.append(_Glyph(face, char, size, f"{fp_str(cos, sin, -sin, cos, x, y)} Tm"))
        angle -= advance / reach
    return _Ring(tuple(glyphs))


def _family(face: str) -> str:
    return next(f.name for f in typefaces.FAMILIES if face in (f.name, f.bold_name))
