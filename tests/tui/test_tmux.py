"""The real `trainer` in a real terminal (tmux): register, open a module, answer an item
with keys, read the feedback off the screen; quit, and find the answer on record."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TRAINER = str(Path(sys.executable).with_name("trainer"))
REPO = Path(__file__).resolve().parents[2]
VERDICTS = ("✓ Correct", "◐ Partly right", "✗ Incorrect")
WAIT_S = 30.0


class Terminal:
    """One tmux session on a server of its own (``-L``), so no one's tmux is touched."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, *texts: str) -> str:
        """The screen once one of ``texts`` is on it; fails with the screen after WAIT_S."""
        deadline = time.monotonic() + WAIT_S
        while True:
            screen = self.screen()
            if any(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"none of {texts} on the screen after {WAIT_S:.0f} s:\n{screen}")
            time.sleep(0.1)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)
        time.sleep(0.2)  # a burst of keys is taken for a paste; a person types slower

    def press(self, key: str) -> None:
        self.tmux("send-keys", "-t", "t", key)
        time.sleep(0.2)

    def alive(self) -> bool:
        found = subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", "t"], capture_output=True
        )
        return found.returncode == 0


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, dict[str, str]]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it from Debian's packages)")
    env = {
        "TRAINER_HOME": str(tmp_path / "home"),
        "TRAINER_DB": str(tmp_path / "records.db"),
    }
    socket = f"trainer-test-{uuid.uuid4().hex[:12]}"
    term = Terminal(socket)
    command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), TRAINER])
    # From the repository, so bare `trainer` finds the shipped course around it.
    term.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "32", "-c", str(REPO), command)
    try:
        yield term, env
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def test_answer_an_item_in_a_real_terminal(terminal: tuple[Terminal, dict[str, str]]) -> None:
    term, env = terminal
    term.wait_for("New here? Register")
    term.wait_for("No learners yet")  # the records are open behind the first screen
    term.type("Dana Reyes")
    term.press("Enter")
    term.type("4471")
    term.press("Enter")
    term.press("Enter")  # the agency is filled in from the course: register
    term.wait_for("Press Enter to begin")
    term.press("Enter")
    item = term.wait_for("item 1 of")
    assert "What you learn on duty" in item
    term.press("1")
    term.press("Enter")
    feedback = term.wait_for(*VERDICTS)
    assert "points)" in feedback

    term.press("q")
    deadline = time.monotonic() + WAIT_S
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not term.alive(), "trainer did not quit on q"

    transcript = subprocess.run(
        [TRAINER, "records", "transcript", "4471"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    ).stdout
    assert "1 answer so far" in transcript
