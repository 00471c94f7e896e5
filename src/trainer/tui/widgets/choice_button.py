"""Answer controls whose state shows in their shape and whose labels wrap: a radio button
for "choose one" and a check box for "select all that apply"."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox, RadioButton

_WRAPPING = """
    width: 1fr;
    height: auto;
    text-wrap: wrap;
    text-overflow: fold;
"""


class ChoiceButton(RadioButton):
    """Textual's radio button marks "chosen" by colour alone and cuts a long label at one
    line; an answer must be read whole at 80 columns, and meaning never rests on colour."""

    DEFAULT_CSS = f"ChoiceButton {{ {_WRAPPING} }}"

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.render().wrap(max(width, 1))))


class ChoiceCheck(Checkbox):
    """A check box for one answer of "select all that apply": ✓ when selected, empty when
    not (Textual's shows an X either way, told apart by colour), its label wrapped."""

    DEFAULT_CSS = f"ChoiceCheck {{ {_WRAPPING} }}"

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.render().wrap(max(width, 1))))


class CheckGroup(Vertical):
    """The check boxes of one question, moved between with the arrow keys."""

    DEFAULT_CSS = "CheckGroup { height: auto; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "move(1)", "Next", show=False),
        Binding("up,left", "move(-1)", "Previous", show=False),
    ]

    @property
    def checks(self) -> list[ChoiceCheck]:
        return list(self.query(ChoiceCheck))

    @property
    def selected(self) -> list[str]:
        """The names (answer ids) of the checked boxes, in order."""
        return [check.name or "" for check in self.checks if check.value]

    def focus_first(self) -> None:
        if self.checks:
            self.checks[0].focus(scroll_visible=False)

    def action_move(self, step: int) -> None:
        checks = self.checks
        focused = self.screen.focused
        at = checks.index(focused) if isinstance(focused, ChoiceCheck) else -1
        checks[(at + step) % len(checks)].focus()

    def toggle(self, number: int) -> None:
        """Toggle answer ``number`` (from 1) and move to it."""
        check = self.checks[number - 1]
        check.toggle()
        check.focus()
