"""`trainer run` starts the learner's UI; bare `trainer` is unchanged for now."""

from __future__ import annotations

from click.testing import CliRunner

from trainer.cli import cli


def test_run_command_takes_course_and_db() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "--course" in result.output
    assert "--db" in result.output
