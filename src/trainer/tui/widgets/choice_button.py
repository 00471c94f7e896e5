"""A radio button for answers: its state shows in its shape, and its label wraps."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import RadioButton


class ChoiceButton(RadioButton):
    """Textual's radio button marks "chosen" by colour alone and cuts a long label at one
    line; an answer must be read whole at 80 columns, and meaning never rests on colour."""

    DEFAULT_CSS = """
    ChoiceButton {
        width: 1fr;
        height: auto;
        text-wrap: wrap;
        text-overflow: fold;
    }
    """

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.render().wrap(max(width, 1))))
