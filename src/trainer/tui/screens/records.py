"""The training officer's view of the record: the roster and the due list, filterable."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

from trainer.reports.due import DIGEST_DAYS, DueEntry, due
from trainer.reports.roster import Roster, roster
from trainer.tui.screens.base import TrainerScreen

Row = tuple[str, ...]


def keep(row: Row, query: str) -> bool:
    """Whether every word of ``query`` occurs in some cell of ``row``."""
    haystack = " ".join(row).casefold()
    return all(word in haystack for word in query.casefold().split())


def roster_rows(found: Roster) -> list[Row]:
    return [
        (
            r.learner.badge,
            r.learner.name,
            r.learner.agency,
            r.learner.unit or "",
            *(standing.text() for standing in r.tracks),
        )
        for r in found.rows
    ]


def due_rows(entries: list[DueEntry]) -> list[Row]:
    return [
        (
            e.learner.badge,
            e.learner.name,
            e.learner.agency,
            e.learner.unit or "",
            e.track,
            f"{e.valid_until:%Y-%m-%d}",
            e.status(),
        )
        for e in entries
    ]


class RecordsScreen(TrainerScreen):
    """For training officers: who stands where on each track, and who is due or overdue.
    One filter serves both tables: every word typed must occur in a row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Home", id="records-home"),
        Binding("slash", "find", "Filter", key_display="/", id="records-filter"),
    ]

    def compose(self) -> ComposeResult:
        now = self.records.clock()
        course = self.records.bundle.course
        self.roster = roster_rows(roster(self.records, now))
        self.due = due_rows(due(self.records, DIGEST_DAYS, now))
        self.track_titles = [t.title for _, t in course.tracks.items()]
        yield Header()
        with Vertical(id="records"):
            yield Static(Text(f"Records as of {now:%Y-%m-%d}"), classes="heading")
            yield Input(placeholder="Filter: name, badge, agency, unit, status…", id="filter")
            with TabbedContent(id="records-tabs"):
                with TabPane(f"Roster ({len(self.roster)})", id="roster-tab"):
                    yield DataTable(id="roster", zebra_stripes=True, cursor_type="row")
                with TabPane(f"Due within {DIGEST_DAYS} days ({len(self.due)})", id="due-tab"):
                    yield DataTable(id="due", zebra_stripes=True, cursor_type="row")
            yield Static(id="records-count", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#roster", DataTable)
        table.add_columns("Badge", "Name", "Agency", "Unit", *self.track_titles)
        table = self.query_one("#due", DataTable)
        table.add_columns("Badge", "Name", "Agency", "Unit", "Track", "Expires", "Status")
        self._filter("")
        self.query_one("#roster", DataTable).focus()

    @on(Input.Changed, "#filter")
    def filtered(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, "#filter")
    def done_filtering(self) -> None:
        self.query_one(f"#{self._active()}", DataTable).focus()

    def _active(self) -> str:
        tabs = self.query_one("#records-tabs", TabbedContent)
        return "due" if tabs.active == "due-tab" else "roster"

    def _filter(self, query: str) -> None:
        shown: dict[str, int] = {}
        for name, rows in (("roster", self.roster), ("due", self.due)):
            table = self.query_one(f"#{name}", DataTable)
            table.clear()
            kept = [row for row in rows if keep(row, query)]
            table.add_rows(kept)
            shown[name] = len(kept)
        words = f" matching '{query.strip()}'" if query.strip() else ""
        self.query_one("#records-count", Static).update(
            Text(
                f"{shown['roster']} of {len(self.roster)} learners, {shown['due']} of "
                f"{len(self.due)} due or overdue{words}"
            )
        )

    def action_find(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_home(self) -> None:
        self.app.pop_screen()
