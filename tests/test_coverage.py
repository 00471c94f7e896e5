"""`trainer coverage` counts what the scenarios test, by track."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from trainer.cli import cli
from trainer.content.course import load_course
from trainer.content.coverage import coverage, mix

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample_course"


def test_matrix_counts_scenarios_per_guideline_and_track() -> None:
    bundle = load_course(SAMPLE)
    assert coverage(bundle) == {
        "CONF-3": {"onboarding": 1, "refresher": 1},
        "PROF-1": {"onboarding": 1, "refresher": 0},
        "ACCT-1": {"onboarding": 2, "refresher": 2},
        "DEPT-4": {"onboarding": 0, "refresher": 1},
    }
    shape = mix(bundle)
    assert (shape.scenarios, shape.step_types, shape.branching) == (
        4,
        {"flag": 1, "multi": 1, "single": 3},
        1,
    )


def test_json_and_table_forms() -> None:
    result = CliRunner().invoke(cli, ["coverage", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["guidelines"]["ACCT-1"] == {"onboarding": 2, "refresher": 2}
    result = CliRunner().invoke(cli, ["coverage", str(SAMPLE)])
    lines = result.output.splitlines()
    assert lines[0].split()[-2:] == ["onboarding", "refresher"]
    assert lines[2].startswith("PROF-1")
    assert lines[2].split()[-3:] == ["low", "0", "low"]
    assert lines[-1] == "4 scenarios; steps: 1 flag, 1 multi, 3 single; 1 branching"
