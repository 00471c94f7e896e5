"""Sign-in: choose a registered learner, or register a new one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from trainer.tui.memory import recall
from trainer.tui.screens.base import TrainerScreen


class SignInScreen(TrainerScreen):
    """Who is training: a list of learners on the left, a registration form on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "register", "Register", id="register"),
        # Every key types into the form here, so help has a key that does not.
        Binding("f1", "app.help", "Help", id="signin-help"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="signin"):
            with Vertical(id="choose", classes="panel"):
                yield Static("Sign in as", classes="heading")
                yield OptionList(id="learners")
                yield Static(
                    Text(
                        "Using a screen reader? The same course as plain lines:\n"
                        "trainer take --learner BADGE --track onboarding"
                    ),
                    id="screen-reader",
                    classes="hint",
                )
            with Vertical(id="register", classes="panel"):
                yield Static("New here? Register", classes="heading")
                yield Input(placeholder="Full name", id="name")
                yield Input(placeholder="Badge number", id="badge")
                yield Input(placeholder="Agency", id="agency")
                yield Button("Register and start", id="register-button", variant="primary")
                yield Static(id="signin-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        if self.trainer.records_open:
            self.show_learners()
            return
        # Up before the records are (the app opens them behind this screen): keys go where
        # they will be wanted, the list if someone has signed in here before.
        listing = self.query_one("#learners", OptionList)
        listing.add_option(Option(Text("Opening the records…"), disabled=True))
        if recall("last-learner"):
            listing.focus()
        else:
            self.query_one("#name", Input).focus()

    def show_learners(self) -> None:
        """List the learners, once the records are open; typing already begun keeps its
        place."""
        last = recall("last-learner")
        # The learner who last trained on this terminal comes first.
        learners = sorted(self.records.learners(), key=lambda x: x.badge != last)
        listing = self.query_one("#learners", OptionList)
        listing.clear_options()
        typing = any(field.value for field in self.query(Input))
        if learners:
            listing.add_options(
                Option(
                    Text(
                        f"{x.name}  ·  {x.badge}  ·  {x.agency}"
                        + ("  (last here)" if x.badge == last else "")
                    ),
                    id=x.badge,
                )
                for x in learners
            )
            listing.highlighted = 0
            if not typing:
                listing.focus()
        else:
            listing.add_option(Option(Text("No learners yet: register"), disabled=True))
            if not typing:
                self.query_one("#name", Input).focus()
        agency = self.query_one("#agency", Input)
        if not agency.value:
            agency.value = self.records.bundle.course.agency.name

    @on(OptionList.OptionSelected, "#learners")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.trainer.sign_in(event.option.id)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "agency":
            self.action_register()
        else:
            self.focus_next()

    @on(Button.Pressed, "#register-button")
    def action_register(self) -> None:
        from trainer.records.db import RecordsError

        if not self.trainer.records_open:
            self.notify("One moment: the records are still opening.")
            return
        value = {
            name: self.query_one(f"#{name}", Input).value for name in ("name", "badge", "agency")
        }
        try:
            learner = self.records.register(value["name"], value["badge"], value["agency"])
        except RecordsError as exc:
            self.query_one("#signin-error", Static).update(Text(f"✗ {exc}"))
            return
        self.trainer.sign_in(learner.badge)
