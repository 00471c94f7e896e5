"""The app starts in the chosen theme by a shortcut (no re-parse of all its CSS once it is
up): it must look exactly as Textual's own switch to that theme makes it look."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.color import Color
from textual.widgets import OptionList

from course_factory import Ticker, make_course
from trainer.content.course import check_course
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.signin import SignInScreen
from trainer.tui.themes import DEFAULT, HIGH_CONTRAST

pytestmark = pytest.mark.asyncio


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    bundle = check_course(make_course(tmp_path / "course")).bundle
    assert bundle is not None
    log = EventLog.open(f"sqlite:///{tmp_path / 'records.db'}")
    yield Records(log, bundle, clock=Ticker())
    log.close()


def looks(app: TrainerApp) -> tuple[object, ...]:
    listing = app.screen.query_one("#learners", OptionList)
    return (
        app.theme,
        sorted(app.classes),
        app.screen.styles.background,
        listing.styles.background,
        app.theme_variables["primary"],
    )


async def test_starting_in_a_theme_looks_as_switching_to_it_does(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    switched = make_app(records)
    async with switched.run_test(size=(80, 24)) as pilot:
        assert switched.theme == DEFAULT.name
        switched.theme = HIGH_CONTRAST.name  # Textual's own way: a watcher, a re-parse
        await pilot.pause()
        expected = looks(switched)
    monkeypatch.setenv("TRAINER_THEME", "high-contrast")
    started = make_app(records)
    async with started.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(started.screen, SignInScreen)
        assert looks(started) == expected
        assert started.screen.styles.background == Color.parse(HIGH_CONTRAST.background)
