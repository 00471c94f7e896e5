"""The end of a module: score against the pass mark, passed or not, what to review, retake."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Static

from trainer.records.db import RecordsError
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.screens.scenario import ScenarioScreen
from trainer.tui.widgets.mastery import mastery_text


class SummaryScreen(TrainerScreen):
    """A completed attempt's result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retake", "Retake", id="retake"),
        Binding("a", "attest", "Attest", id="attest"),
        Binding("escape", "home", "Home", id="home"),
    ]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id

    def compose(self) -> ComposeResult:
        attempt = self.records.attempt(self.attempt_id)
        module = self.records.module_of(attempt)
        course = self.records.version(attempt.content_hash).course
        pass_mark = dict(course.tracks.items())[attempt.track].pass_mark
        earned, maximum = attempt.earned or 0, attempt.maximum or 0
        percent = 100 * earned / maximum if maximum else 0
        self.passed = bool(attempt.passed)
        verdict = "✓ Passed" if self.passed else "✗ Not passed"
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(Text(module.title), classes="heading")
            yield Static(
                Text(verdict, style="bold"),
                id="verdict",
                classes="verdict-correct" if self.passed else "verdict-incorrect",
            )
            yield Static(
                Text(
                    f"Score {earned} of {maximum} points ({percent:.0f}%); pass mark {pass_mark}%"
                ),
                id="score",
            )
            per_guideline = self.records.mastery(attempt)
            if per_guideline:
                policy = self.records.version(attempt.content_hash).policy
                titles = {g.id: g.title for g in policy.guidelines}
                yield Static(Text("By policy section"), classes="heading")
                yield Static(mastery_text(per_guideline, titles, pass_mark), id="mastery")
            review = [a for a in attempt.answers if a.verdict != "correct"]
            if review:
                titles = {s.id: s.title for s in module.scenarios}
                lines = "\n".join(f"  • {titles.get(a.scenario, a.scenario)}" for a in review)
                yield Static(Text(f"To review:\n{lines}"), id="review")
            if not self.passed:
                yield Static(
                    Text("The retake draws again and favours the sections you found hardest."),
                    classes="hint",
                )
            status = self.records.track_status(attempt.badge, attempt.track)
            self.ready_to_attest = self.passed and status.round_open and status.all_passed
            if self.ready_to_attest:
                yield Static(
                    Text(
                        "Every module of this track is passed. Attest that you have read the "
                        "policy to complete the track and receive your certificate."
                    ),
                    id="track-done",
                )
            with Horizontal(classes="buttons"):
                if not self.passed:
                    yield Button("Retake", id="retake", variant="primary")
                if self.ready_to_attest:
                    yield Button("Attest", id="attest", variant="primary")
                yield Button("Home", id="home")
        yield Footer()

    def on_mount(self) -> None:
        first = "#retake" if not self.passed else "#attest" if self.ready_to_attest else "#home"
        self.query_one(first, Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retake":
            return not self.passed
        if action == "attest":
            return self.ready_to_attest
        return True

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#attest")
    def action_attest(self) -> None:
        from trainer.tui.screens.attest import AttestScreen

        track = self.records.attempt(self.attempt_id).track
        self.app.switch_screen(AttestScreen(track))

    @on(Button.Pressed, "#retake")
    def action_retake(self) -> None:
        attempt = self.records.attempt(self.attempt_id)
        try:
            retake = self.records.start_attempt(attempt.badge, attempt.track, attempt.module)
        except RecordsError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.switch_screen(ScenarioScreen(retake.id))
