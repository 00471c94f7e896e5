"""Where trainer keeps what it writes on this machine: the database, keys, certificates."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "TRAINER_HOME"


def data_dir() -> Path:
    """``$TRAINER_HOME`` if set, else the user data folder (``$XDG_DATA_HOME/trainer`` or
    ``~/.local/share/trainer`` on Linux). Nothing is created here: callers create what
    they write, when they write it."""
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("trainer", appauthor=False)
