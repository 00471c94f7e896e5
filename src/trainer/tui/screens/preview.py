"""The two faces of a module under preview: one of its scenarios, as a recruit sees it,
or the errors that keep it from loading, located as ``trainer validate`` prints them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from trainer.content.diagnostics import Diagnostic
from trainer.records.service import Records
from trainer.tui.preview_module import Broken
from trainer.tui.screens.scenario import ScenarioScreen

if TYPE_CHECKING:
    from trainer.tui.preview import PreviewApp

NAVIGATION: list[BindingType] = [
    Binding("n", "app.next_scenario", "Next scenario", id="preview-next"),
    Binding("p", "app.previous_scenario", "Previous", id="preview-previous"),
    Binding("r", "app.restart", "Restart", id="preview-restart"),
]
"""On the screens rather than the app, so the policy browser's search field types them."""


@dataclass(frozen=True)
class Place:
    """Where the preview is: scenario ``index`` (from 0) of ``count``, in ``file``."""

    index: int
    count: int
    file: str
    warnings: tuple[str, ...] = ()


class PreviewScenarioScreen(ScenarioScreen):
    """The learner's scenario screen over a throwaway record: the same widgets, grading
    and branching, and at the end of a scenario, on to the next one in the file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *NAVIGATION,
        # A learner's Esc goes home; a preview has no home to go to.
        Binding("escape", "home", show=False),
    ]

    def __init__(self, records: Records, attempt_id: str, place: Place) -> None:
        self.preview_records = records
        self.place = place
        super().__init__(attempt_id)

    @property
    def records(self) -> Records:
        # Each screen keeps its own record: an edit saved mid-answer never mixes two.
        return self.preview_records

    @property
    def preview(self) -> PreviewApp:
        return cast("PreviewApp", self.app)

    def on_mount(self) -> None:
        # ScenarioScreen.on_mount runs after this one (Textual calls each class's handler).
        place = self.place
        for progress in self.query("#progress").results(Static):
            progress.update(
                Text(
                    f"Preview of {place.file} · scenario {place.index + 1} of {place.count} "
                    f"({self.scenario.id}) · nothing is recorded"
                )
            )
        if place.warnings:
            item = self.query_one("#item", VerticalScroll)
            item.mount(
                Static(Text("\n".join(place.warnings)), id="preview-warnings", classes="hint"),
                before=0,
            )

    def action_home(self) -> None:
        """Nothing: Esc must not leave the preview."""

    @on(Button.Pressed, "#continue")
    def next_item(self, event: Button.Pressed | None = None) -> None:
        """The scenario's next step, as its answers lead; after the last, the next scenario."""
        if event is not None:
            event.prevent_default()  # ScenarioScreen's own handler would end the attempt
        attempt = self.records.attempt(self.attempt_id)
        if attempt.position(self.records.module_of(attempt)) is not None:
            self.app.switch_screen(PreviewScenarioScreen(self.records, self.attempt_id, self.place))
            return
        self.app.call_later(self.preview.action_next_scenario)


def diagnostic_text(
    diagnostics: tuple[Diagnostic, ...], lines: tuple[str, ...], show: Callable[[str], str]
) -> Text:
    """Each message as validate prints it, with the line it points at and a caret."""
    text = Text()
    for d in diagnostics:
        if text:
            text.append("\n\n")
        severity = ("red" if d.severity == "error" else "yellow") + " bold"
        text.append(f"{show(d.file)}:{d.line}:{d.column}: ")
        text.append(d.severity, style=severity)
        text.append(f": {d.message}")
        if d.file.startswith("course/") or not 0 < d.line <= len(lines):
            continue
        source = lines[d.line - 1].expandtabs(1)
        gutter = f"{d.line:>5} | "
        text.append(f"\n{gutter}{source}", style="dim")
        text.append(f"\n{' ' * (len(gutter) - 2)}| {' ' * (d.column - 1)}^", style="bold")
    return text


class PreviewErrorScreen(Screen[None]):
    """The errors of the file under preview, in place of its scenario until they are fixed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.restart", "Check again", id="preview-restart"),
    ]

    def __init__(self, broken: Broken, show: Callable[[str], str]) -> None:
        super().__init__()
        self.broken = broken
        self.show = show

    def compose(self) -> ComposeResult:
        broken = self.broken
        errors = len(broken.errors)
        warnings = len(broken.diagnostics) - errors
        yield Header()
        with VerticalScroll(id="preview-errors"):
            yield Static(
                Text(
                    f"{self.show(broken.file)}: {errors} error{'s' if errors != 1 else ''}, "
                    f"{warnings} warning{'s' if warnings != 1 else ''}. The scenario comes "
                    "back once the errors are fixed."
                ),
                classes="heading",
            )
            yield Static(
                diagnostic_text(broken.diagnostics, broken.lines, self.show), id="diagnostics"
            )
            yield Static(
                Text("Save the file and the preview reloads by itself; r checks again."),
                classes="hint",
            )
        yield Footer()
