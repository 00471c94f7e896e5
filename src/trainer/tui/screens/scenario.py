"""One item of an attempt: the situation, the post, the question and its choices; then the
feedback, once the answer is committed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Header, RadioSet, Static

from trainer.content.models import FlagStep, SingleStep, step_options
from trainer.engine import Certainty, Outcome
from trainer.engine.outcome import CERTAINTIES
from trainer.records.db import RecordsError
from trainer.tui.collect import collect_while_reading, pause_collection
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.widgets.choice_button import CheckGroup, ChoiceButton, ChoiceCheck
from trainer.tui.widgets.feedback import (
    SURE_AND_WRONG_PART,
    FeedbackView,
    choice_part,
    feedback_parts,
    section_part,
)
from trainer.tui.widgets.flag_post import FlagPost
from trainer.tui.widgets.pinned_scroll import PinnedScroll
from trainer.tui.widgets.post_card import PostCard
from trainer.tui.widgets.prose import reflow


class CitationButton(Button):
    """Opens the policy section an answer cited (``section``), once the outcome names it."""

    section = ""


class ScenarioScreen(TrainerScreen):
    """The first unanswered item of an attempt. Enter submits (and then continues); number
    keys pick a choice; Space toggles in a list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "advance", "Submit", priority=True, id="submit"),
        # Priority, like Enter: else a typed-ahead Enter (a priority binding) overtakes the
        # digit on its way through the focused widget.
        Binding("1", "pick(1)", "Choose", key_display="1-9", priority=True, id="pick"),
        *(Binding(str(n), f"pick({n})", show=False, priority=True) for n in range(2, 10)),
        Binding("escape", "home", "Home", id="home"),
    ]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.outcome: Outcome | None = None
        # A choice picked by number key: RadioSet learns of it by message, which a quick
        # Enter (typed ahead, or pasted) can overtake.
        self.picked: int | None = None

    def compose(self) -> ComposeResult:
        attempt = self.records.attempt(self.attempt_id)
        module = self.records.module_of(attempt)
        position = attempt.position(module)
        yield Header()
        if position is None:  # finished already: on_mount moves on to the summary
            yield Footer()
            return
        number, scenario_id, step_id = position
        self.scenario = next(s for s in module.scenarios if s.id == scenario_id)
        self.step = next(s for s in self.scenario.steps if s.id == step_id)
        self.options = step_options(self.step)
        self.ask_certainty = module.ask_certainty
        policy = {g.id: g for g in self.records.version(attempt.content_hash).policy.guidelines}
        cited = dict.fromkeys(g for o in self.options for g in o.cites)
        self.citable = [policy[g] for g in cited if g in policy]
        with PinnedScroll(id="item"):
            yield Static(
                Text(f"{module.title} · item {number + 1} of {len(attempt.items)}"),
                id="progress",
                classes="hint",
            )
            yield Static(Text(self.scenario.title), classes="heading")
            yield Static(Text(reflow(self.scenario.situation)), id="situation")
            post = self.scenario.post
            # A "mark the parts" step marks them in the post itself, shown after its prompt.
            in_place = isinstance(self.step, FlagStep) and post is not None and bool(post.text)
            if post is not None and not in_place:
                yield PostCard(post, id="post")
            if self.step.situation:
                yield Static(Text(reflow(self.step.situation)), id="step-situation")
            yield Static(Text(reflow(self.step.prompt)), id="prompt", classes="heading")
            labels = [Text(f"{i}. {o.text}") for i, o in enumerate(self.options, 1)]
            if in_place and isinstance(self.step, FlagStep) and post is not None:
                yield Static(
                    Text(
                        "Mark a part with its number key, or with ←/→ and Space, or with a "
                        "click; Enter submits."
                    ),
                    classes="hint",
                )
                yield FlagPost(post, self.step.segments, id="choices")
            elif isinstance(self.step, SingleStep):
                yield RadioSet(*(ChoiceButton(label) for label in labels), id="choices")
            else:
                yield Static(
                    Text("Select all that apply: number keys or Space toggle; Enter submits."),
                    classes="hint",
                )
                yield CheckGroup(
                    *(
                        ChoiceCheck(label, name=o.id)
                        for label, o in zip(labels, self.options, strict=True)
                    ),
                    id="choices",
                )
            if self.ask_certainty:
                yield Static(Text("How sure are you?"), classes="heading")
                yield RadioSet(*(ChoiceButton(c) for c in CERTAINTIES), id="certainty")
            yield Button("Submit", id="submit", variant="primary")
            yield FeedbackView(id="feedback")
            # One hidden button per section any answer here could cite, filled in and shown
            # by the outcome: mounting widgets after the answer would cost the feedback frame.
            with Horizontal(id="citations", classes="buttons"):
                for _ in self.citable:
                    slot = CitationButton("", classes="citation")
                    slot.display = False
                    yield slot
            yield Button("Continue", id="continue", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        if not self.query("#choices"):
            self.next_item()
            return
        choices = self.query_one("#choices")
        if isinstance(choices, CheckGroup):
            choices.focus_first()
        else:
            choices.focus(scroll_visible=False)
        # The story comes first: the learner starts reading at the top, whatever has focus.
        self.query_one("#item").scroll_home(animate=False)
        # While they read, not while they wait for their feedback.
        self.call_after_refresh(self.prepare_feedback)
        self.call_after_refresh(collect_while_reading)

    def on_resize(self) -> None:
        if self.outcome is None and self.query("#choices"):
            self.call_after_refresh(self.prepare_feedback)

    def prepare_feedback(self) -> None:
        """Wrap every part the feedback could show, at each width it could be drawn at
        (with the item's scroll bar and without), while the learner reads."""
        item = self.query_one("#item", PinnedScroll)
        feedback = self.query_one("#feedback", FeedbackView)
        width = item.scrollable_content_region.width - feedback.styles.gutter.width
        widths = {width}
        if not item.show_vertical_scrollbar:  # the feedback may bring it
            widths.add(width - item.styles.scrollbar_size_vertical)
        parts = [SURE_AND_WRONG_PART]
        for number, option in enumerate(self.options, 1):
            why = option.feedback or ""
            parts.append(choice_part(number, option.text, why))
            parts.append(choice_part(number, option.text, why, missed=True))
        parts += [section_part(g.id, g.title, g.text) for g in self.citable]
        feedback.prepare(parts, (w for w in widths if w > 0))

    # --- answering ------------------------------------------------------------------

    def action_pick(self, number: int) -> None:
        if self.outcome is not None or number > len(self.options):
            return
        choices = self.query_one("#choices")
        if isinstance(choices, RadioSet):
            list(choices.query(ChoiceButton))[number - 1].value = True
            self.picked = number - 1
        elif isinstance(choices, CheckGroup):
            choices.toggle(number)
            return
        elif isinstance(choices, FlagPost):
            choices.action_toggle_segment(number)
        choices.focus()

    def action_advance(self) -> None:
        # Enter is a priority binding, so a focused citation button must be pressed here.
        focused = self.focused
        if isinstance(focused, Button) and focused.has_class("citation"):
            focused.press()
            return
        if self.outcome is None:
            self.submit()
        else:
            self.next_item()

    def action_home(self) -> None:
        self.app.pop_screen()

    @on(RadioSet.Changed, "#choices")
    def choice_changed(self) -> None:
        self.picked = None  # the RadioSet has caught up

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        if self.outcome is not None:
            return
        choices = self.query_one("#choices")
        selected: list[str] = []
        if isinstance(choices, RadioSet):
            index = choices.pressed_index if self.picked is None else self.picked
            if index < 0:
                self.notify("Choose an answer first (a number key, or arrows and Space).")
                return
            selected = [self.options[index].id]
        elif isinstance(choices, CheckGroup | FlagPost):
            selected = choices.selected
        certainty: Certainty | None = None
        if self.ask_certainty:
            index = self.query_one("#certainty", RadioSet).pressed_index
            if index < 0:
                self.notify("Say how sure you are first.")
                return
            certainty = CERTAINTIES[index]
        # No collector pauses from here until the feedback is drawn.
        resume = pause_collection()
        try:
            outcome = self.records.answer(
                self.attempt_id, self.scenario.id, self.step.id, selected, certainty
            )
        except RecordsError as exc:
            self.notify(str(exc), severity="error")
            return
        else:
            self.show_outcome(outcome)
        finally:
            self.call_after_refresh(resume)

    def show_outcome(self, outcome: Outcome) -> None:
        """The answer is on disk: draw the feedback, all of it in the next frame, then
        move the focus and lock the choices (benchmarks/tui_feedback.py).

        Widgets are shown by their own ``display`` rather than by a class: a class change
        restyles the widget and all it holds, a display change only lays them out again.
        """
        self.outcome = outcome
        self.query_one("#submit", Button).display = False
        feedback = self.query_one("#feedback", FeedbackView)
        feedback.show(feedback_parts(outcome, [o.id for o in self.options]), outcome.verdict)
        slots = self.query_one("#citations", Horizontal).query(CitationButton)
        for slot, cited in zip(slots, outcome.cited, strict=False):
            slot.label = f"Read {cited.id}"
            slot.section = cited.id
            slot.tooltip = cited.title
            slot.display = True
        self.query_one("#citations").display = bool(outcome.cited)
        self.query_one("#continue", Button).display = True
        # The verdict at the top of the view, in the same layout that shows it.
        self.query_one("#item", PinnedScroll).pin(feedback)
        self.call_after_refresh(self.after_feedback)

    def after_feedback(self) -> None:
        """Focus Continue, and lock the choices: each restyles widgets, so they wait for
        the feedback to be up. Meanwhile the answer is recorded already, Enter continues
        and number keys are refused (both are the screen's own keys)."""
        # Now, not on the next message as Widget.focus does: a focused widget disabled
        # hands the focus on itself, and scrolls to where it went.
        self.set_focus(self.query_one("#continue", Button), scroll_visible=False)
        for widget in self.query("#choices, #certainty"):
            widget.disabled = True

    @on(Button.Pressed, ".citation")
    def open_citation(self, event: Button.Pressed) -> None:
        """Open the policy browser at the cited section."""
        if isinstance(event.button, CitationButton) and event.button.section:
            self.trainer.action_policy(event.button.section)

    @on(Button.Pressed, "#continue")
    def next_item(self) -> None:
        attempt = self.records.attempt(self.attempt_id)
        if attempt.position(self.records.module_of(attempt)) is not None:
            self.app.switch_screen(ScenarioScreen(self.attempt_id))
            return
        from trainer.tui.screens.summary import SummaryScreen

        try:
            self.records.complete(self.attempt_id)
        except RecordsError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.switch_screen(SummaryScreen(self.attempt_id))
