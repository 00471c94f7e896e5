"""Whole flows through the sample course, whose modules hold every question type: a
branching single-choice scenario, a post whose parts are marked in place, a "select all"
question; and the ways out of a question: a citation, help, the command palette."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from trainer.certificates.delivery import default_pdf_path
from trainer.certificates.issue import issued_certificates
from trainer.records.service import Records
from trainer.tui.app import TrainerApp, make_app
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.policy import PolicyScreen
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.screens.summary import SummaryScreen
from trainer.tui.themes import DEFAULT, HIGH_CONTRAST
from trainer.tui.widgets.choice_button import CheckGroup
from trainer.tui.widgets.flag_post import FlagPost

BADGE = "4471"  # the learner the records fixture registers
SIZE = (80, 24)

pytestmark = pytest.mark.asyncio


def shown(app: TrainerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def open_module(pilot: Pilot[None], downs: int = 0) -> ScenarioScreen:
    """Sign in as the only learner; open the next module, or the one ``downs`` further."""
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press(*(["down"] * downs), "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ScenarioScreen)
    return screen


async def test_a_branch_carries_the_story_on_and_parts_are_marked_in_place(
    records: Records,
) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        await open_module(pilot)
        assert "The crash on Route 9" in str(app.screen.query_one(".heading", Static).content)
        # A wrong first decision leads to the branch where the story goes on.
        await pilot.press("1", "enter")
        await pilot.pause()
        assert "✗ Incorrect" in shown(app, "#feedback")
        await pilot.press("enter")
        await pilot.pause()
        assert "By noon the photo is circulating" in shown(app, "#step-situation")
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "✓ Correct" in shown(app, "#feedback")
        await pilot.press("enter")
        await pilot.pause()

        # The draft post, with its four parts to mark where they stand in the text.
        post = app.screen.query_one("#choices", FlagPost)
        assert post.has_focus
        body = str(post.content)
        assert "▸[☐1] Proud to serve Riverton!" in body  # the cursor on the first part
        assert "[☐4] Go get your gains!" in body
        await pilot.press("2", "right", "space")  # by number, then by cursor and Space
        assert post.selected == ["trust", "code"]
        assert "[⚑2] As an RPD officer" in str(post.content)
        assert "[⚑3] Use code RPD50" in str(post.content)
        await pilot.press("enter")
        await pilot.pause()
        feedback = shown(app, "#feedback")
        assert "✓ Correct" in feedback
        assert "exactly what the uniform and title may not be used for" in feedback
        assert post.disabled

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    (attempt,) = records.history(BADGE).attempts_of(BADGE)
    assert [(a.scenario, a.step, a.selected) for a in attempt.answers] == [
        ("crash-photo", "decide", ("a",)),
        ("crash-photo", "fallout", ("b",)),
        ("gym-in-uniform", "mark", ("trust", "code")),
    ]


async def test_a_part_is_marked_with_a_click(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_module(pilot)
        await pilot.press("3", "enter", "enter")  # right at once: no branch
        await pilot.pause()
        post = app.screen.query_one("#choices", FlagPost)
        lines = str(post.content).split("\n")
        line = next(n for n, text in enumerate(lines) if "[☐1]" in text)
        # Inside the card's border (1) and padding (1).
        await pilot.click(post, offset=(2 + lines[line].index("Proud"), 1 + line))
        assert post.selected == ["proud"]


async def test_select_all_that_apply(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        # Home lists onboarding's module, the refresher's heading, then its module.
        screen = await open_module(pilot, downs=1)
        assert screen.scenario.id in {"critic-on-page", "bodycam-clip"}  # the refresher's
        while screen.scenario.id != "critic-on-page":
            await pilot.press("2", "enter", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ScenarioScreen)
            screen = app.screen
        choices = app.screen.query_one("#choices", CheckGroup)
        await pilot.press("1", "3")
        assert choices.selected == ["a", "c"]
        marks = [str(check.render()).split(" ", 1)[0] for check in choices.checks]
        assert [("✓" in m) for m in marks] == [True, False, True, False]  # by shape
        await pilot.press("up", "space")  # the arrow moves from 3 to 2, Space ticks it
        assert choices.selected == ["a", "b", "c"]
        await pilot.press("2")
        assert choices.selected == ["a", "c"]
        await pilot.press("enter")
        await pilot.pause()
        assert "✓ Correct" in shown(app, "#feedback")


async def test_a_citation_opens_its_section_in_the_policy(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        await open_module(pilot)
        await pilot.press("3", "enter")
        await pilot.pause()
        assert "Policy CONF-3" in shown(app, "#feedback")
        # From Continue, Tab back to the citation and press Enter on it.
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        policy = app.screen
        assert isinstance(policy, PolicyScreen)
        opened = policy.query(".opened")
        assert [w.id for w in opened] == ["section-CONF-3"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScenarioScreen)
        assert app.screen.outcome is not None  # the answer stands, feedback still there


async def test_help_names_the_line_mode_for_screen_readers(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("?")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = shown(app, "#help-text")
        assert "screen reader" in text
        assert "trainer take --learner BADGE --track onboarding" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_switches_to_high_contrast_and_it_is_remembered(
    records: Records,
) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == DEFAULT.name
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"high contrast")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST.name
    again = make_app(records)
    async with again.run_test(size=SIZE):
        assert again.theme == HIGH_CONTRAST.name


async def test_the_palette_goes_home_from_a_question(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        await open_module(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Home")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        plan = app.screen.query_one("#plan", OptionList)
        assert "in progress 0/2" in str(plan.get_option_at_index(1).prompt)


async def test_the_summary_shows_mastery_and_leads_to_the_certificate(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_module(pilot)
        await pilot.press("3", "enter", "enter")  # the crash: right at once
        await pilot.pause()
        await pilot.press("2", "3", "enter", "enter")  # the gym post: both parts
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "✓ Passed" in shown(app, "#verdict")
        mastery = shown(app, "#mastery").splitlines()
        # Every section this module tests, in policy order, full marks: no "review".
        order = [g.id for g in records.bundle.policy.guidelines]
        tested = [line.split()[0] for line in mastery]
        assert sorted(tested) == ["ACCT-1", "CONF-3", "PROF-1"]
        assert tested == sorted(tested, key=order.index)
        assert all("████████████ 100%" in line and "review" not in line for line in mastery)
        assert "Attest" in shown(app, "#track-done")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*BADGE, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = shown(app, "#attest-result")
        assert "✓ Track complete" in result
        (issued,) = issued_certificates(records, badge=BADGE, track="onboarding")
        assert f"Certificate {issued.number}" in result
        pdf = default_pdf_path(issued)
        assert pdf.is_file()
        assert f"trainer certificate verify {pdf}" in result


async def test_a_weak_section_is_marked_for_review(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=SIZE) as pilot:
        await open_module(pilot)
        await pilot.press("1", "enter", "enter", "1", "enter", "enter")  # wrong, then wrong
        await pilot.pause()
        await pilot.press("1", "enter", "enter")  # the gym post: the wrong part only
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "✗ Not passed" in shown(app, "#verdict")
        weak = [line for line in shown(app, "#mastery").splitlines() if "review" in line]
        assert weak
        assert all("100%" not in line for line in weak)


async def test_home_shows_the_certificate_of_a_completed_track(records: Records) -> None:
    app = make_app(records)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_module(pilot)
        await pilot.press("3", "enter", "enter", "2", "3", "enter", "enter", "a")
        await pilot.pause()
        await pilot.press(*BADGE, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        (issued,) = issued_certificates(records, badge=BADGE, track="onboarding")
        plan = app.screen.query_one("#plan", OptionList)
        lines = [str(plan.get_option_at_index(i).prompt) for i in range(plan.option_count)]
        assert any(f"✓ Certificate {issued.number}" in line for line in lines)
        # The round is over: its module shows as passed, with its score, not "not started".
        assert any("✓ Your first posts as an officer" in ln and "passed 100%" in ln for ln in lines)
        assert "certified until" not in lines[0]  # onboarding does not expire: "complete"
        assert "complete" in lines[0]
