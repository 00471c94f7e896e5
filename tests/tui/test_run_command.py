"""Starting the learner's UI: bare `trainer` (the UI in a terminal, the overview anywhere
else), `trainer run`, and the app opening the course and records behind its first screen."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from textual.widgets import Input, OptionList

from course_factory import Ticker, make_course
from trainer.cli import COMMANDS, cli
from trainer.content.course import check_course
from trainer.records.db import RecordsError
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.signin import SignInScreen

TRAINER = str(Path(sys.executable).with_name("trainer"))
HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"


def test_run_takes_course_and_db() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "--course" in result.output
    assert "--db" in result.output


def test_bare_trainer_off_a_terminal_prints_the_overview_and_says_why() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    assert "Social Media and the Sworn Officer" in result.stdout
    assert "trainer serve" in result.stdout
    assert "not a terminal" in result.stderr
    assert "not a terminal" not in result.stdout  # a pipe gets the overview alone


def test_overview_command_prints_the_same_overview() -> None:
    bare = CliRunner().invoke(cli, [])
    overview = CliRunner().invoke(cli, ["overview"])
    assert overview.exit_code == 0
    assert overview.stdout == bare.stdout
    assert overview.stderr == ""


def test_run_off_a_terminal_is_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 1
    assert result.stderr.startswith("trainer: error: the learner's UI needs a terminal")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_every_command_is_listed_and_loads_under_its_name() -> None:
    help_text = CliRunner().invoke(cli, ["--help"]).output
    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        assert command.name == name
        assert f"  {name} " in help_text
    assert cli.get_command(context, "no-such-command") is None


def test_the_first_screen_path_loads_no_course_or_database_code() -> None:
    """Bare `trainer` draws sign-in before pydantic, SQLAlchemy, YAML or the course load
    (they come in behind it): importing what it runs must not pull them in."""
    probe = (
        "import sys, trainer.cli, trainer.cli.serving, trainer.tui.app; "
        "print(sorted(m for m in ('pydantic', 'sqlalchemy', 'yaml', 'trainer.content.course',"
        " 'trainer.records.service', 'importlib.metadata') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def headless_run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The real `trainer` with Textual's headless driver (as textual-serve picks a driver
    by environment): the app starts and ends without a terminal."""
    env = {**os.environ, "TEXTUAL_DRIVER": HEADLESS, "TRAINER_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [TRAINER, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_run_on_a_broken_course_prints_its_errors_after_the_ui_closes(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    path = course / "course" / "course.yaml"
    path.write_text(path.read_text().replace("pass_mark: 80", "pass_mark: 180"))
    result = headless_run(["run", "--course", str(course)], tmp_path)
    assert result.returncode == 1
    assert "course.yaml:" in result.stdout
    assert "error:" in result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith("trainer: error: the course in "), (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_run_on_a_bad_database_url_is_one_line_error(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    result = headless_run(
        ["run", "--course", str(course), "--db", "mysql://nobody@nowhere/x"], tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "trainer: error: trainer keeps records in SQLite or PostgreSQL, not 'mysql' "
        "(mysql://nobody@nowhere/x)"
    )


# --- the app opening its records behind the sign-in screen -------------------------------


@pytest.fixture
def opener(tmp_path: Path) -> tuple[threading.Event, Callable[[], Records]]:
    """Opens a course's records with one learner, once ``go`` is set: until then the app
    shows sign-in with the records still opening."""
    course = make_course(tmp_path / "course")
    bundle = check_course(course).bundle
    assert bundle is not None
    url = f"sqlite:///{tmp_path / 'records.db'}"
    with EventLog.open(url) as log:
        Records(log, bundle, clock=Ticker()).register("Dana Reyes", "4471", "Test PD")
    go = threading.Event()

    def open_records() -> Records:
        assert go.wait(30)
        return Records(EventLog.open(url), bundle, clock=Ticker())

    return go, open_records


@pytest.mark.asyncio
async def test_sign_in_is_up_before_the_records_and_fills_in_after(
    opener: tuple[threading.Event, Callable[[], Records]],
) -> None:
    go, open_records = opener
    app = make_app(open_records)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert not app.records_open
        listing = screen.query_one("#learners", OptionList)
        assert str(listing.get_option_at_index(0).prompt) == "Opening the records…"
        await pilot.press("ctrl+r")  # registering must wait for the records
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*"Sam")  # typing goes to the name field meanwhile
        assert screen.query_one("#name", Input).value == "Sam"
        go.set()
        for _ in range(200):
            await pilot.pause(0.01)
            if app.records_open:
                break
        await pilot.pause()
        assert app.records_open
        assert app.sub_title == "Test course"
        assert "Dana Reyes" in str(listing.get_option_at_index(0).prompt)
        # What the learner began typing keeps the focus; the agency is filled in.
        assert isinstance(app.focused, Input)
        assert app.focused.id == "name"
        assert screen.query_one("#agency", Input).value == "Test PD"
        listing.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        app.records.log.close()


@pytest.mark.asyncio
async def test_records_that_fail_to_open_end_the_app_with_the_error() -> None:
    def failing() -> Records:
        raise RecordsError("cannot open the database: disk on fire")

    app = TrainerApp(failing)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.01)
            if not app.is_running:
                break
    assert isinstance(app.open_error, RecordsError)
    assert str(app.open_error) == "cannot open the database: disk on fire"
    assert app.return_code == 1
