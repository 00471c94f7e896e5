"""What grading one answer gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trainer.content.models import Verdict

Certainty = Literal["sure", "fairly sure", "guessing"]
CERTAINTIES: tuple[Certainty, ...] = ("sure", "fairly sure", "guessing")


@dataclass(frozen=True)
class CitedGuideline:
    """A policy section as feedback quotes it."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class ChoiceFeedback:
    """One choice or segment, with why it is right or wrong."""

    id: str
    text: str
    verdict: Verdict
    points: int
    feedback: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The graded answer to one step.

    ``chosen`` holds the feedback of each choice taken; ``missed`` the correct ones not
    taken (multi and flag steps). ``next_step`` is where the scenario goes on, or None at
    its end.
    """

    scenario_id: str
    step_id: str
    selected: tuple[str, ...]
    points: int
    maximum: int
    verdict: Verdict
    chosen: tuple[ChoiceFeedback, ...]
    missed: tuple[ChoiceFeedback, ...]
    cited: tuple[CitedGuideline, ...]
    next_step: str | None
    certainty: Certainty | None = None

    @property
    def confidently_wrong(self) -> bool:
        """Sure, and wrong: the dangerous case, reported as such."""
        return self.certainty == "sure" and self.verdict == "incorrect"
