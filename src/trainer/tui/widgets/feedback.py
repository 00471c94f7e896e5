"""The outcome of an answer as the learner reads it: a mark and a word, the feedback of
each choice taken (and each missed), and the policy sections cited.

The feedback is drawn from parts, one per choice and per cited section. Every part an
answer to the step could show is known before the answer, so :class:`FeedbackView` wraps
them while the learner reads, and drawing the verdict costs a lookup rather than wrapping
a screenful of text inside the frame that must show it (benchmarks/tui_feedback.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widgets import Static

from trainer.content.models import Verdict
from trainer.engine import Outcome

VERDICTS = {
    "correct": ("✓ Correct", "verdict-correct"),
    "partly": ("◐ Partly right", "verdict-partly"),
    "incorrect": ("✗ Incorrect", "verdict-incorrect"),
}

BORDERS: dict[Verdict, str] = {"correct": "success", "partly": "warning", "incorrect": "error"}
"""The theme colour of the feedback's border for each verdict, as trainer.tcss names them
($good, $partly, $bad); the mark and the word say it without colour."""

SURE_AND_WRONG = "You were sure, and this was wrong: read this one twice."


@dataclass(frozen=True)
class Part:
    """Whole lines of the feedback. ``key`` is what the lines are made of, for a part whose
    wrapped lines are worth keeping (a choice's feedback, a section); the verdict has none."""

    key: tuple[str | int, ...] | None
    content: Content


def choice_part(number: int, text: str, feedback: str, *, missed: bool = False) -> Part:
    """A choice taken (or a correct one ``missed``), numbered as on screen."""
    label = f"Missed {number}. {text}" if missed else f"{number}. {text}"
    return Part((label, feedback), Content.assemble("\n", (label, "bold"), "\n", feedback))


def section_part(section_id: str, title: str, text: str) -> Part:
    """A policy section an answer cites: its id, title and words."""
    heading = f"Policy {section_id} · {title}"
    return Part(
        ("cited", heading, text),
        Content.assemble("\n", (heading, "bold"), "\n", (text, "italic")),
    )


SURE_AND_WRONG_PART = Part((SURE_AND_WRONG,), Content.styled(SURE_AND_WRONG, "bold"))


def feedback_parts(outcome: Outcome, order: Sequence[str]) -> list[Part]:
    """The parts that show ``outcome``; ``order`` is the choice ids as numbered on screen."""
    word, _ = VERDICTS[outcome.verdict]
    parts = [
        Part(
            None,
            Content.assemble((word, "bold"), f"  ({outcome.points} of {outcome.maximum} points)"),
        )
    ]
    if outcome.confidently_wrong:
        parts.append(SURE_AND_WRONG_PART)
    parts += [choice_part(order.index(c.id) + 1, c.text, c.feedback) for c in outcome.chosen]
    parts += [
        choice_part(order.index(c.id) + 1, c.text, c.feedback, missed=True) for c in outcome.missed
    ]
    parts += [section_part(c.id, c.title, c.text) for c in outcome.cited]
    return parts


class FeedbackView(Static):
    """The feedback of an answer, drawn from parts wrapped ahead of time (:meth:`prepare`).

    A part not prepared at the width and style it is drawn at is wrapped when drawn, as a
    :class:`Static` would; a text selection in it is drawn by :class:`Static` itself."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._parts: tuple[Part, ...] = ()
        self._wrapped: dict[tuple[object, int, Style], list[Strip]] = {}
        self._lines: tuple[int, Style, list[tuple[Strip, int]]] | None = None
        self.verdict: Verdict | None = None

    def prepare(self, parts: Iterable[Part], widths: Iterable[int]) -> None:
        """Wrap ``parts`` now, at each of ``widths`` (content widths, in cells)."""
        style = self.visual_style
        chosen = list(parts)
        for width in widths:
            for part in chosen:
                self._wrap(part, width, style)

    def is_prepared(self, part: Part, width: int) -> bool:
        """Whether ``part`` is wrapped already at ``width``, in the current style."""
        return (part.key, width, self.visual_style) in self._wrapped

    def show(self, parts: Sequence[Part], verdict: Verdict) -> None:
        """Show ``parts``, one under the other, framed in the colour of ``verdict``.

        Shown and coloured by its own styles, not by classes: a class change restyles the
        widget from the stylesheet, in the time the learner waits for the verdict."""
        self._parts = tuple(parts)
        self._lines = None
        self.verdict = verdict
        self.update(Content("\n").join(part.content for part in self._parts))
        self._frame()
        self.display = True

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._frame, init=False)

    def _frame(self) -> None:
        if self.verdict is not None:
            colour = getattr(self.app.current_theme, BORDERS[self.verdict])
            if colour is not None:
                self.styles.border = ("round", colour)

    def _wrap(self, part: Part, width: int, style: Style) -> list[Strip]:
        if part.key is None:
            return Visual.to_strips(self, part.content, width, None, style)
        key = (part.key, width, style)
        lines = self._wrapped.get(key)
        if lines is None:
            lines = self._wrapped[key] = Visual.to_strips(self, part.content, width, None, style)
        return lines

    def _all_lines(self, width: int) -> list[tuple[Strip, int]]:
        """Each line of the parts shown, with how many text lines come before its part:
        a part's lines point text selection at its own lines, counted from 0."""
        style = self.visual_style
        if self._lines is None or self._lines[:2] != (width, style):
            lines: list[tuple[Strip, int]] = []
            before = 0
            for part in self._parts:
                lines += [(line, before) for line in self._wrap(part, width, style)]
                before += part.content.plain.count("\n") + 1
            self._lines = (width, style, lines)
        return self._lines[2]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._parts or not width:
            return super().get_content_height(container, viewport, width)
        return len(self._all_lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if not self._parts or not width or self.text_selection is not None:
            return super().render_line(y)
        lines = self._all_lines(width)
        if y >= len(lines):
            return Strip.blank(width, self.visual_style.rich_style)
        line, before = lines[y]
        return _moved_down(line, before)


def _moved_down(line: Strip, lines: int) -> Strip:
    """``line`` with the text positions it carries for selection moved down ``lines``
    lines, as if its part were wrapped with those before it (only lines drawn pay)."""
    if not lines:
        return line
    for segment in line:
        if segment.style is not None and (offset := segment.style.meta.get("offset")):
            x, y = offset
            return line.apply_offsets(x, y + lines)
    return line
