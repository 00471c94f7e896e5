"""The bad-input corpus: every file under tests/malformed/ breaks the base course one way.

A case file starts with comments saying where it goes and what the checker must say:

    # target: scenarios/onboarding/basics.yaml
    # expect: scenarios/onboarding/basics.yaml:14:7: error: choice 'b' cites unknown ...
    # expect-warning: course/guidelines.yaml:4:9: warning: guideline 'X-1' is tested ...

The ``expect`` lines are the complete list of errors, in the order the checker prints them;
warnings are compared only when the case has ``expect-warning`` lines. The case's bytes,
comments included, are written to the target in a copy of tests/fixtures/base_course, and
both the CLI and ``check_course`` must report exactly that.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import cli
from trainer.content.course import check_course
from trainer.content.diagnostics import CODES
from trainer.content.models import Course, Module, Policy
from trainer.content.validation import _PATTERN_WORDS
from trainer.content.yamlsource import parse_yaml

HERE = Path(__file__).parent
CASES_DIR = HERE / "malformed"
BASE_COURSE = HERE / "fixtures" / "base_course"

_DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (error|warning): \S")
_SUMMARY = re.compile(r"^checked \d+ files?: \d+ errors?, \d+ warnings?$")
_HASH = re.compile(r"^content hash: [0-9a-f]{64}$")


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    errors: tuple[str, ...]
    warnings: tuple[str, ...] | None
    data: bytes


def read_case(path: Path) -> Case:
    """The header of a case file. It is UTF-8 (messages may quote '→'); the file is read
    as bytes, as the bad bytes of a non-UTF-8 case come after the header."""
    data = path.read_bytes()
    target: str | None = None
    errors: list[str] = []
    warnings: list[str] = []
    for raw_line in data.splitlines():
        if not raw_line.startswith(b"#"):
            break
        line = raw_line.decode("utf-8")
        key, _, value = line.removeprefix("#").strip().partition(": ")
        if key == "target":
            target = value.strip()
        elif key == "expect":
            errors.append(value)
        elif key == "expect-warning":
            warnings.append(value)
    assert target is not None, f"{path.name}: no '# target:' line"
    assert errors or warnings, f"{path.name}: no '# expect:' or '# expect-warning:' line"
    return Case(path.name, target, tuple(errors), tuple(warnings) or None, data)


CASES = [read_case(p) for p in sorted(CASES_DIR.glob("*.yaml"))]


def install(case: Case, tmp_path: Path) -> Path:
    """A copy of the base course with the case written to its target; the copy's root."""
    root = tmp_path / "course-root"
    shutil.copytree(BASE_COURSE, root)
    target = root / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.data)
    return root


def assert_reported(case: Case, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI and check_course both report exactly the case's errors (and warnings)."""
    monkeypatch.chdir(root)
    run = CliRunner().invoke(cli, ["validate"])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
    assert "Traceback" not in run.output
    lines = run.output.splitlines()
    for line in lines:
        assert _DIAGNOSTIC.match(line) or _SUMMARY.match(line) or _HASH.match(line), line
    printed_errors = [line for line in lines if ": error: " in line]
    printed_warnings = [line for line in lines if ": warning: " in line]
    assert printed_errors == list(case.errors), run.output
    if case.warnings is not None:
        assert printed_warnings == list(case.warnings), run.output
    assert run.exit_code == (1 if case.errors else 0), run.output

    result = check_course(root)
    assert [d.format() for d in result.errors] == list(case.errors)
    assert {d.code for d in result.diagnostics} <= set(CODES)
    if case.warnings is not None:
        assert [d.format() for d in result.warnings] == list(case.warnings)
    assert (result.bundle is None) == bool(case.errors)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_base_course_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture every case breaks: no errors and no warnings, so each case's are its own."""
    root = tmp_path / "course-root"
    shutil.copytree(BASE_COURSE, root)
    result = check_course(root)
    assert result.diagnostics == []
    assert result.bundle is not None
    monkeypatch.chdir(root)
    run = CliRunner().invoke(cli, ["validate", "--strict"])
    assert run.exit_code == 0, run.output
    assert "checked 4 files: 0 errors, 0 warnings" in run.output


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_file_is_reported(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_reported(case, install(case, tmp_path), monkeypatch)


def test_every_case_changes_its_target() -> None:
    """A case that equals the base file it replaces would test nothing."""
    for case in CASES:
        base = BASE_COURSE / case.target
        if base.is_file():
            assert base.read_bytes() != case.data, case.name


# --- inputs that cannot be committed as files -------------------------------------------


def test_zero_byte_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = Case(
        "zero-bytes",
        "course/guidelines.yaml",
        (
            "course/guidelines.yaml:1:1: error: file is empty: it holds no keys or values, "
            "only comments or nothing at all",
        ),
        None,
        b"",
    )
    assert_reported(case, install(case, tmp_path), monkeypatch)


def test_fourteen_megabyte_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 14 MB module of well-formed scenarios: only its size is wrong, and it is refused."""
    size = 14 * 1024 * 1024
    head = b"id: huge\ntitle: Huge\nestimated_minutes: 1\nscenarios:\n"
    scenario = (
        b"  - id: s\n    title: T\n    guidelines: [CONF-2]\n    situation: " + b"x" * 1000 + b"\n"
    )
    body = head + scenario * ((size - len(head) - 2) // len(scenario))
    body += b"#" * (size - len(body) - 1) + b"\n"
    assert len(body) == size
    case = Case(
        "fourteen-megabytes",
        "scenarios/onboarding/huge.yaml",
        (
            "scenarios/onboarding/huge.yaml:1:1: error: file is 14.0 MB; a course file may "
            "be at most 2 MB: split it into several modules",
        ),
        None,
        body,
    )
    assert_reported(case, install(case, tmp_path), monkeypatch)


# --- what the corpus cannot show by its messages alone ----------------------------------


def _case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def _leaves(value: object) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value)
    return 1


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    case = _case("alias-bomb.yaml")
    doc = parse_yaml(case.data, case.target)
    assert [(d.line, d.code) for d in doc.diagnostics] == [(6, "yaml-alias")]
    # Expanded, the file holds 9**9 strings; walked without expanding, a few dozen values.
    assert _leaves(doc.data) < 100


def test_python_tag_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case("python-tag.yaml")
    assert b"!!python/object/apply:os.system" in case.data
    assert b"touch python-tag-ran" in case.data
    root = install(case, tmp_path)
    assert_reported(case, root, monkeypatch)  # runs in root, where 'touch' would write
    assert not (root / "python-tag-ran").exists()
    assert list(tmp_path.rglob("python-tag-ran")) == []


def _patterns(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(v) for v in schema))
    return set()


def test_every_id_pattern_has_words_for_authors() -> None:
    """A value that does not match an id pattern is explained in words, never as a regex."""
    patterns = set().union(*(_patterns(m.model_json_schema()) for m in (Course, Policy, Module)))
    assert patterns
    assert patterns <= set(_PATTERN_WORDS)
