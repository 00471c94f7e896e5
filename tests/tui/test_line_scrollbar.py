"""The question's scroll bar, drawn line by line, draws what Textual's own draws: the same
glyphs, colours and mouse actions, wherever the view is scrolled, in both themes."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.visual import Visual, visualize

from trainer.records.service import Records
from trainer.tui.app import make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.widgets.line_scrollbar import LineScrollBar
from trainer.tui.widgets.pinned_scroll import PinnedScroll

pytestmark = pytest.mark.asyncio


def as_textual_draws(bar: LineScrollBar) -> list[list[Segment]]:
    width, height = bar.size
    strips = Visual.to_strips(bar, visualize(bar, bar.render()), width, height, bar.visual_style)
    return [list(strip) for strip in strips]


def drawn(bar: LineScrollBar) -> list[list[Segment]]:
    return [list(bar.render_line(y)) for y in range(bar.size.height)]


@pytest.mark.parametrize("theme", ["trainer", "trainer-high-contrast"])
async def test_the_scroll_bar_draws_as_textuals_own(records: Records, theme: str) -> None:
    app = make_app(records)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.press("enter")  # the only learner
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")  # the next module
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        view = app.screen.query_one("#item", PinnedScroll)
        bar = view.vertical_scrollbar
        assert isinstance(bar, LineScrollBar)
        assert view.max_scroll_y > 0, "the question must be taller than the view here"
        seen = set()
        for y in (0, 1, view.max_scroll_y // 3, view.max_scroll_y // 2, view.max_scroll_y):
            view.scroll_to(y=y, animate=False)
            await pilot.pause()
            bar.render_lines(bar.size.region)  # as the compositor asks for them
            lines = drawn(bar)
            assert lines == as_textual_draws(bar)
            seen.add(tuple(map(tuple, lines)))
        assert len(seen) >= 2  # the thumb moved
