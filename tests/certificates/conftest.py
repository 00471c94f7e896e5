"""Fixtures for the certificate tests: nothing may touch the real home or data folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_real_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """TRAINER_HOME, HOME and XDG_DATA_HOME all point into the test's own folder."""
    home = tmp_path / "trainer-home"
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("TRAINER_DB", raising=False)
    return home


@pytest.fixture
def home(_no_real_home: Path) -> Path:
    """The TRAINER_HOME of this test (not created)."""
    return _no_real_home
