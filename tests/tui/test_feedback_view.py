"""Feedback in one frame: at 80x24 the feedback lies below the fold of the question, so the
view must be at its verdict in the very frame that first shows it, and stay there; the
sections it cites are buttons made with the question, shown as the outcome names them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from course_factory import Ticker
from trainer.content.course import check_course
from trainer.content.locate import shipped_course_root
from trainer.content.models import step_options
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.scenario import ScenarioScreen

BADGE = "4471"

pytestmark = pytest.mark.asyncio


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    """The shipped course, whose situations, posts and policy texts are full length."""
    bundle = check_course(shipped_course_root()).bundle
    assert bundle is not None
    log = EventLog.open(f"sqlite:///{tmp_path / 'records.db'}")
    service = Records(log, bundle, clock=Ticker(), new_seed=lambda: 7)
    service.register("Dana Reyes", BADGE, "Riverton Police Department")
    yield service
    log.close()


async def first_item(pilot: Pilot[None]) -> ScenarioScreen:
    app = pilot.app
    assert isinstance(app, TrainerApp)
    app.sign_in(BADGE)
    await pilot.pause()
    await pilot.press("enter")  # the next module
    await pilot.pause()
    assert isinstance(app.screen, ScenarioScreen)
    return app.screen


def feedback_row(screen: ScenarioScreen) -> int:
    """The row of the question's scrolling view where the feedback's box begins (its
    verdict is the line below): 0 is the top; negative, scrolled past."""
    view = screen.query_one("#item").content_region
    return screen.query_one("#feedback").region.y - view.y


async def test_the_first_frame_after_an_answer_opens_at_its_verdict(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_item(pilot)
        await pilot.press("1")
        await pilot.pause(0.1)  # as a person would, before Enter
        rows: list[int] = []
        app.post_display_hook = lambda: rows.append(feedback_row(screen))  # type: ignore[method-assign]
        await pilot.press("enter")
        await pilot.pause()
        assert screen.outcome is not None
        # Longer than the view here: only the view's first row shows the verdict.
        assert screen.query_one("#feedback").region.height > screen.query_one("#item").size.height
        assert rows[0] == 0  # no frame with the feedback out of view, not even one
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.3)
        assert feedback_row(screen) == 0  # nor does anything scroll it away after
        assert screen.query_one("#choices").disabled
        assert app.focused is screen.query_one("#continue")
        await pilot.press("up")  # the learner's own scrolling still moves the view
        await pilot.pause()
        assert feedback_row(screen) == 1


async def test_the_cited_sections_are_the_buttons_shown(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_item(pilot)
        could_cite = {g for option in step_options(screen.step) for g in option.cites}
        slots = list(screen.query(".citation").results(Button))
        assert len(slots) == len(could_cite)
        assert not any(slot.display for slot in slots)
        await pilot.press("1", "enter")
        await pilot.pause()
        assert screen.outcome is not None
        shown = [str(slot.label) for slot in slots if slot.display]
        assert shown == [f"Read {cited.id}" for cited in screen.outcome.cited]
