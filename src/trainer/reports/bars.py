"""Bars drawn with Unicode block characters, for figures read in a terminal.

A bar never stands alone: the reports print the number beside it, so a screen reader, a
monochrome printout and a colour-blind reader get the figure too.
"""

from __future__ import annotations

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, columns: int) -> str:
    """A bar ``columns`` wide filled to ``fraction`` (0 to 1), to an eighth of a column,
    padded with spaces to exactly ``columns``."""
    fraction = min(max(fraction, 0.0), 1.0)
    full, part = divmod(round(fraction * columns * 8), 8)
    drawn = "█" * full + (_EIGHTHS[part] if part else "")
    return drawn + " " * (columns - len(drawn))


def percent(fraction: float | None) -> str:
    """``64%``, or ``—`` for no figure."""
    return "—" if fraction is None else f"{100 * fraction:.0f}%"
