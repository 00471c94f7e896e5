"""Every screen drawn at 80x24 and 120x40, in the default and the high-contrast theme,
compared with the SVG snapshots under __snapshots__ (pytest-textual-snapshot).

After a deliberate change to a screen, look at the differences it reports (it writes an
HTML report), then run `uv run pytest tests/tui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from trainer.records.service import Records
from trainer.tui.app import make_app
from trainer.tui.themes import DEFAULT, HIGH_CONTRAST

BADGE = "4471"  # the learner the records fixture registers

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def _keys(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def _after(*keys: str) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await _keys(pilot, *keys)

    return steps


# From sign-in: Enter signs in, Enter opens the next module (the sample onboarding: a
# branching crash scenario, then a post to mark); "down" twice reaches the refresher.
SCREENS: dict[str, Steps] = {
    "signin": _after(),
    "home": _after("enter"),
    "single": _after("enter", "enter"),
    "feedback": _after("enter", "enter", "3", "enter"),
    "branch": _after("enter", "enter", "1", "enter", "enter"),
    "flag": _after("enter", "enter", "3", "enter", "enter", "2"),
    "multi": _after("enter", "down", "enter", "1"),
    "summary": _after("enter", "enter", "3", "enter", "enter", "2", "3", "enter", "enter"),
    "attest": _after("enter", "enter", "3", "enter", "enter", "2", "3", "enter", "enter", "a"),
    "policy": _after("enter", "g"),
    "help": _after("enter", "question_mark"),
}


@pytest.mark.parametrize("theme", [DEFAULT.name, HIGH_CONTRAST.name], ids=["default", "contrast"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any, records: Records, screen: str, size: tuple[int, int], theme: str
) -> None:
    app = make_app(records)

    async def run_before(pilot: Pilot[None]) -> None:
        app.theme = theme
        await SCREENS[screen](pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture a gamble
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
