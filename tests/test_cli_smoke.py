"""The two README commands' plumbing: the overview and validate on the shipped course."""

from __future__ import annotations

import re

from click.testing import CliRunner

from trainer.cli import cli
from trainer.content.locate import shipped_course_root


def test_overview_names_the_shipped_course_and_commands() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    assert "Social Media and the Sworn Officer" in result.output
    assert "trainer validate" in result.output


def test_validate_shipped_course_prints_hash_and_no_errors() -> None:
    result = CliRunner().invoke(cli, ["validate", str(shipped_course_root())])
    assert result.exit_code == 0, result.output
    assert ": error:" not in result.output
    assert re.search(r"^content hash: [0-9a-f]{64}$", result.output, re.MULTILINE)
