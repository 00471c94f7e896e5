"""Help: the keys, how progress is kept, and where screen-reader users are best served."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS = (
    ("Enter", "submit an answer; then continue to the next item"),
    ("1-9", "choose an answer; toggle it in a 'select all' or 'mark the parts' question"),
    ("Space", "toggle the highlighted answer or part"),
    ("↑ ↓ ← →", "move between answers, or between the parts of a post"),
    ("Tab", "move between answers, buttons and the sections an answer cites"),
    ("Esc", "back to your home screen (nothing is lost); closes this help"),
    ("g", "the policy: every section, searchable"),
    ("?", "this help"),
    ("Ctrl+P", "the command palette: policy, help, home, theme, sign out, quit"),
    ("q", "quit: every answer is saved the moment you submit it"),
)


def help_text() -> Text:
    """The help as one block of text."""
    text = Text()
    text.append("Keys\n", style="bold")
    for key, what in KEYS:
        text.append(f"  {key:<9}", style="bold")
        text.append(f" {what}\n")
    text.append("\nYour progress\n", style="bold")
    text.append(
        "Every answer is recorded before its feedback appears. Quit at any time; when you "
        "come back and sign in, the module opens at the item you left.\n"
    )
    text.append("\nReading the screen\n", style="bold")
    text.append(
        "Verdicts always come as a mark and a word (✓ Correct, ◐ Partly right, ✗ Incorrect), "
        "never by colour alone. For a high-contrast theme: Ctrl+P, then 'Theme', or start "
        "with TRAINER_THEME=high-contrast.\n"
    )
    text.append("\nScreen readers\n", style="bold")
    text.append(
        "If you use a screen reader, the line-mode course serves you best: the same course, "
        "questions and feedback as plain lines, answered by typing a letter:\n"
    )
    text.append("  trainer take --learner BADGE --track onboarding\n", style="bold")
    return text


class HelpScreen(ModalScreen[None]):
    """The help, over whatever screen asked for it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="close-help"),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="panel"):
            yield Static(Text("Help", style="bold"), classes="heading")
            yield Static(help_text(), id="help-text")
        yield Footer()
