"""``TrainerApp``: the learner's face of the course. Sign in, see what is next, take modules,
attest, receive the certificate.

The App owns the long-lived state (the :class:`Records` service and who is signed in); the
screens call that service and nothing below it. Every answer is committed by
``Records.answer`` before its feedback is drawn, so quitting anywhere loses nothing.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from trainer.records.service import Records
from trainer.tui.last_learner import remember
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.policy import PolicyScreen
from trainer.tui.screens.signin import SignInScreen


class TrainerApp(App[None]):
    """The learner's UI over one course's records."""

    CSS_PATH = "trainer.tcss"
    TITLE = "trainer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit; every answer is already saved", id="quit"),
        Binding("g", "policy", "Policy", tooltip="Browse and search the policy", id="policy"),
    ]

    def __init__(self, records: Records) -> None:
        super().__init__()
        self.records = records
        self.badge: str | None = None
        self.sub_title = records.bundle.course.title

    def on_mount(self) -> None:
        # Pushed over the (empty) default screen, so that every later step can replace the
        # screen on top with switch_screen.
        self.push_screen(SignInScreen())

    def sign_in(self, badge: str) -> None:
        """Make ``badge`` the learner, and show their home screen."""
        self.badge = badge
        remember(badge)
        self.switch_screen(HomeScreen())

    def action_policy(self) -> None:
        """Open the policy browser over whatever is on screen."""
        if not isinstance(self.screen, PolicyScreen):
            self.push_screen(PolicyScreen(list(self.records.bundle.policy.guidelines)))


def make_app(records: Records) -> TrainerApp:
    """The app over ``records`` (the course and database already open): the one factory the
    command line and the tests share."""
    return TrainerApp(records)
