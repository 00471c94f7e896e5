"""A vertical scroll bar drawn line by line, as Textual's own draws it, without Rich.

Textual's :class:`~textual.scrollbar.ScrollBar` renders through Rich's console each time
its view moves: on the question screen, where the verdict scrolls into view, that was an
eighth of the frame that shows it (benchmarks/tui_feedback.py). This one asks Textual's
:class:`~textual.scrollbar.ScrollBarRender` for the same segments and hands them out as
lines, so the glyphs, colours and mouse actions are Textual's own.
"""

from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

_NO_COLOUR = Color.parse("#555555")
_NO_BAR = Color.parse("bright_magenta")


class LineScrollBar(ScrollBar):
    """A :class:`ScrollBar` whose vertical lines skip Rich's console; a horizontal one, or
    one the screen hides by a transparent colour, is drawn as Textual draws it."""

    _drawn: tuple[tuple[object, ...], list[Strip]] | None = None
    _lines: list[Strip] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lines = self._draw()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines
        if lines is None:
            return super().render_line(y)
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def _draw(self) -> list[Strip] | None:
        """The bar's lines as it stands (worked out once per frame, not once per line),
        or None where Textual's own drawing is used."""
        bar = self.render()
        width, height = self.size
        if not self.vertical or not isinstance(bar, ScrollBarRender) or not width:
            return None
        style = bar.style
        if isinstance(style, str):
            return None
        base = self.visual_style.rich_style  # beneath each segment, as Widget.post_render puts it
        key = (width, height, bar.virtual_size, bar.window_size, bar.position, style, base)
        if self._drawn is None or self._drawn[0] != key:
            segments = ScrollBarRender.render_bar(
                size=height,
                virtual_size=bar.virtual_size,
                window_size=bar.window_size,
                position=bar.position,
                thickness=width,
                vertical=True,
                back_color=style.bgcolor or _NO_COLOUR,
                bar_color=style.color or _NO_BAR,
            ).segments
            self._drawn = (key, [_line(segment, base, width) for segment in segments])
        return self._drawn[1]


def _line(segment: Segment, base: Style, width: int) -> Strip:
    text, style, _ = segment
    return Strip([Segment(text, base + style if style else base)], width)


class LineScrolling(VerticalScroll):
    """A :class:`VerticalScroll` with a :class:`LineScrollBar`."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # As Widget.vertical_scrollbar makes Textual's own (textual is pinned to one
        # release in pyproject.toml, and the screen snapshots would show any difference).
        if self._vertical_scrollbar is None:
            bar = LineScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar
