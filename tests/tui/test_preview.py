"""``trainer preview FILE``: a module file in the TUI, reloaded as it is edited, driven with
Pilot over a course the test writes; and the command's errors before any TUI starts."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Static

from course_factory import make_course
from trainer.cli import cli
from trainer.tui.preview import PreviewApp
from trainer.tui.screens.policy import PolicyScreen
from trainer.tui.screens.preview import PreviewErrorScreen, PreviewScenarioScreen

BASICS = "scenarios/onboarding/basics.yaml"
SIZE = (100, 40)
POLL = 0.02


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course", onboarding_items=3)


def preview(course: Path, file: str = BASICS) -> PreviewApp:
    return PreviewApp(course, file, poll_seconds=POLL)


def text(app: PreviewApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def until(pilot: Pilot[None], ready: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run (its poll timer included) until ``ready()``; fail after ``seconds``."""
    for _ in range(int(seconds / POLL)):
        if ready():
            await pilot.pause()  # and let the new screen finish mounting
            return
        await pilot.pause(POLL)
    raise AssertionError("the preview did not get there in time")


def edit(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")


def situation_is(app: PreviewApp, expected: str) -> Callable[[], bool]:
    def check() -> bool:
        screen = app.screen
        return isinstance(screen, PreviewScenarioScreen) and text(app, "#situation") == expected

    return check


async def notices(pilot: Pilot[None]) -> str:
    """The text of the notifications on screen."""
    await pilot.pause()
    return " ".join(str(toast.render()) for toast in pilot.app.screen.query("Toast"))


def on_errors(app: PreviewApp) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, PreviewErrorScreen)


@pytest.mark.asyncio
async def test_opens_at_the_first_scenario_and_moves_in_file_order(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, PreviewScenarioScreen)
        assert text(app, "#situation") == "Situation 0."
        assert "scenario 1 of 3 (basics-0)" in text(app, "#progress")
        await pilot.press("n")
        assert text(app, "#situation") == "Situation 1."
        await pilot.press("n", "n")  # the last is 3 of 3: no further
        assert text(app, "#situation") == "Situation 2."
        assert "last scenario" in await notices(pilot)
        await pilot.press("p", "p")
        assert text(app, "#situation") == "Situation 0."


@pytest.mark.asyncio
async def test_a_pool_module_shows_every_scenario_not_a_draw(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course", pool_size=5, draw=2)
    app = preview(course, "scenarios/refresher/review.yaml")
    async with app.run_test(size=SIZE) as pilot:
        assert "scenario 1 of 5 (review-0)" in text(app, "#progress")
        await pilot.press(*"n" * 4)
        assert "scenario 5 of 5 (review-4)" in text(app, "#progress")


@pytest.mark.asyncio
async def test_answers_are_graded_and_continue_leads_to_the_next_scenario(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        assert text(app, "#feedback").startswith("✗ Incorrect  (0 of 1 points)")
        assert "Because it is wrong." in text(app, "#feedback")
        await pilot.click("#continue")  # the mouse, as well as Enter, goes on in the file
        await pilot.pause()
        assert isinstance(app.screen, PreviewScenarioScreen)
        assert text(app, "#situation") == "Situation 1."
        await pilot.press("1", "enter")
        await pilot.pause()
        assert text(app, "#feedback").startswith("✓ Correct")
        await pilot.press("r")  # the same scenario, unanswered again
        await pilot.pause()
        assert text(app, "#situation") == "Situation 1."
        assert not app.screen.query_one("#feedback", Static).display


@pytest.mark.asyncio
async def test_a_branching_scenario_follows_the_answer(course: Path) -> None:
    module = """id: forks
title: Forks
estimated_minutes: 5
scenarios:
  - id: fork
    title: A fork
    guidelines: [CONF-1]
    situation: Something happened on shift.
    steps:
      - id: first
        type: single
        prompt: Post about it?
        choices:
          - {id: a, text: Wait, verdict: correct, cites: [CONF-1], feedback: Right., next: end}
          - {id: b, text: Post it, verdict: incorrect, cites: [CONF-1], feedback: No., next: viral}
      - id: viral
        type: single
        situation: It went viral.
        prompt: And now?
        choices:
          - {id: a, text: Take it down, verdict: correct, cites: [CONF-1], feedback: Right.}
          - {id: b, text: Leave it, verdict: incorrect, cites: [CONF-1], feedback: No.}
"""
    (course / "scenarios/onboarding/forks.yaml").write_text(module, encoding="utf-8")
    app = preview(course, "scenarios/onboarding/forks.yaml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # Listed in no track: a warning, shown above the scenario, and it still runs.
        warnings = text(app, "#preview-warnings")
        assert warnings.startswith("scenarios/onboarding/forks.yaml:1:5: warning: module 'forks'")
        await pilot.press("2", "enter", "enter")  # wrong: on to the aftermath step
        await pilot.pause()
        assert text(app, "#step-situation") == "It went viral."
        assert text(app, "#prompt") == "And now?"
        await pilot.press("r", "1", "enter", "enter")  # right: the scenario ends there
        await pilot.pause()
        assert not app.screen.query("#step-situation")
        assert "last scenario" in await notices(pilot)


@pytest.mark.asyncio
async def test_an_edit_on_disk_shows_after_reload_on_the_same_scenario(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        edit(course / BASICS, "situation: Situation 1.", "situation: A new text for one.")
        await until(pilot, situation_is(app, "A new text for one."))
        assert "scenario 2 of 3" in text(app, "#progress")


@pytest.mark.asyncio
async def test_a_removed_scenario_leaves_the_author_on_the_last_one(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        data = yaml.safe_load((course / BASICS).read_text(encoding="utf-8"))
        data["scenarios"] = data["scenarios"][:2]
        (course / BASICS).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        await until(pilot, situation_is(app, "Situation 1."))
        assert "scenario 2 of 2" in text(app, "#progress")


@pytest.mark.asyncio
async def test_broken_yaml_shows_located_until_fixed(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = course / BASICS
    good = path.read_text(encoding="utf-8")
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        edit(path, "\n  title: Item 1 of basics", "\n     title: Item 1 of basics")
        await until(pilot, on_errors(app))
        shown = text(app, "#diagnostics").splitlines()
        # Exactly what validate prints for the file, run from the course folder.
        monkeypatch.chdir(course)
        result = CliRunner().invoke(cli, ["validate", BASICS])
        assert result.exit_code == 1
        printed = [line for line in result.output.splitlines() if ": error: " in line]
        assert len(printed) == 1
        assert shown[0] == printed[0]
        assert re.match(rf"{BASICS}:\d+:\d+: error: ", shown[0])
        # ...then the offending line, and a caret under its column.
        line, column = (int(n) for n in shown[0].split(":")[1:3])
        assert shown[1].endswith(good.splitlines()[line - 1].replace("  title", "     title"))
        assert shown[2].index("^") - shown[2].index("|") - 2 == column - 1
        assert "1 error, 0 warnings" in text(app, ".heading")
        await pilot.press("n")  # nothing to move through while the file is broken
        assert isinstance(app.screen, PreviewErrorScreen)
        path.write_text(good, encoding="utf-8")
        await until(pilot, situation_is(app, "Situation 1."))


@pytest.mark.asyncio
async def test_a_content_error_and_a_course_file_error_show_located(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        edit(course / BASICS, "cites:\n      - CONF-1", "cites:\n      - CONF-9")
        await until(pilot, on_errors(app))
        assert "cites unknown guideline 'CONF-9' (did you mean 'CONF-1'?)" in text(
            app, "#diagnostics"
        )
        edit(course / BASICS, "CONF-9", "CONF-1")
        await until(pilot, situation_is(app, "Situation 0."))
        # The module's citations are checked against the policy: renaming a section there
        # breaks it too, and is seen without touching the module file.
        edit(course / "course/guidelines.yaml", "id: CONF-1", "id: CONF-7")
        await until(pilot, on_errors(app))
        assert "'CONF-1'" in text(app, "#diagnostics")


@pytest.mark.asyncio
async def test_an_error_in_another_module_does_not_hide_this_one(course: Path) -> None:
    (course / "scenarios/refresher/review.yaml").write_text("id: [\n", encoding="utf-8")
    app = preview(course)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, PreviewScenarioScreen)
        assert text(app, "#situation") == "Situation 0."


@pytest.mark.asyncio
async def test_a_deleted_file_is_waited_for(course: Path, tmp_path: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        moved = tmp_path / "elsewhere.yaml"
        (course / BASICS).rename(moved)
        await until(pilot, on_errors(app))
        assert "file not found" in text(app, "#diagnostics")
        moved.rename(course / BASICS)
        await until(pilot, situation_is(app, "Situation 0."))


@pytest.mark.asyncio
async def test_keys_typed_in_the_policy_search_stay_there(course: Path) -> None:
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, PolicyScreen)
        await pilot.press("n", "p", "r")
        assert isinstance(app.screen, PolicyScreen)
        await pilot.press("escape")
        assert text(app, "#situation") == "Situation 0."


@pytest.mark.asyncio
async def test_nothing_reaches_the_real_records(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_DB", str(tmp_path / "department.db"))
    app = preview(course)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await pilot.pause()
        # Graded and recorded, as a recruit's answer is: in the preview's own record.
        assert app.records is not None
        (attempt,) = app.records.history().attempts.values()
        assert attempt.badge == "preview"
        assert [(a.scenario, a.verdict) for a in attempt.answers] == [("basics-0", "correct")]
        await pilot.press("enter", "2", "enter", "enter")
        await pilot.pause()
    home = Path(os.environ["TRAINER_HOME"])
    assert not home.exists() or not any(home.iterdir())
    assert not (tmp_path / "department.db").exists()


# --- the command ----------------------------------------------------------------------


def run_preview(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["preview", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.yaml", "missing.yaml: no such file"),
        ("scenarios", "is a folder; give a module file"),
        ("course/course.yaml", "course/course.yaml is not part of the course in"),
        ("scenarios/notes.txt", "scenarios/notes.txt is not part of the course in"),
    ],
)
def test_command_errors_come_before_the_tui(
    course: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    (course / "scenarios/notes.txt").write_text("notes\n", encoding="utf-8")
    monkeypatch.chdir(course)
    code, output = run_preview(target)
    assert code == 1
    assert output.startswith("trainer: error: ")
    assert message in output
    assert output.count("\n") == 1
    assert "Traceback" not in output


def test_a_file_outside_any_course_is_refused(tmp_path: Path) -> None:
    loose = tmp_path / "loose.yaml"
    loose.write_text("id: loose\n", encoding="utf-8")
    code, output = run_preview(str(loose))
    assert code == 1
    assert output == (
        f"trainer: error: {loose}: this file is not inside a course folder (none above it "
        "holds course/course.yaml), so it cannot be previewed\n"
    )
