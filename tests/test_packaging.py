"""The built wheel carries the course, and an installed trainer finds it there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH, so the wheel cannot be built here")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(out), str(REPO)], check=True, capture_output=True
    )
    (wheel,) = out.glob("trainer-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_ships_course_scenarios_and_schema(unpacked_wheel: Path) -> None:
    content = unpacked_wheel / "trainer" / "_content"
    for relative in ("course/course.yaml", "course/guidelines.yaml", "schema/module.schema.json"):
        assert (content / relative).is_file(), relative
    shipped = sorted(
        p.relative_to(content).as_posix() for p in (content / "scenarios").rglob("*.yaml")
    )
    in_repo = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "scenarios").rglob("*.yaml"))
    assert shipped == in_repo


def test_installed_trainer_validates_its_packaged_course(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run(
        [sys.executable, "-m", "trainer", "validate", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(unpacked_wheel / "trainer" / "_content") in result.stdout
    assert '"errors": []' in result.stdout


def test_headless_layers_import_no_cli_or_ui() -> None:
    code = (
        "import sys, trainer.content.course, trainer.content.schema, trainer.content.skeleton;"
        "bad = [m for m in ('click', 'textual', 'sqlalchemy', 'reportlab') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
