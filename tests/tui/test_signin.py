"""Sign-in draws the registration form only when it is wanted: at once on a terminal where
no one has signed in yet or when there is no one to sign in as; else on Ctrl+R or a click."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from course_factory import Ticker, make_course
from trainer.content.course import check_course
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import make_app
from trainer.tui.memory import remember
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.signin import SignInScreen

SIZE = (80, 24)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    bundle = check_course(make_course(tmp_path / "course")).bundle
    assert bundle is not None
    log = EventLog.open(f"sqlite:///{tmp_path / 'records.db'}")
    yield Records(log, bundle, clock=Ticker())
    log.close()


@pytest.fixture
def returning(records: Records) -> Records:
    """Records with a learner, on a terminal where they signed in before."""
    records.register("Dana Reyes", "4471", "Test PD")
    remember("last-learner", "4471")
    return records


async def test_a_returning_terminal_lists_learners_and_opens_the_form_on_ctrl_r(
    returning: Records,
) -> None:
    app = make_app(returning)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert not screen.query(Input)  # no form until it is asked for
        assert "Ctrl+R" in str(screen.query_one("#register-prompt", Static).content)
        assert app.focused is screen.query_one("#learners", OptionList)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not screen.query_one("#register-prompt").display
        assert app.focused is screen.query_one("#name", Input)
        assert screen.query_one("#agency", Input).value == "Test PD"  # from the course
        await pilot.press("ctrl+r")  # once the form is open, Ctrl+R registers
        await pilot.pause()
        assert "a learner needs a name" in str(screen.query_one("#signin-error", Static).content)
        await pilot.press(*"Sam Ortiz", "enter", *"5150", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.badge == "5150"


async def test_a_click_on_the_prompt_opens_the_form(returning: Records) -> None:
    app = make_app(returning)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#register-prompt")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#name", Input)


async def test_with_no_one_to_sign_in_as_the_form_is_there_at_once(records: Records) -> None:
    remember("last-learner", "4471")  # someone, once, on a database since replaced
    app = make_app(records)
    async with app.run_test(size=SIZE):
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert app.focused is screen.query_one("#name", Input)
        listing = screen.query_one("#learners", OptionList)
        assert str(listing.get_option_at_index(0).prompt) == "No learners yet: register"


async def test_behind_the_first_frame_a_returning_terminal_keeps_the_list(
    returning: Records,
) -> None:
    """Bare ``trainer``: the records open in a thread once sign-in is up."""
    go = threading.Event()

    def open_later() -> Records:
        assert go.wait(30)
        return returning

    app = make_app(open_later)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert not screen.query(Input)
        assert app.focused is screen.query_one("#learners", OptionList)
        go.set()
        for _ in range(200):
            await pilot.pause(0.01)
            if app.records_open:
                break
        await pilot.pause()
        listing = screen.query_one("#learners", OptionList)
        assert "(last here)" in str(listing.get_option_at_index(0).prompt)
        assert not screen.query(Input)
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)


async def test_the_footer_names_help_once_and_both_keys_open_it(returning: Records) -> None:
    app = make_app(returning)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SignInScreen)
        shown = [
            (b.binding.key, b.binding.description)
            for b in app.screen.active_bindings.values()
            if b.binding.show
        ]
        assert [key for key, what in shown if what == "Help"] == ["f1"]
        for key in ("f1", "question_mark"):  # the list has the focus: `?` is not typed
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen)
