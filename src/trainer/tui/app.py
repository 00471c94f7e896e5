"""``TrainerApp``: the learner's face of the course. Sign in, see what is next, take modules,
attest, receive the certificate.

The App owns the long-lived state (the :class:`Records` service and who is signed in); the
screens call that service and nothing below it. Every answer is committed by
``Records.answer`` before its feedback is drawn, so quitting anywhere loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from trainer.tui.memory import recall, remember
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.signin import SignInScreen
from trainer.tui.themes import HIGH_CONTRAST, THEMES, theme_named

# The screens past sign-in, and the records, are imported when first needed: the sign-in
# screen is up before the course and database are (benchmarks/tui_startup.py).
if TYPE_CHECKING:
    from trainer.records.service import Records


class TrainerApp(App[None]):
    """The learner's UI over one course's records."""

    CSS_PATH = "trainer.tcss"
    TITLE = "trainer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit; every answer is already saved", id="quit"),
        Binding("g", "policy", "Policy", tooltip="Browse and search the policy", id="policy"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
    ]

    def __init__(self, records: Records | Callable[[], Records]) -> None:
        """``records``: open already, or a function that opens them (it runs in a thread
        once the sign-in screen is up; what it raises ends the app, in ``open_error``)."""
        super().__init__()
        self._records: Records | None = None
        self._opener: Callable[[], Records] | None = None
        self.open_error: Exception | None = None
        if callable(records):
            self._opener = records
        else:
            self._opened(records)
        self.badge: str | None = None
        for theme in THEMES.values():
            self.register_theme(theme)
        # TRAINER_THEME wins over what this terminal last chose: it is how a lab sets it.
        self._start_in(theme_named(os.environ.get("TRAINER_THEME") or recall("theme")))

    def _start_in(self, theme: Theme) -> None:
        """What setting ``theme`` does, less the re-parse of all the CSS it asks for once
        the app is up: before the first parse, the theme's variables are all it takes
        (a re-parse is a few milliseconds of every start: benchmarks/tui_startup.py)."""
        self.set_reactive(App.theme, theme.name)
        self.update_classes(
            {f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark},
            update=False,
        )
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def records(self) -> Records:
        """The course's records. Only the sign-in screen may show before they are open."""
        if self._records is None:
            raise RuntimeError("the records are not open yet")
        return self._records

    @property
    def records_open(self) -> bool:
        return self._records is not None

    def on_mount(self) -> None:
        # Not here but once mounting is over: Textual holds back every frame drawn while the
        # app mounts, so the first screen would reach the terminal only after whatever its
        # first frame lets run (opening the records, adding a form) had run too.
        self.call_later(self._first_screen)

    async def _first_screen(self) -> None:
        # Pushed over the (empty) default screen, so that every later step can replace the
        # screen on top with switch_screen.
        await self.push_screen(SignInScreen())
        if self._opener is not None:
            # A daemon thread, not a Textual worker: quitting never waits for a slow database.
            opening = threading.Thread(target=self._open, name="open-records", daemon=True)
            self.call_after_refresh(opening.start)

    def _open(self) -> None:
        """In its own thread: open the records, then hand them to the app's thread."""
        assert self._opener is not None
        try:
            done = partial(self._opened, self._opener())
        except Exception as error:  # reported by the command that ran the app, once it ends
            done = partial(self._failed, error)
        with contextlib.suppress(RuntimeError):  # the app has ended: no one is waiting
            self.call_from_thread(done)

    def _opened(self, records: Records) -> None:
        self._records = records
        self.sub_title = records.bundle.course.title
        if self.is_running and isinstance(self.screen, SignInScreen):
            self.screen.show_learners()

    def _failed(self, error: Exception) -> None:
        self.open_error = error
        self.exit(return_code=1)

    def sign_in(self, badge: str) -> None:
        """Make ``badge`` the learner, and show their home screen."""
        from trainer.tui.screens.home import HomeScreen

        self.badge = badge
        remember("last-learner", badge)
        self.switch_screen(HomeScreen())

    def action_policy(self, section: str = "") -> None:
        """Open the policy browser over whatever is on screen, at ``section`` if given."""
        from trainer.tui.screens.policy import PolicyScreen

        if not self.records_open:
            self.notify("One moment: the course is still opening.")
            return
        if not isinstance(self.screen, PolicyScreen):
            guidelines = list(self.records.bundle.policy.guidelines)
            self.push_screen(PolicyScreen(guidelines, section=section or None))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_home(self) -> None:
        """Back to the learner's home screen, from under any screen stacked on it."""
        from trainer.tui.screens.home import HomeScreen

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


def make_app(records: Records | Callable[[], Records]) -> TrainerApp:
    """The app over ``records``, open already (the tests) or opened by the function given
    behind the first screen (the command line): the one factory both share."""
    return TrainerApp(records)
