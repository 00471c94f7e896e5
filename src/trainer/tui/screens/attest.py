"""The end of a track: the learner attests by typing their badge number; the certificate
is then issued and its PDF written (in a worker thread: rendering takes a moment)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Static

from trainer.content.models import TrackId
from trainer.records.db import RecordsError
from trainer.tui.screens.base import TrainerScreen


class AttestScreen(TrainerScreen):
    """Attestation, then the certificate: its number, where the PDF is, how to verify it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Home", id="home"),
    ]

    def __init__(self, track: TrackId) -> None:
        super().__init__()
        self.track: TrackId = track

    def compose(self) -> ComposeResult:
        bundle = self.records.bundle
        course = bundle.course
        yield Header()
        with VerticalScroll(id="attest"):
            yield Static(Text("Policy acknowledgement"), classes="heading")
            yield Static(
                Text(
                    f"{course.title}, version {course.version} (content {bundle.content_hash[:12]})"
                ),
                classes="hint",
            )
            yield Static(Text(course.attestation), id="attestation")
            yield Input(placeholder="Type your badge number to attest", id="typed-badge")
            yield Button("Attest", id="attest-button", variant="primary")
            yield Static(id="attest-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#typed-badge", Input).focus()

    def action_home(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted, "#typed-badge")
    @on(Button.Pressed, "#attest-button")
    def attest(self) -> None:
        typed = self.query_one("#typed-badge", Input).value
        result = self.query_one("#attest-result", Static)
        try:
            cert = self.records.attest(self.badge, self.track, typed)
        except RecordsError as exc:
            result.update(Text(f"✗ {exc}"))
            return
        self.query_one("#typed-badge", Input).disabled = True
        self.query_one("#attest-button", Button).disabled = True
        until = f", valid until {cert.valid_until:%Y-%m-%d}" if cert.valid_until else ""
        result.update(Text(f"✓ Track complete{until}. Issuing the certificate…"))
        self.deliver(f"✓ Track complete{until}.")

    @work(thread=True, exclusive=True)
    def deliver(self, done: str) -> None:
        """Issue and save the certificate; a failure loses nothing (the completion is
        recorded, and ``trainer certificate issue`` writes it later)."""
        from trainer.certificates.delivery import issue_and_save
        from trainer.certificates.errors import CertificateError

        said: list[str] = []
        try:
            delivered = issue_and_save(self.records, self.badge, self.track, said.append)
        except CertificateError as exc:
            lines = [
                done,
                f"✗ The certificate could not be written: {exc}",
                f"The completion is recorded: 'trainer certificate issue --learner "
                f"{self.badge} --track {self.track}' writes it once that is fixed.",
            ]
        else:
            lines = [
                done,
                *said,
                f"Certificate {delivered.certificate.number}",
                f"PDF: {delivered.path}",
                f"Anyone can check it offline: trainer certificate verify {delivered.path}",
            ]
        self.app.call_from_thread(self.show_result, "\n".join(lines))

    def show_result(self, text: str) -> None:
        self.query_one("#attest-result", Static).update(Text(text))
