"""The authoring commands as a training officer types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import cli
from trainer.content.course import check_course, load_course
from trainer.content.schema import schema_texts

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_validate_in_a_course_folder_uses_that_course(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (course_copy / "course/course.yaml").write_text(
        (course_copy / "course/course.yaml")
        .read_text()
        .replace("pass_mark: 80", "pass_mark: 180", 1)
    )
    monkeypatch.chdir(course_copy / "scenarios")
    code, out = run("validate")
    assert code == 1
    assert (
        "course/course.yaml:23:16: error: 'pass_mark' must be at most 100, not the number 180"
        in out
    )
    assert "checked 4 files: 1 error," in out
    assert "content hash" not in out


def test_validate_json_for_editors(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = course_copy / "scenarios/onboarding/first-posts.yaml"
    module.write_text(
        module.read_text().replace("cites: [CONF-3, ACCT-1]", "cites: [CONF-3, ACCT-9]", 1)
    )
    monkeypatch.chdir(course_copy)
    code, out = run("validate", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["content_hash"] is None
    assert report["errors"] == [
        {
            "file": "scenarios/onboarding/first-posts.yaml",
            "line": 24,
            "column": 29,
            "severity": "error",
            "code": "unknown-guideline",
            "message": "choice 'a' cites unknown guideline 'ACCT-9' (did you mean 'ACCT-1'?)",
        }
    ]
    assert {w["code"] for w in report["warnings"]} == {"guideline-undertested"}


def test_validate_json_on_a_clean_course_gives_the_hash(course_copy: Path) -> None:
    code, out = run("validate", "--format", "json", str(course_copy))
    report = json.loads(out)
    assert code == 0
    assert report["errors"] == []
    assert report["content_hash"] == load_course(course_copy).content_hash


def test_validate_one_module_file_reports_only_that_file(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = course_copy / "scenarios/refresher/judgment-calls.yaml"
    broken.write_text(broken.read_text().replace("estimated_minutes: 10", "estimated_minutes: ten"))
    monkeypatch.chdir(course_copy)
    code, out = run("validate", "scenarios/onboarding/first-posts.yaml")
    assert code == 0, out
    assert "checked 1 file: 0 errors, 0 warnings" in out
    code, out = run("validate", "scenarios/refresher/judgment-calls.yaml")
    assert code == 1
    assert out.splitlines()[0] == (
        "scenarios/refresher/judgment-calls.yaml:6:20: error: 'estimated_minutes' must be a "
        "whole number, not the text 'ten'"
    )


def test_validate_a_yaml_file_outside_scenarios_is_refused(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (course_copy / "notes").mkdir()
    (course_copy / "notes/draft.yaml").write_text("id: draft\n")
    monkeypatch.chdir(course_copy)
    code, out = run("validate", "notes/draft.yaml")
    assert code == 1
    assert out.strip() == (
        "trainer: error: notes/draft.yaml is not part of the course in .: module files live "
        "under scenarios/ and end in .yaml"
    )


def test_validate_strict_fails_on_warnings(course_copy: Path) -> None:
    assert run("validate", str(course_copy))[0] == 0
    code, out = run("validate", "--strict", str(course_copy))
    assert code == 1
    assert ": warning: " in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing", "missing: no such file or folder"),
        (lambda tmp: tmp, "not a course folder (it has no course/course.yaml)"),
        (lambda tmp: tmp / "loose.yaml", "this file is not inside a course folder"),
    ],
)
def test_validate_bad_paths(tmp_path: Path, make: object, message: str) -> None:
    (tmp_path / "loose.yaml").write_text("id: x\n")
    path = make(tmp_path)  # type: ignore[operator]
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("trainer: error: ")


def test_schema_files_are_current() -> None:
    for name, text in schema_texts().items():
        assert (REPO / "schema" / name).read_text(encoding="utf-8") == text, (
            f"schema/{name} is stale: run 'uv run trainer schema'"
        )


def test_schema_command_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    assert run("schema", "--check", "--out", str(out))[0] == 1
    code, text = run("schema", "--out", str(out))
    assert code == 0
    assert "wrote" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(schema_texts())
    assert run("schema", "--check", "--out", str(out)) == (0, f"schemas in {out} are up to date\n")


def test_shipped_yaml_names_its_schema_and_validates_against_it() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    files = [
        REPO / "course/course.yaml",
        REPO / "course/guidelines.yaml",
        *sorted((REPO / "scenarios").rglob("*.yaml")),
    ]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        schema_path = (path.parent / first.split("$schema=", 1)[1]).resolve()
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        jsonschema.Draft7Validator(schema).validate(
            yaml.safe_load(path.read_text(encoding="utf-8"))
        )


def test_schema_rejects_what_the_checker_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_texts()["module.schema.json"])
    bad = {"id": "m", "title": "M", "estimated_minutes": 5, "colour": "red", "scenarios": []}
    errors = {e.validator for e in jsonschema.Draft7Validator(schema).iter_errors(bad)}
    assert {"additionalProperties", "minItems"} <= errors


@pytest.mark.parametrize("style", ["block", "flow"])
def test_new_module_writes_a_skeleton_that_validates(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    course_file = course_copy / "course/course.yaml"
    if style == "flow":
        course_file.write_text(
            course_file.read_text().replace(
                "    modules:\n      - judgment-calls\n", "    modules: [judgment-calls]  # keep\n"
            )
        )
    monkeypatch.chdir(course_copy)
    code, out = run("new", "module", "off-duty-speech", "--track", "refresher")
    assert code == 0, out
    assert "wrote scenarios/refresher/off-duty-speech.yaml" in out
    skeleton = (course_copy / "scenarios/refresher/off-duty-speech.yaml").read_text()
    assert skeleton.startswith("# yaml-language-server: $schema=../../schema/module.schema.json")
    assert skeleton.count("#") > 10, "the skeleton explains itself in comments"
    result = check_course(course_copy)
    assert result.errors == []
    bundle = load_course(course_copy)
    assert [m.id for m in bundle.track_modules("refresher")] == [
        "judgment-calls",
        "off-duty-speech",
    ]
    if style == "flow":
        assert "modules: [judgment-calls, off-duty-speech]  # keep" in course_file.read_text()
    assert run("new", "module", "off-duty-speech", "--track", "refresher")[0] == 1


def test_new_module_refuses_bad_ids_and_missing_course(
    course_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(course_copy)
    code, out = run("new", "module", "Off_Duty", "--track", "onboarding")
    assert (code, out.strip()) == (
        1,
        "trainer: error: 'Off_Duty' is not a valid module id: use lower-case letters, digits "
        "and dashes, like off-duty-posts",
    )
    code, out = run("new", "module", "first-posts", "--track", "onboarding")
    assert code == 1
    assert "already exists in scenarios/onboarding/first-posts.yaml" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, out = run("new", "module", "x", "--track", "onboarding")
    assert code == 1
    assert "no course here" in out
