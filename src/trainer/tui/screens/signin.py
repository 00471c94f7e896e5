"""Sign-in: choose a registered learner, or register a new one.

The first screen of bare ``trainer``, so its first frame holds as little as it can: the
list of learners and, beside it, where to register. The registration form (three fields
and a button, the dearest widgets here to style and lay out) comes only when it is wanted:
on a terminal where no one has signed in yet (right after that first frame, while the
records are still opening), when there is no one to sign in as, or on Ctrl+R or a click
(benchmarks/tui_startup.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from trainer.tui.memory import recall
from trainer.tui.screens.base import TrainerScreen

FIELDS = (("name", "Full name"), ("badge", "Badge number"), ("agency", "Agency"))
"""The registration form's fields: id and placeholder."""


class RegisterPrompt(Static):
    """Where the registration form goes, until it is opened; a click opens it."""

    async def on_click(self) -> None:
        await self.run_action("screen.register")


class SignInScreen(TrainerScreen):
    """Who is training: a list of learners on the left, registration on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "register", "Register", id="register"),
        # Every key types into the form here, so help has a key that does not; `?` still
        # works off the form, but the footer names help once.
        Binding("f1", "app.help", "Help", id="signin-help"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
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
                if self.trainer.records_open and self.form_wanted(self.records.learners()):
                    yield from form()
                else:
                    yield RegisterPrompt(
                        Text("Ctrl+R, or a click here, opens the form."),
                        id="register-prompt",
                        classes="hint",
                    )
        yield Footer()

    @staticmethod
    def form_wanted(learners: Sequence[object]) -> bool:
        """Whether to show the form before anyone asks: on a terminal where no one has
        signed in yet, or when there is no one to sign in as."""
        return not learners or not recall("last-learner")

    @property
    def form_open(self) -> bool:
        return bool(self.query("#name"))

    def on_mount(self) -> None:
        if self.trainer.records_open:
            self.show_learners()
            return
        # Up before the records are (the app opens them behind this screen): keys go where
        # they will be wanted, the list if someone has signed in here before, else the
        # form, which a first-ever run needs and gets right after this first frame.
        listing = self.query_one("#learners", OptionList)
        listing.add_option(Option(Text("Opening the records…"), disabled=True))
        if recall("last-learner"):
            listing.focus()
        else:
            self.call_after_refresh(self.open_form)

    async def open_form(self, focus: bool = True) -> None:
        """Add the registration form, if it is not there; with ``focus``, go to its first
        empty field."""
        if not self.form_open:
            # In the DOM before the first await: a second call meanwhile finds it there.
            self.query_one("#register-prompt").display = False
            await self.query_one("#register", Vertical).mount_all(form())
            self.fill_agency()
        if focus:
            empty = [field for field in self.query(Input) if not field.value]
            self.set_focus(empty[0] if empty else self.query_one("#name", Input))

    def fill_agency(self) -> None:
        """The course's agency, as the form's default, once the records are open."""
        fields = self.query("#agency").results(Input)
        for agency in fields:
            if self.trainer.records_open and not agency.value:
                agency.value = self.records.bundle.course.agency.name

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
            if not self.form_open:
                self.call_next(self.open_form)
            elif not typing:
                self.query_one("#name", Input).focus()
        self.fill_agency()

    @on(OptionList.OptionSelected, "#learners")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.trainer.sign_in(event.option.id)

    @on(Input.Submitted)
    async def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "agency":
            await self.action_register()
        else:
            self.focus_next()

    @on(Button.Pressed, "#register-button")
    async def action_register(self) -> None:
        """Open the form; once it is open, register whoever it names."""
        from trainer.records.db import RecordsError

        if not self.form_open:
            await self.open_form()
            return
        if not self.trainer.records_open:
            self.notify("One moment: the records are still opening.")
            return
        value = {name: self.query_one(f"#{name}", Input).value for name, _ in FIELDS}
        try:
            learner = self.records.register(value["name"], value["badge"], value["agency"])
        except RecordsError as exc:
            self.query_one("#signin-error", Static).update(Text(f"✗ {exc}"))
            return
        self.trainer.sign_in(learner.badge)


def form() -> list[Widget]:
    """The registration form: three fields, the button, and a line for what went wrong."""
    return [
        *(Input(placeholder=text, id=field) for field, text in FIELDS),
        Button("Register and start", id="register-button", variant="primary"),
        Static(id="signin-error", classes="error"),
    ]
