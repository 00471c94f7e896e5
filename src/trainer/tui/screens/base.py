"""What every screen of the app shares: the records service and the signed-in learner."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from trainer.records.service import Records
    from trainer.tui.app import TrainerApp


class TrainerScreen(Screen[None]):
    """A screen of :class:`TrainerApp`."""

    @property
    def trainer(self) -> TrainerApp:
        return cast("TrainerApp", self.app)

    @property
    def records(self) -> Records:
        return self.trainer.records

    @property
    def badge(self) -> str:
        badge = self.trainer.badge
        assert badge is not None, "no learner is signed in"
        return badge
