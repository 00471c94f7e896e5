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
    for relative in (
        "course/course.yaml",
        "course/guidelines.yaml",
        "schema/module.schema.json",
        "certificates/completion.yaml",
    ):
        assert (content / relative).is_file(), relative
    shipped = sorted(
        p.relative_to(content).as_posix() for p in (content / "scenarios").rglob("*.yaml")
    )
    in_repo = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "scenarios").rglob("*.yaml"))
    assert shipped == in_repo


def test_wheel_ships_the_certificate_fonts_and_their_licences(unpacked_wheel: Path) -> None:
    fonts = unpacked_wheel / "trainer" / "certificates" / "fonts"
    in_repo = REPO / "src" / "trainer" / "certificates" / "fonts"
    shipped = sorted(p.name for p in fonts.iterdir())
    assert shipped == sorted(p.name for p in in_repo.iterdir())
    assert {"DejaVuSerif.ttf", "DroidSansFallback.ttf", "LICENSE-DejaVu.txt"} <= set(shipped)


def test_installed_trainer_renders_a_certificate_with_its_packaged_template(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from certificate_support import KEY, make_payload;"
        "from trainer.content.locate import shipped_course_root as root;"
        "from trainer.certificates import template as t, render as r, token;"
        "p = make_payload(learner_name='李小龍');"
        "path = t.template_path(root(), 'completion');"
        "pdf = r.render_pdf(p, token.sign(p, KEY), t.load_template(path));"
        "print(path, r.__file__, len(pdf))"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "tests" / "certificates")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    template, module, _size = result.stdout.split()
    assert template == str(
        unpacked_wheel / "trainer" / "_content" / "certificates" / "completion.yaml"
    )
    assert module.startswith(str(unpacked_wheel))


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
