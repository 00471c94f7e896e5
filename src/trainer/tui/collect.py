"""Python's cycle collector, kept out of the way of the learner's feedback.

A full collection walks every object the process holds: with Textual's widgets and the
course loaded, tens of milliseconds, a hundred and more on a busy machine. Left to itself
it lands wherever allocations happen to trip it, for instance between an answer and its
feedback (benchmarks/tui_feedback.py). So the UI collects at a moment of its choosing,
just after a question is drawn, while the learner reads, and freezes what survives: the
automatic collections that follow walk only what is newer. From an answer until its
feedback is drawn, there are none at all.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

GROWTH = 1.25
"""A full collection once the frozen objects have grown by this much since the last one
(the proportion CPython's own rule uses for its oldest generation)."""


class Collector:
    """Collects in full only now and then, and otherwise just what is new since it last
    ran; what survives is frozen either way."""

    def __init__(self) -> None:
        self.frozen_after_full = 0

    def collect(self) -> None:
        if self.frozen_after_full and gc.get_freeze_count() <= self.frozen_after_full * GROWTH:
            gc.collect()  # only what is newer than the last freeze
            gc.freeze()
            return
        # Everything, frozen or not: what died after it was frozen (the screens of earlier
        # questions) is reclaimed only here.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen_after_full = gc.get_freeze_count()


_collector = Collector()


def collect_while_reading() -> None:
    """Collect the garbage now, and keep what survives out of automatic collections."""
    _collector.collect()


def pause_collection() -> Callable[[], None]:
    """Stop automatic collections; returns what starts them again (nothing, if they were
    stopped already: then whoever stopped them starts them)."""
    if not gc.isenabled():
        return lambda: None
    gc.disable()
    return gc.enable
