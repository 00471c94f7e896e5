"""The outcome of an answer as the learner reads it: a mark and a word, the feedback of
each choice taken (and each missed), and the policy sections cited."""

from __future__ import annotations

from rich.text import Text

from trainer.engine import Outcome

VERDICTS = {
    "correct": ("✓ Correct", "verdict-correct"),
    "partly": ("◐ Partly right", "verdict-partly"),
    "incorrect": ("✗ Incorrect", "verdict-incorrect"),
}


def feedback_text(outcome: Outcome, order: list[str]) -> Text:
    """``order`` is the choice ids as numbered on screen (from 1)."""
    word, _ = VERDICTS[outcome.verdict]
    text = Text()
    text.append(word, style="bold")
    text.append(f"  ({outcome.points} of {outcome.maximum} points)")
    if outcome.confidently_wrong:
        text.append("\nYou were sure, and this was wrong: read this one twice.", style="bold")
    for choice in outcome.chosen:
        text.append(f"\n\n{order.index(choice.id) + 1}. {choice.text}", style="bold")
        text.append(f"\n{choice.feedback}")
    for choice in outcome.missed:
        text.append(f"\n\nMissed {order.index(choice.id) + 1}. {choice.text}", style="bold")
        text.append(f"\n{choice.feedback}")
    for cited in outcome.cited:
        text.append(f"\n\nPolicy {cited.id} · {cited.title}", style="bold")
        text.append(f"\n{cited.text}", style="italic")
    return text
