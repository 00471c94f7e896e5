"""Feedback in one frame: at 80x24 the feedback lies below the fold of the question, so the
view must be at its verdict in the very frame that first shows it, and stay there; the
sections it cites are buttons made with the question, shown as the outcome names them; its
text is wrapped while the learner reads, and drawn as Textual's Static would draw it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.pilot import Pilot
from textual.visual import Visual
from textual.widgets import Button

from course_factory import Ticker
from trainer.content.course import check_course
from trainer.content.locate import shipped_course_root
from trainer.content.models import step_options
from trainer.engine import Outcome, grade
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.widgets.feedback import BORDERS, VERDICTS, FeedbackView, feedback_parts

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


def as_static_draws(view: FeedbackView) -> list[list[Segment]]:
    """The feedback's lines as Textual's Static draws the same content, at the same width."""
    strips = Visual.to_strips(view, view.visual, view.size.width, None, view.visual_style)
    return [list(strip) for strip in strips]


def drawn(view: FeedbackView) -> list[list[Segment]]:
    return [list(view.render_line(y)) for y in range(view.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_feedback_is_wrapped_before_the_answer_and_drawn_as_static_draws_it(
    records: Records, size: tuple[int, int]
) -> None:
    app = make_app(records)
    async with app.run_test(size=size) as pilot:
        screen = await first_item(pilot)
        view = screen.query_one("#feedback", FeedbackView)
        await pilot.press("2")
        await pilot.pause()
        # What the outcome will show, known to the test only: every part is wrapped
        # already, at the width the feedback will have, scroll bar or not.
        order = [o.id for o in screen.options]
        chosen = screen.options[1]
        outcome = records_outcome(records, screen, [chosen.id])
        parts = feedback_parts(outcome, order)[1:]  # all but the verdict's own line
        await pilot.press("enter")
        await pilot.pause()
        assert screen.outcome == outcome
        width = view.size.width
        assert all(view.is_prepared(part, width) for part in parts)
        assert drawn(view) == as_static_draws(view)
        assert str(view.content).startswith(VERDICTS[outcome.verdict][0])


async def test_a_terminal_resized_before_the_answer_wraps_again(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_item(pilot)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        view = screen.query_one("#feedback", FeedbackView)
        assert screen.outcome is not None
        order = [o.id for o in screen.options]
        parts = feedback_parts(screen.outcome, order)[1:]
        assert all(view.is_prepared(part, view.size.width) for part in parts)
        assert drawn(view) == as_static_draws(view)


async def test_the_verdict_frame_follows_the_theme(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_item(pilot)
        await pilot.press("1", "enter")
        await pilot.pause()
        view = screen.query_one("#feedback", FeedbackView)
        assert screen.outcome is not None
        colour_name = BORDERS[screen.outcome.verdict]

        def frame_colour() -> Color:
            return view.styles.border_top[1]

        assert frame_colour() == Color.parse(getattr(app.current_theme, colour_name))
        before = frame_colour()
        app.theme = "trainer-high-contrast" if app.theme == "trainer" else "trainer"
        await pilot.pause()
        assert frame_colour() == Color.parse(getattr(app.current_theme, colour_name))
        assert frame_colour() != before


def records_outcome(records: Records, screen: ScenarioScreen, selected: list[str]) -> Outcome:
    """The outcome the engine gives ``selected`` at the screen's step, without recording it."""
    attempt = records.attempt(screen.attempt_id)
    course = records.version(attempt.content_hash)
    module = course.module(attempt.module)
    guidelines = {g.id: g for g in course.policy.guidelines}
    return grade(module, screen.scenario, screen.step.id, selected, guidelines, None)
