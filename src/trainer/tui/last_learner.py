"""The learner who last signed in on this machine, offered first next time.

Kept as one line in the data folder: it is a convenience of this terminal, not part of the
training record, so it lives outside the database.
"""

from __future__ import annotations

from trainer.datadir import data_dir

FILE = "last-learner"


def remember(badge: str) -> None:
    """Note ``badge`` as the last learner here; a folder that cannot be written is no reason
    to stop anyone from training."""
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / FILE).write_text(badge + "\n", encoding="utf-8")
    except OSError:
        pass


def recall() -> str | None:
    try:
        text = (data_dir() / FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None
