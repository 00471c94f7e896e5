"""Home: the learner's tracks and modules with their status, the next thing highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trainer.content.models import TrackId
from trainer.engine.scoring import Score
from trainer.records.db import RecordsError
from trainer.records.history import History
from trainer.records.service import ModuleStatus, TrackStatus
from trainer.tui.screens.attest import AttestScreen
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.screens.scenario import ScenarioScreen

MARKS = {"not started": "·", "in progress": "◐", "passed": "✓", "failed": "✗"}
COLOURS = {"not started": "dim", "in progress": "yellow", "passed": "green", "failed": "red"}


def status_words(status: ModuleStatus) -> str:
    """not started, in progress k/n, passed with score, failed with score: in words, so
    colour is never the only sign."""
    if status.state == "in progress":
        return f"in progress {status.answered}/{status.items}"
    if status.score is not None:
        return f"{status.state} {status.score.percent:.0f}%"
    return status.state


def certification_words(status: TrackStatus) -> str:
    cert = status.certification
    if cert.status == "certified" and cert.valid_until is not None:
        return f"certified until {cert.valid_until:%Y-%m-%d}"
    if cert.status == "certified":
        return "complete"
    if cert.status == "expired":
        return "certification expired"
    return "not certified yet"


class HomeScreen(TrainerScreen):
    """Every track of the course with its modules; Enter opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sign_out", "Sign out", id="sign-out"),
        Binding("o", "records", "Records", tooltip="Roster and due list (officers)", id="records"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(id="who", classes="heading")
            yield OptionList(id="plan")
            yield Static(id="next", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_plan()
        self.query_one("#plan", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_plan()

    def refresh_plan(self) -> None:
        learner = self.records.learner(self.badge)
        self.query_one("#who", Static).update(
            Text(f"{learner.name} · badge {learner.badge} · {learner.agency}")
        )
        options: list[Option] = []
        upcoming: tuple[str, str] | None = None
        for track_id, track in self.records.bundle.course.tracks.items():
            status = self.records.track_status(self.badge, track_id)
            heading = Text.assemble(
                (track.title, "bold"),
                f"  ·  pass mark {track.pass_mark}%  ·  ",
                certification_words(status),
            )
            options.append(Option(heading, disabled=True))
            issued = self._certificate_line(track_id) if status.certification.completed else None
            if issued is not None:
                options.append(Option(issued, disabled=True))
            history = self.records.history(self.badge)
            for module_status in status.modules:
                if not status.round_open:  # done for now: show how the round was passed
                    module_status = self._as_passed(module_status, history, track_id)
                option_id = f"module:{track_id}:{module_status.module.id}"
                is_next = upcoming is None and status.round_open and module_status.state != "passed"
                if is_next:
                    upcoming = (option_id, module_status.module.title)
                options.append(Option(self._module_line(module_status, is_next), id=option_id))
            if status.round_open and status.all_passed:
                option_id = f"attest:{track_id}"
                is_next = upcoming is None
                if is_next:
                    upcoming = (option_id, f"attest the {track.title} track")
                line = Text.assemble(
                    ("▶ " if is_next else "  "),
                    "Attest and receive the certificate",
                    style="bold" if is_next else "",
                )
                options.append(Option(line, id=option_id))
        plan = self.query_one("#plan", OptionList)
        highlighted = plan.highlighted
        plan.clear_options()
        plan.add_options(options)
        if upcoming is not None:
            plan.highlighted = plan.get_option_index(upcoming[0])
            hint = f"Next: {upcoming[1]}. Press Enter to begin, or pick another."
        else:
            plan.highlighted = highlighted
            hint = "Nothing is due: every track is complete."
        self.query_one("#next", Static).update(Text(hint))

    def _as_passed(self, status: ModuleStatus, history: History, track: TrackId) -> ModuleStatus:
        """``status`` as of the learner's last passed attempt at the module, if any."""
        done = [
            a
            for a in history.attempts_of(self.badge, track, status.module.id)
            if a.passed and a.earned is not None and a.maximum is not None
        ]
        if not done:
            return status
        last = done[-1]
        score = Score(last.earned or 0, last.maximum or 0)
        return ModuleStatus(status.module, "passed", len(last.items), len(last.items), score)

    def _certificate_line(self, track: TrackId) -> Text | None:
        """The learner's latest certificate of ``track``: its number and where its PDF is."""
        from trainer.certificates.delivery import default_pdf_path
        from trainer.certificates.issue import issued_certificates

        issued = issued_certificates(self.records, badge=self.badge, track=track)
        if not issued:
            return None
        latest = issued[-1]
        pdf = default_pdf_path(latest)
        return Text.assemble(
            "  ✓ Certificate ", (latest.number, "bold"), f" · {pdf.parent.name}/{pdf.name}"
        )

    @staticmethod
    def _module_line(status: ModuleStatus, is_next: bool) -> Text:
        words = status_words(status)
        return Text.assemble(
            "▶ " if is_next else "  ",
            (f"{MARKS[status.state]} ", COLOURS[status.state]),
            (f"{status.module.title:<40}", "bold" if is_next else ""),
            f" {words}",
            ("  (next)" if is_next else ""),
        )

    @on(OptionList.OptionSelected, "#plan")
    def open_item(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        kind, _, rest = option_id.partition(":")
        if kind == "attest":
            self.app.push_screen(AttestScreen(_track(rest)))
        elif kind == "module":
            track, _, module_id = rest.partition(":")
            self.open_module(_track(track), module_id)

    def open_module(self, track: TrackId, module_id: str) -> None:
        status = self.records.track_status(self.badge, track)
        if not status.round_open:
            self.notify(f"The {track} track is complete: nothing to do here.")
            return
        state = next(m for m in status.modules if m.module.id == module_id).state
        if state == "passed":
            self.notify("This module is passed already.")
            return
        try:
            attempt = self.records.open_attempt(self.badge, track, module_id)
            if attempt is None:
                attempt = self.records.start_attempt(self.badge, track, module_id)
        except RecordsError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(ScenarioScreen(attempt.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "records":  # training officers only: hidden from the footer otherwise
            return self.records.learner(self.badge).is_officer
        return True

    def action_records(self) -> None:
        from trainer.tui.screens.records import RecordsScreen

        self.app.push_screen(RecordsScreen())

    def action_sign_out(self) -> None:
        self.trainer.action_sign_out()


def _track(text: str) -> TrackId:
    if text == "refresher":
        return "refresher"
    return "onboarding"
