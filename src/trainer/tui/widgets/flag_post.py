"""A draft post whose parts the learner marks in place, for "mark the parts" questions."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from trainer.content.models import Post, Segment
from trainer.tui.widgets.post_card import PostCard, post_text

MARKED = "⚑"
UNMARKED = "☐"


def spans(text: str, segments: list[Segment]) -> list[tuple[int, int, int]]:
    """Where each segment sits in ``text``: (start, end, segment index), in text order.

    The checker makes sure each segment's text occurs in the post; a segment is looked for
    after the one before it first, so a phrase used twice marks the intended occurrence."""
    found: list[tuple[int, int, int]] = []
    after = 0
    for index, segment in enumerate(segments):
        start = text.find(segment.text, after)
        if start < 0:
            start = text.find(segment.text)
        if start < 0:
            continue
        found.append((start, start + len(segment.text), index))
        after = start + len(segment.text)
    return sorted(found)


def marked_body(text: str, segments: list[Segment], marked: set[str], cursor: int | None) -> Text:
    """The post text with each part numbered, its state shown by shape (⚑ marked, ☐ not)
    as well as by style, the part under the cursor pointed at (▸)."""
    body = Text()
    position = 0
    for start, end, index in spans(text, segments):
        if start < position:  # overlapping parts: the checker's business, not ours
            continue
        body.append(text[position:start])
        segment = segments[index]
        is_marked = segment.id in marked
        click = Style(meta={"@click": f"toggle_segment({index + 1})"})
        pointer = "▸" if index == cursor else ""
        body.append(
            f"{pointer}[{MARKED if is_marked else UNMARKED}{index + 1}]",
            style=Style(bold=True) + click,
        )
        body.append(" ")
        look = Style(reverse=True, bold=True) if is_marked else Style(underline=True)
        if index == cursor:
            look += Style(bold=True, italic=True)
        body.append(segment.text, style=look + click)
        position = end
    body.append(text[position:])
    return body


class FlagPost(PostCard):
    """The post with its parts to mark: a part's number key, or ←/→ and Space, or a click."""

    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,down", "move(1)", "Next part", show=False),
        Binding("left,up", "move(-1)", "Previous part", show=False),
        Binding("space", "toggle_segment", "Mark", show=False, id="mark"),
    ]

    cursor: reactive[int] = reactive(0)

    def __init__(self, post: Post, segments: list[Segment], *, id: str | None = None) -> None:
        super().__init__(post, id=id)
        self.segments = segments
        self.marked: set[str] = set()
        self.add_class("flag-post")

    def on_mount(self) -> None:
        self.redraw()

    def watch_cursor(self) -> None:
        self.redraw()

    # Handlers run before the base Widget's, which sets has_focus: redraw after it.
    def on_focus(self) -> None:
        self.call_later(self.redraw)

    def on_blur(self) -> None:
        self.call_later(self.redraw)

    def redraw(self) -> None:
        cursor = self.cursor if self.has_focus else None
        body = marked_body(self.post.text, self.segments, self.marked, cursor)
        self.update(post_text(self.post, body))

    @property
    def selected(self) -> list[str]:
        """The marked parts' ids, in the order the step lists them."""
        return [s.id for s in self.segments if s.id in self.marked]

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.segments)

    def action_toggle_segment(self, number: int | None = None) -> None:
        """Mark or unmark part ``number`` (from 1), else the part under the cursor."""
        if self.disabled:
            return
        index = self.cursor if number is None else number - 1
        if not 0 <= index < len(self.segments):
            return
        self.cursor = index
        self.marked ^= {self.segments[index].id}
        self.redraw()
