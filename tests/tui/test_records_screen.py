"""The training officer's records screen: the roster and the due list of a scripted
department (tests/reports/population.py), filtered as an officer would."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))

from population import (
    Clock,
    Population,
    build,
    department,
    department_course,
    now_to_the_minute,
)

from trainer.records.db import connect
from trainer.records.log import EventLog
from trainer.tui.app import make_app
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.records import RecordsScreen

pytestmark = pytest.mark.asyncio
PEOPLE = 20
DUE_STORIES = {"due 0-30", "due 31-60", "due 61-90", "expired"}


@pytest.fixture
def population(tmp_path: Path) -> Iterator[Population]:
    course = department_course(tmp_path / "course")
    now = now_to_the_minute()
    people = department(now, count=PEOPLE)
    clock = Clock(people[0].registered)
    log = EventLog(connect(f"sqlite:///{tmp_path / 'records.db'}"), clock)
    built = build(log, course, people, clock=clock, now=now)
    clock.now = now
    yield built
    log.close()


def officer_badge(population: Population) -> str:
    return next(p.badge for p in population.people if p.role == "officer" and not p.role_change)


async def test_an_officer_sees_the_roster_and_due_list_and_filters_them(
    population: Population,
) -> None:
    app = make_app(population.records)
    async with app.run_test(size=(120, 40)) as pilot:
        app.sign_in(officer_badge(population))
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordsScreen)
        roster = screen.query_one("#roster", DataTable)
        due = screen.query_one("#due", DataTable)
        assert roster.row_count == PEOPLE
        expected_due = sorted(p.badge for p in population.people if p.story in DUE_STORIES)
        assert sorted(str(due.get_row_at(i)[0]) for i in range(due.row_count)) == expected_due

        # One learner by badge and surname: one roster row, and their due row.
        someone = next(p for p in population.people if p.story == "expired")
        await pilot.press("slash", *f"{someone.name.split()[0]} {someone.badge}")
        await pilot.pause()
        assert [str(roster.get_row_at(i)[0]) for i in range(roster.row_count)] == [someone.badge]
        assert [str(due.get_row_at(i)[0]) for i in range(due.row_count)] == [someone.badge]
        assert str(due.get_row_at(0)[-1]).startswith(("overdue", "expired"))
        count = str(screen.query_one("#records-count").render())
        assert f"1 of {PEOPLE} learners" in count


async def test_a_learner_has_no_records_screen(population: Population) -> None:
    learner = next(p.badge for p in population.people if p.role == "learner")
    app = make_app(population.records)
    async with app.run_test(size=(80, 24)) as pilot:
        app.sign_in(learner)
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Records" not in app.export_screenshot()
