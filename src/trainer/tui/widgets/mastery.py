"""Mastery per guideline as bars the eye can compare, each with its number and a word."""

from __future__ import annotations

from rich.text import Text

from trainer.engine.scoring import Score

WIDTH = 12
FULL, EMPTY = "█", "░"


def bar(percent: float, width: int = WIDTH) -> str:
    """``percent`` as a bar of ``width`` cells, rounded down so a bar is full only at 100."""
    filled = min(width, int(percent * width // 100))
    return FULL * filled + EMPTY * (width - filled)


def mastery_text(per_guideline: dict[str, Score], titles: dict[str, str], pass_mark: int) -> Text:
    """One line per guideline in policy order: bar, percent, 'review' below the pass mark."""
    order = {g: n for n, g in enumerate(titles)}
    # One line each, so the bars stay aligned: a long title ends in an ellipsis.
    text = Text(no_wrap=True, overflow="ellipsis")
    for guideline in sorted(per_guideline, key=lambda g: order.get(g, len(order))):
        score = per_guideline[guideline]
        weak = score.percent < pass_mark
        if text:
            text.append("\n")
        text.append(f"{guideline:<7} ", style="bold")
        text.append(bar(score.percent), style="bold" if weak else "")
        text.append(f" {score.percent:>3.0f}% ")
        text.append("review  " if weak else "        ", style="bold")
        text.append(titles.get(guideline, ""), style="dim")
    return text
