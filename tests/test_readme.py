"""The README is the authoring guide: it must keep up with the checker."""

from __future__ import annotations

import re
from pathlib import Path

from trainer.content.diagnostics import CODES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands() -> None:
    assert "uv run trainer " in README
    assert "uv run pytest " in README


def test_every_diagnostic_code_is_explained_in_the_readme() -> None:
    table = README.split("### What the checker reports", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)`(?: \(warning\))? \|", table, re.MULTILINE))
    assert documented == set(CODES)
