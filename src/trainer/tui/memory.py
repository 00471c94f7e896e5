"""What this terminal remembers between runs: the last learner to sign in (offered first
next time) and the chosen theme.

Each is one line in the data folder: a convenience of this terminal, not part of the
training record, so it lives outside the database.
"""

from __future__ import annotations

from typing import Literal

from trainer.datadir import data_dir

Memory = Literal["last-learner", "theme"]


def remember(memory: Memory, value: str) -> None:
    """Note ``value``; a folder that cannot be written is no reason to stop anyone
    from training."""
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / memory).write_text(value + "\n", encoding="utf-8")
    except OSError:
        pass


def recall(memory: Memory) -> str | None:
    try:
        text = (data_dir() / memory).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None
