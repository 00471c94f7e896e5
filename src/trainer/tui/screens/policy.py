"""The policy browser: every section of the policy, searchable, over any screen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from trainer.content.models import Guideline


def section_text(guideline: Guideline) -> Text:
    """One policy section as the browser shows it."""
    shown = Text()
    shown.append(f"{guideline.id} · {guideline.title}\n", style="bold")
    shown.append(guideline.text)
    if guideline.source:
        shown.append(f"\nSource: {guideline.source}", style="dim")
    return shown


def matches(guideline: Guideline, query: str) -> bool:
    """Whether every word of ``query`` occurs in the section's id, title, text or group."""
    haystack = " ".join((guideline.id, guideline.title, guideline.text, guideline.group)).casefold()
    return all(word in haystack for word in query.casefold().split())


class PolicyScreen(ModalScreen[None]):
    """Every guideline, filtered by what is typed in the search field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="close-policy"),
    ]

    def __init__(
        self, guidelines: list[Guideline], query: str = "", section: str | None = None
    ) -> None:
        super().__init__()
        self.guidelines = guidelines
        self.query_text = query
        self.section = section

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="policy", classes="panel"):
            yield Static(Text("The policy", style="bold"), classes="heading")
            yield Input(self.query_text, placeholder="Search the policy", id="policy-search")
            yield Static(id="policy-count", classes="hint")
            for guideline in self.guidelines:
                yield Static(
                    section_text(guideline), id=f"section-{guideline.id}", classes="section"
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#policy-search", Input).focus()
        self._filter(self.query_text)
        if self.section is not None:
            shown = self.query_one(f"#section-{self.section}", Static)
            shown.add_class("opened")
            shown.border_title = "cited"
            self.call_after_refresh(shown.scroll_visible, top=True, animate=False)

    @on(Input.Changed, "#policy-search")
    def searched(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        shown = 0
        for guideline in self.guidelines:
            visible = matches(guideline, query)
            self.query_one(f"#section-{guideline.id}", Static).display = visible
            shown += visible
        total = len(self.guidelines)
        self.query_one("#policy-count", Static).update(
            f"{shown} of {total} sections" + (f" match '{query}'" if query.strip() else "")
        )
