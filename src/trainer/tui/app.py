"""``TrainerApp``: the learner's face of the course. Sign in, see what is next, take modules,
attest, receive the certificate.

The App owns the long-lived state (the :class:`Records` service and who is signed in); the
screens call that service and nothing below it. Every answer is committed by
``Records.answer`` before its feedback is drawn, so quitting anywhere loses nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from trainer.records.service import Records
from trainer.tui.memory import recall, remember
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.policy import PolicyScreen
from trainer.tui.screens.signin import SignInScreen
from trainer.tui.themes import HIGH_CONTRAST, THEMES, theme_named


class TrainerApp(App[None]):
    """The learner's UI over one course's records."""

    CSS_PATH = "trainer.tcss"
    TITLE = "trainer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit; every answer is already saved", id="quit"),
        Binding("g", "policy", "Policy", tooltip="Browse and search the policy", id="policy"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
    ]

    def __init__(self, records: Records) -> None:
        super().__init__()
        self.records = records
        self.badge: str | None = None
        self.sub_title = records.bundle.course.title
        for theme in THEMES.values():
            self.register_theme(theme)
        # TRAINER_THEME wins over what this terminal last chose: it is how a lab sets it.
        self.theme = theme_named(os.environ.get("TRAINER_THEME") or recall("theme")).name

    def on_mount(self) -> None:
        # Pushed over the (empty) default screen, so that every later step can replace the
        # screen on top with switch_screen.
        self.push_screen(SignInScreen())

    def sign_in(self, badge: str) -> None:
        """Make ``badge`` the learner, and show their home screen."""
        self.badge = badge
        remember("last-learner", badge)
        self.switch_screen(HomeScreen())

    def action_policy(self, section: str = "") -> None:
        """Open the policy browser over whatever is on screen, at ``section`` if given."""
        if not isinstance(self.screen, PolicyScreen):
            guidelines = list(self.records.bundle.policy.guidelines)
            self.push_screen(PolicyScreen(guidelines, section=section or None))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_home(self) -> None:
        """Back to the learner's home screen, from under any screen stacked on it."""
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_sign_out(self) -> None:
        self.badge = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen())

    def action_toggle_contrast(self) -> None:
        """Switch between the default and the high-contrast theme, and remember it here."""
        chosen = theme_named(None if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name)
        self.theme = chosen.name
        remember("theme", chosen.name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The main actions first; Textual's own after, less its theme list (ours are two)."""
        yield SystemCommand("Policy", "Browse and search the policy (g)", self.action_policy)
        yield SystemCommand("Help", "Keys, progress, screen readers (?)", self.action_help)
        if self.badge is not None:
            yield SystemCommand("Home", "Your tracks and modules", self.action_home)
            yield SystemCommand("Sign out", "Let someone else sign in", self.action_sign_out)
        high = self.theme == HIGH_CONTRAST.name
        yield SystemCommand(
            "Theme: default" if high else "Theme: high contrast",
            "Switch the colours; remembered on this terminal",
            self.action_toggle_contrast,
        )
        for command in super().get_system_commands(screen):
            if command.title not in ("Theme", "Quit"):
                yield command
        yield SystemCommand("Quit", "Quit; every answer is already saved (q)", self.exit)


def make_app(records: Records) -> TrainerApp:
    """The app over ``records`` (the course and database already open): the one factory the
    command line and the tests share."""
    return TrainerApp(records)
