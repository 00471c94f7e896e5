"""Answers read whole at 80 columns, and their state shows in shape, not colour alone."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from trainer.tui.widgets.choice_button import ChoiceButton

pytestmark = pytest.mark.asyncio

LONG = (
    "Reply to your aunt with the good parts: he was hiding in a neighbour's shed, and the "
    "stolen tools turned up at his girlfriend's apartment on Harbor Road."
)


class _Choices(App[None]):
    def compose(self) -> ComposeResult:
        yield RadioSet(ChoiceButton(LONG), ChoiceButton("Say nothing."), id="choices")


async def test_a_long_answer_wraps_and_the_chosen_one_is_marked_in_shape() -> None:
    app = _Choices()
    async with app.run_test(size=(60, 20)) as pilot:
        long, short = app.query(ChoiceButton)
        assert long.size.height >= 3  # wrapped, not cut off with an ellipsis
        assert short.size.height == 1
        assert "○" in long.render().plain
        assert "○" in short.render().plain
        await pilot.click(ChoiceButton)
        await pilot.pause()
        assert long.value
        assert "●" in long.render().plain
        assert "○" in short.render().plain
        screen = app.export_screenshot()
        assert "Harbor" in screen  # the end of the long answer is on screen
        assert "…" not in screen
