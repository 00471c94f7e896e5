"""A vertical scroll container that can bring a child to the top of its view in the same
layout pass that places it.

``Widget.scroll_visible`` has to wait for a layout to know where a newly shown widget is,
so the learner would see one frame without it and a second, a refresh later, with it: past
the budget of one frame for feedback. Textual's own ``anchor()`` keeps a container at its
end the same way, from inside the arrangement; this does it for one chosen child.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.layout import DockArrangeResult
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from trainer.tui.widgets.line_scrollbar import LineScrolling


class PinnedScroll(LineScrolling):
    """A vertical scroll view whose :meth:`pin` keeps a child at the top of the view
    (as far as the content allows) until the view is scrolled any other way."""

    _pinned: Widget | None = None

    def pin(self, child: Widget) -> None:
        """Scroll so ``child`` starts at the top of the view, from its next layout on."""
        # A scroll still gliding (a focus change just before asks for one) would carry the
        # view off the pinned child, and release it, a few frames later.
        self.app.animator.force_stop_animation(self, "scroll_y")
        self._pinned = child
        self.refresh(layout=True)

    @property
    def pinned(self) -> Widget | None:
        return self._pinned

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        arrangement = super().arrange(size, optimal)
        pinned = self._pinned
        if pinned is None:
            return arrangement
        for placement in arrangement.placements:
            if placement.widget is pinned:
                bottom = arrangement.total_region.bottom
                y = max(0, min(placement.region.y, bottom - size.height))
                # Set without watchers: the compositor places the children with this offset
                # right after this returns (as it does for an anchored container).
                self.set_reactive(Widget.scroll_y, y)
                self.set_reactive(Widget.scroll_target_y, y)
                self.vertical_scrollbar.set_reactive(ScrollBar.position, y)
                break
        return arrangement

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Any scroll but the pin's own (set above, without watchers) hands the view back.
        self._pinned = None
        super().watch_scroll_y(old_value, new_value)
