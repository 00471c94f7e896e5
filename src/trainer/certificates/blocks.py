"""The page's regions filled with blocks, as Platypus fills frames with flowables.

A region is a box on the page; its blocks (paragraphs, rules, gaps, grids, the seal) are
stacked from its top, the space between two blocks being the larger of the first's space
after and the second's space before. Content taller than its box is shrunk, whole, until it
fits (so no wording, however long, spills off the page). A :class:`Grid` sets cells as a
Platypus table does: padded, each cell's blocks one under the other. Drawing straight on
the canvas this way, rather than through Platypus's document, frames and tables, is what
lets a class of 500 certificates be set in a second or two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates import richtext

Align = Literal["left", "center"]
_FUZZ = 1e-6


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


class Block(Protocol):
    """Something drawn in a region: it says its size for a width, then draws itself."""

    @property
    def space_before(self) -> float: ...

    @property
    def space_after(self) -> float: ...

    @property
    def align(self) -> Align:
        """Where it sits across a region wider than it."""
        ...

    def wrap(self, width: float) -> tuple[float, float]:
        """Its width and height when given ``width``."""
        ...

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        """Draw with the lower left corner at (x, y), as last wrapped."""
        ...


@dataclass
class Para:
    """A paragraph of :mod:`richtext`, ``indent`` in from both sides."""

    text: richtext.Text
    indent: float = 0.0
    align: Align = "center"
    _lines: tuple[richtext.Line, ...] = field(default=(), init=False)
    _width: float = field(default=0.0, init=False)

    @property
    def space_before(self) -> float:
        return self.text.space_before

    @property
    def space_after(self) -> float:
        return self.text.space_after

    def wrap(self, width: float) -> tuple[float, float]:
        self._width = width
        self._lines = self.text.lines(max(width - 2 * self.indent, 1.0))
        return width, len(self._lines) * self.text.leading

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        top = y + len(self._lines) * self.text.leading
        inner = self._width - 2 * self.indent
        richtext.draw(canvas, self._lines, x + self.indent, top, inner, self.text)


@dataclass
class Rule:
    """A horizontal line, ``fraction`` of the width, with round ends."""

    fraction: float
    thickness: float
    colour: Color
    space_before: float = 0.0
    space_after: float = 0.0
    align: Align = "center"
    _width: float = field(default=0.0, init=False)

    def wrap(self, width: float) -> tuple[float, float]:
        self._width = width * self.fraction
        return self._width, self.thickness

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        canvas.addLiteral(
            f"q {_stroke(self.colour)} {fp_str(self.thickness)} w 1 J "
            f"{fp_str(x, y)} m {fp_str(x + self._width, y)} l S Q"
        )


@dataclass(frozen=True)
class Gap:
    """Empty space."""

    height: float
    space_before: float = 0.0
    space_after: float = 0.0
    align: Align = "left"

    def wrap(self, width: float) -> tuple[float, float]:
        return 1.0, self.height

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        return None


@dataclass
class Grid:
    """Rows of cells, each cell a list of blocks one under the other (their spaces added,
    as in a Platypus table). ``columns`` are fractions of the width; ``padding`` is (top,
    bottom, left, right) in every cell; ``rule`` draws a line of that width and colour
    before every column but the first."""

    rows: Sequence[Sequence[Sequence[Block]]]
    columns: Sequence[float]
    padding: tuple[float, float, float, float]
    valign: Literal["top", "bottom"]
    cell_align: Sequence[Align]
    rule: tuple[float, Color] | None = None
    space_before: float = 0.0
    space_after: float = 0.0
    align: Align = "left"
    _widths: list[float] = field(default_factory=list, init=False)
    _heights: list[float] = field(default_factory=list, init=False)
    _sizes: dict[tuple[int, int], list[tuple[float, float]]] = field(
        default_factory=dict, init=False
    )

    def wrap(self, width: float) -> tuple[float, float]:
        top, bottom, left, right = self.padding
        self._widths = [width * fraction for fraction in self.columns]
        self._heights = []
        for r, row in enumerate(self.rows):
            tallest = 0.0
            for c, cell in enumerate(row):
                sizes = [block.wrap(self._widths[c] - left - right) for block in cell]
                self._sizes[r, c] = sizes
                tallest = max(tallest, _cell_height(cell, sizes))
            self._heights.append(tallest + top + bottom)
        return width, sum(self._heights)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        top_pad, bottom_pad, left, right = self.padding
        row_top = y + sum(self._heights)
        for r, row in enumerate(self.rows):
            row_bottom = row_top - self._heights[r]
            column = x
            for c, cell in enumerate(row):
                sizes = self._sizes[r, c]
                width = self._widths[c]
                if cell:
                    if self.valign == "top":
                        at = row_top - top_pad
                    else:
                        at = row_bottom + bottom_pad + _cell_height(cell, sizes)
                    at += cell[0].space_before
                    for block, (w, h) in zip(cell, sizes, strict=True):
                        if self.cell_align[c] == "left":
                            across = column + left
                        else:
                            across = column + (width + left - right - w) / 2
                        at -= block.space_before + h
                        block.draw(canvas, across, at)
                        at -= block.space_after
                column += width
            row_top = row_bottom
        if self.rule is not None:
            thickness, colour = self.rule
            ops = [f"q {_stroke(colour)} {fp_str(thickness)} w"]
            column = x
            top = y + sum(self._heights)
            for width in self._widths[:-1]:
                column += width
                ops.append(f"{fp_str(column, y)} m {fp_str(column, top)} l S")
            ops.append("Q")
            canvas.addLiteral(" ".join(ops))


def _cell_height(cell: Sequence[Block], sizes: Sequence[tuple[float, float]]) -> float:
    if not cell:
        return 0.0
    total = sum(h + b.space_before + b.space_after for b, (_, h) in zip(cell, sizes, strict=True))
    return total - cell[0].space_before - cell[-1].space_after


def fill(canvas: Canvas, box: Box, blocks: Sequence[Block]) -> None:
    """Draw ``blocks`` stacked down from the top of ``box``, shrunk to fit when they
    would not."""
    scale = 1.0
    height, sizes = _stack(blocks, box.width)
    for _ in range(20):
        if height <= box.height * scale + _FUZZ:
            break
        # Shrinking by s gives the text s times the room across, so it may wrap into
        # fewer lines: set it again at each trial scale until it fits.
        scale = max(scale * 1.01, height / box.height)
        height, sizes = _stack(blocks, box.width * scale)
    # The region's origin at its top left corner, shrunk by ``scale`` (ReportLab's own
    # canvas calls would track a state this drawing never asks it for).
    shrink = 1 / scale
    canvas.addLiteral(f"q {fp_str(shrink, 0, 0, shrink, box.x, box.y + box.height)} cm")
    width = box.width * scale
    y = 0.0
    after: float | None = None
    for block, (w, h) in zip(blocks, sizes, strict=True):
        if after is not None:
            y -= max(after, block.space_before)
        y -= h
        block.draw(canvas, (width - w) / 2 if block.align == "center" else 0.0, y)
        after = block.space_after
    canvas.addLiteral("Q")


def _stack(blocks: Sequence[Block], width: float) -> tuple[float, list[tuple[float, float]]]:
    """The height of ``blocks`` stacked at ``width``, and the size of each."""
    height = 0.0
    sizes: list[tuple[float, float]] = []
    after: float | None = None
    for block in blocks:
        w, h = block.wrap(width)
        sizes.append((w, h))
        height += h if after is None else h + max(after, block.space_before)
        after = block.space_after
    return height, sizes


@lru_cache(maxsize=16)
def _stroke(colour: Color) -> str:
    return f"{fp_str(*colour.rgb())} RG"
