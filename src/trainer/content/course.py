"""Loading a whole course: every file read, validated and cross-checked in one pass."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from trainer.content.checks import ModuleSource, cross_check
from trainer.content.diagnostics import AuthoringError, Diagnostic
from trainer.content.models import Course, Guideline, Module, Policy, TrackId
from trainer.content.validation import validate_document
from trainer.content.yamlsource import YamlDocument, read_yaml

M = TypeVar("M", Course, Policy, Module)

COURSE_FILE = "course/course.yaml"
GUIDELINES_FILE = "course/guidelines.yaml"
SCENARIOS_DIR = "scenarios"


@dataclass(frozen=True)
class CourseBundle:
    """A validated course: what the rest of the engine works from."""

    root: Path
    course: Course
    policy: Policy
    modules: tuple[Module, ...]
    module_files: dict[str, str]
    content_hash: str
    warnings: tuple[Diagnostic, ...] = ()

    def guideline(self, guideline_id: str) -> Guideline:
        return next(g for g in self.policy.guidelines if g.id == guideline_id)

    def module(self, module_id: str) -> Module:
        return next(m for m in self.modules if m.id == module_id)

    def track_modules(self, track: TrackId) -> list[Module]:
        tracks = dict(self.course.tracks.items())
        return [self.module(m) for m in tracks[track].modules] if track in tracks else []


@dataclass
class CheckResult:
    """Everything found in a course root; ``bundle`` is set when there are no errors."""

    root: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    bundle: CourseBundle | None = None
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def module_files(root: Path) -> list[Path]:
    """Every module file under scenarios/, in a stable order."""
    folder = root / SCENARIOS_DIR
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def check_course(root: Path) -> CheckResult:
    """Read, validate and cross-check the course under ``root``. Never raises for content."""
    result = CheckResult(root)
    course_doc, course = _load(root, COURSE_FILE, Course, "course.yaml", result)
    policy_doc, policy = _load(root, GUIDELINES_FILE, Policy, "guidelines.yaml", result)
    sources: list[ModuleSource] = []
    unchecked: set[str] = set()
    for path in module_files(root):
        label = path.relative_to(root).as_posix()
        doc, module = _load(root, label, Module, "a module file", result)
        if module is not None:
            sources.append(ModuleSource(doc, module))
        else:
            raw_id = doc.data.get("id") if isinstance(doc.data, dict) else None
            unchecked.add(raw_id if isinstance(raw_id, str) else "*")
    if course is not None and policy is not None:
        result.diagnostics += cross_check(
            course_doc, course, policy_doc, policy, sources, frozenset(unchecked)
        )
    result.diagnostics.sort()
    if course is not None and policy is not None and not result.errors:
        modules = tuple(s.module for s in sources)
        result.bundle = CourseBundle(
            root=root,
            course=course,
            policy=policy,
            modules=modules,
            module_files={s.module.id: s.doc.file for s in sources},
            content_hash=content_hash(course, policy, modules),
            warnings=tuple(result.warnings),
        )
    return result


def load_course(root: Path) -> CourseBundle:
    """The validated course under ``root``; raises :class:`AuthoringError` on any error."""
    result = check_course(root)
    if result.bundle is None:
        raise AuthoringError(result.diagnostics)
    return result.bundle


def _load(
    root: Path, label: str, model: type[M], what: str, result: CheckResult
) -> tuple[YamlDocument, M | None]:
    path = root / label
    result.files.append(label)
    if not path.is_file():
        doc = YamlDocument(label, None, None)
        doc.diagnostics.append(
            Diagnostic(
                label,
                1,
                1,
                "error",
                "missing-file",
                f"file not found: a course folder holds {COURSE_FILE}, {GUIDELINES_FILE} "
                f"and module files under {SCENARIOS_DIR}/",
            )
        )
        result.diagnostics += doc.diagnostics
        return doc, None
    doc = read_yaml(path, label)
    value = validate_document(doc, model, what) if doc.ok else None
    result.diagnostics += doc.diagnostics
    return doc, value


def normalized(course: Course, policy: Policy, modules: tuple[Module, ...]) -> dict[str, object]:
    """The course as plain data: what the content hash covers and records keep."""
    return {
        "course": course.model_dump(mode="json"),
        "policy": policy.model_dump(mode="json"),
        "modules": [m.model_dump(mode="json") for m in sorted(modules, key=lambda m: m.id)],
    }


def canonical_json(data: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(course: Course, policy: Policy, modules: tuple[Module, ...]) -> str:
    """SHA-256 of the normalized course, in hex: independent of key order, comments and layout."""
    return hashlib.sha256(canonical_json(normalized(course, policy, modules))).hexdigest()


def bundle_from_normalized(data: dict[str, object], root: Path) -> CourseBundle:
    """Rebuild a course from :func:`normalized` data, as records keep every version taught."""
    course = Course.model_validate(data["course"])
    policy = Policy.model_validate(data["policy"])
    raw_modules = data["modules"]
    assert isinstance(raw_modules, list)
    modules = tuple(Module.model_validate(m) for m in raw_modules)
    return CourseBundle(
        root=root,
        course=course,
        policy=policy,
        modules=modules,
        module_files={},
        content_hash=content_hash(course, policy, modules),
    )
