"""``PreviewApp``: one module file as a recruit will see it, reloaded whenever it changes.

The file, and the course files it is checked against, are polled (mtime and size, every
``poll_seconds``) rather than watched: no file-watching dependency, and editors that save by
renaming are seen too. Each scenario runs against its own in-memory record (see
:mod:`trainer.tui.preview_module`): the real records are never opened.

Every screen change goes through the app's message queue and is awaited, so a key pressed
while a reload is under way waits its turn instead of switching screens twice at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from trainer.content.course import COURSE_FILE, GUIDELINES_FILE
from trainer.records.service import Records
from trainer.tui.memory import recall
from trainer.tui.preview_module import Broken, Ready, check_module, start_scenario
from trainer.tui.screens.policy import PolicyScreen
from trainer.tui.screens.preview import Place, PreviewErrorScreen, PreviewScenarioScreen
from trainer.tui.themes import THEMES, theme_named

Stamp = tuple[tuple[int, int] | None, ...]


def stamp_of(paths: list[Path]) -> Stamp:
    """What tells saved files from the ones before: mtime and size of each (None: gone)."""
    found: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
            continue
        found.append((stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class PreviewApp(App[None]):
    """The preview of the module file ``file`` (relative to the course folder ``root``).

    ``show`` turns a course-relative file into the label messages print (the command line
    passes the one ``trainer validate`` uses).
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = ["trainer.tcss", "preview.tcss"]
    TITLE = "trainer preview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("g", "policy", "Policy", tooltip="Browse and search the policy", id="policy"),
    ]

    def __init__(
        self,
        root: Path,
        file: str,
        *,
        show: Callable[[str], str] | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        super().__init__()
        self.root = root
        self.file = file
        self.show: Callable[[str], str] = show or (lambda name: name)
        self.poll_seconds = poll_seconds
        self.index = 0
        self.loaded: Ready | Broken | None = None
        self.stamp: Stamp = ()
        self.settling: Stamp | None = None  # a change seen, not yet still for a poll
        self.reloading = False
        # The course files too: a guideline renamed there can break or mend this module.
        self.watched = [root / file, root / COURSE_FILE, root / GUIDELINES_FILE]
        self.records: Records | None = None
        self.sub_title = self.show(file)
        for theme in THEMES.values():
            self.register_theme(theme)
        # The theme this terminal's learners see; a preview never changes it.
        self.theme = theme_named(os.environ.get("TRAINER_THEME") or recall("theme")).name

    async def on_mount(self) -> None:
        await self.reload()
        self.set_interval(self.poll_seconds, self.poll)

    def on_unmount(self) -> None:
        self._drop_records()

    # --- the file ---------------------------------------------------------------------

    def poll(self) -> None:
        """Reload once a watched file has changed and then held still for one poll, so a
        file an editor writes in several steps is not read half-written."""
        now = stamp_of(self.watched)
        if now == self.stamp:
            self.settling = None
        elif now != self.settling:
            self.settling = now
        elif not self.reloading:
            # Through the app's queue, so a reload never runs between a key and its screen.
            self.reloading = True
            self.call_later(self.reload)

    async def reload(self) -> None:
        """Check the file again, and show the same scenario, the last one if it is gone, or
        the errors."""
        # Stamped before reading: a save during the check is caught by the next poll.
        self.stamp = stamp_of(self.watched)
        self.settling = None
        self.loaded = check_module(self.root, self.file)
        try:
            if isinstance(self.loaded, Broken):
                await self._show_screen(PreviewErrorScreen(self.loaded, self.show))
                self._drop_records()
                return
            await self.show_scenario(min(self.index, len(self.loaded.module.scenarios) - 1))
        finally:
            self.reloading = False

    async def show_scenario(self, index: int) -> None:
        """Scenario ``index`` of the loaded module, from its first step, answered afresh."""
        ready = self.loaded
        assert isinstance(ready, Ready)
        records, attempt_id = start_scenario(ready, index)
        self.index = index
        place = Place(
            index,
            len(ready.module.scenarios),
            self.show(ready.file),
            tuple(d.format(self.show(d.file)) for d in ready.warnings),
        )
        await self._show_screen(PreviewScenarioScreen(records, attempt_id, place))
        self._drop_records()
        self.records = records

    async def _show_screen(self, screen: PreviewScenarioScreen | PreviewErrorScreen) -> None:
        # Whatever is open over the scenario (the policy browser) closes: it was for the old text.
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) == 1:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    def _drop_records(self) -> None:
        if self.records is not None:
            self.records.log.close()
            self.records = None

    # --- keys -------------------------------------------------------------------------

    async def action_next_scenario(self) -> None:
        if not isinstance(self.loaded, Ready):
            return
        if self.index + 1 >= len(self.loaded.module.scenarios):
            self.notify("That is the last scenario of the module: p goes back, r starts it again.")
            return
        await self.show_scenario(self.index + 1)

    async def action_previous_scenario(self) -> None:
        if not isinstance(self.loaded, Ready):
            return
        if self.index == 0:
            self.notify("That is the first scenario of the module: n goes on.")
            return
        await self.show_scenario(self.index - 1)

    async def action_restart(self) -> None:
        """The same scenario from its start, read from the file again."""
        await self.reload()

    def action_policy(self, section: str = "") -> None:
        """The policy browser, at ``section`` if given (a scenario's citations open it)."""
        if isinstance(self.loaded, Ready) and not isinstance(self.screen, PolicyScreen):
            guidelines = list(self.loaded.bundle.policy.guidelines)
            self.push_screen(PolicyScreen(guidelines, section=section or None))
