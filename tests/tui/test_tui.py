"""The learner's UI driven as a learner would, with Textual's Pilot at 80x24, on a real
SQLite database and the test course."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from course_factory import Ticker, make_course
from trainer.content.course import check_course
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.screens.signin import SignInScreen
from trainer.tui.screens.summary import SummaryScreen

REPO = Path(__file__).resolve().parents[2]
ITEMS = 4
SIZE = (80, 24)
BADGE = "4471"

Opener = Callable[[], Records]

pytestmark = pytest.mark.asyncio


@pytest.fixture
def open_records(tmp_path: Path) -> Iterator[Opener]:
    """Opens the records of one SQLite file and the test course, as often as asked: each
    call is a fresh connection, as a new run of the program would have."""
    course = make_course(tmp_path / "course", onboarding_items=ITEMS)
    shutil.copytree(REPO / "certificates", course / "certificates")
    bundle = check_course(course).bundle
    assert bundle is not None
    url = f"sqlite:///{tmp_path / 'records.db'}"
    logs: list[EventLog] = []

    def opener() -> Records:
        log = EventLog.open(url)
        logs.append(log)
        return Records(log, bundle, clock=Ticker())

    yield opener
    for log in logs:
        log.close()


@pytest.fixture
def registered(open_records: Opener) -> Opener:
    open_records().register("Dana Reyes", BADGE, "Test PD")
    return open_records


def text(app: TrainerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def sign_in_and_open(pilot: Pilot[None]) -> None:
    """Choose the only learner, then open the highlighted next module."""
    assert isinstance(pilot.app.screen, SignInScreen)
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ScenarioScreen)


async def answer(pilot: Pilot[None], number: str) -> str:
    """Pick a choice by its number, submit with Enter, return the feedback shown."""
    app = pilot.app
    assert isinstance(app, TrainerApp)
    await pilot.press(number, "enter")
    await pilot.pause()
    return text(app, "#feedback")


async def test_register_through_sign_in(open_records: Opener) -> None:
    app = make_app(open_records())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SignInScreen)
        # "q" quits elsewhere; in a text field it is a letter.
        await pilot.press(*"Quinn Reyes", "enter", *BADGE, "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.badge == BADGE
        assert "Quinn Reyes · badge 4471 · Test PD" in text(app, "#who")
        assert "Next: Basics" in text(app, "#next")
    assert open_records().learner(BADGE).name == "Quinn Reyes"


async def test_registration_errors_are_shown(open_records: Opener) -> None:
    app = make_app(open_records())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#register-button")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "a learner needs a name" in text(app, "#signin-error")


async def test_a_whole_module_answered_correctly(registered: Opener) -> None:
    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_and_open(pilot)
        assert "item 1 of 4" in text(app, "#progress")
        # The first by mouse: click the right choice, then the Submit button.
        await pilot.click("RadioButton")
        await pilot.click("#submit")
        await pilot.pause()
        feedback = text(app, "#feedback")
        assert "✓ Correct" in feedback
        assert "Because it is right." in feedback
        assert "Policy CONF-1 · Title of CONF-1" in feedback
        assert "The text of CONF-1." in feedback
        await pilot.press("enter")  # Continue
        for number in range(2, ITEMS + 1):
            assert f"item {number} of {ITEMS}" in text(app, "#progress")
            assert "✓ Correct" in await answer(pilot, "1")
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "✓ Passed" in text(app, "#verdict")
        assert "Score 4 of 4 points (100%); pass mark 80%" in text(app, "#score")
        assert not app.screen.query("#retake")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "Next: attest the Onboarding track" in text(app, "#next")
    records = registered()
    status = records.track_status(BADGE, "onboarding")
    assert [(m.state, m.answered) for m in status.modules] == [("passed", ITEMS)]


async def test_quit_halfway_then_resume_where_left(registered: Opener) -> None:
    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_and_open(pilot)
        for _ in range(2):
            await answer(pilot, "1")
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0

    again = make_app(registered())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(again.screen, HomeScreen)
        plan = again.screen.query_one("#plan", OptionList)
        assert plan.highlighted is not None
        assert "in progress 2/4" in str(plan.get_option_at_index(plan.highlighted).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(again.screen, ScenarioScreen)
        assert "item 3 of 4" in text(again, "#progress")


async def test_fail_then_retake(registered: Opener) -> None:
    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_and_open(pilot)
        for _ in range(ITEMS):
            feedback = await answer(pilot, "2")
            assert "✗ Incorrect" in feedback
            assert "Because it is wrong." in feedback
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "✗ Not passed" in text(app, "#verdict")
        assert "To review" in text(app, "#review")
        assert app.screen.query("#retake")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        assert "item 1 of 4" in text(app, "#progress")
    records = registered()
    assert records.track_status(BADGE, "onboarding").modules[0].state == "in progress"


async def test_attest_then_certificate(registered: Opener) -> None:
    records = registered()
    attempt = records.start_attempt(BADGE, "onboarding", "basics")
    for item in attempt.items:
        records.answer(attempt.id, item, "q", ["a"])
    records.complete(attempt.id)
    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "Next: attest the Onboarding track" in text(app, "#next")
        await pilot.press("enter")
        await pilot.press(*"9999", "enter")
        assert "not your badge number" in text(app, "#attest-result")
        await pilot.press(*(["backspace"] * 4), *BADGE, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = text(app, "#attest-result")
        assert "✓ Track complete" in result
        assert "Certificate " in result
        assert "trainer certificate verify" in result
    assert registered().track_status(BADGE, "onboarding").certification.status == "certified"


async def test_the_last_learner_here_is_offered_first(registered: Opener) -> None:
    registered().register("Aaron Abbott", "1001", "Test PD")  # sorts first by name
    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        listing = app.screen.query_one("#learners", OptionList)
        assert listing.get_option_at_index(0).id == "1001"
        await pilot.press("down", "enter")  # Dana Reyes
        assert app.badge == BADGE
    again = make_app(registered())
    async with again.run_test(size=SIZE):
        listing = again.screen.query_one("#learners", OptionList)
        first = listing.get_option_at_index(0)
        assert first.id == BADGE
        assert "(last here)" in str(first.prompt)
        assert listing.highlighted == 0


async def test_the_policy_browser_opens_anywhere_and_searches(registered: Opener) -> None:
    from trainer.tui.screens.policy import PolicyScreen

    app = make_app(registered())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in_and_open(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PolicyScreen)
        assert text(app, "#policy-count") == "3 of 3 sections"
        await pilot.press(*"prof")
        await pilot.pause()
        assert text(app, "#policy-count") == "1 of 3 sections match 'prof'"
        shown = [s.id for s in app.screen.query(".section") if s.display]
        assert shown == ["section-PROF-1"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)  # back where the learner was
