"""The module under preview: checked as ``trainer validate FILE`` checks it, and run one
scenario at a time against a throwaway record, so that grading, feedback and branching are
the recruit's own and nothing reaches the real records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trainer.content.course import (
    COURSE_FILE,
    GUIDELINES_FILE,
    SCENARIOS_DIR,
    CheckResult,
    CourseBundle,
    check_course,
    content_hash,
)
from trainer.content.diagnostics import Diagnostic
from trainer.content.models import Course, Module, Policy, TrackId
from trainer.content.validation import validate_document
from trainer.content.yamlsource import read_yaml
from trainer.records.log import EventLog
from trainer.records.service import Records

PREVIEW_BADGE = "preview"
IN_MEMORY = "sqlite://"
"""An SQLite database that lives and dies with its connection: the preview's record."""


@dataclass(frozen=True)
class Ready:
    """A module file without errors. ``bundle`` holds the course, the policy and this
    module only, so an error in another module file does not hide this one."""

    bundle: CourseBundle
    module: Module
    file: str
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Broken:
    """A module file with errors: what ``trainer validate FILE`` prints for it, and the
    file's lines, to quote where each error is."""

    file: str
    diagnostics: tuple[Diagnostic, ...]
    lines: tuple[str, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def shown_for(result: CheckResult, file: str) -> list[Diagnostic]:
    """What validate shows for one module file: its own messages, and any error in the
    course files it relies on."""
    return [
        d
        for d in result.diagnostics
        if d.file == file or (d.file.startswith("course/") and d.severity == "error")
    ]


def check_module(root: Path, file: str) -> Ready | Broken:
    """Check the module file ``file`` (relative to ``root``, with forward slashes) in its
    course. Never raises for content."""
    result = check_course(root)
    if file not in result.files:
        return Broken(
            file,
            (
                Diagnostic(
                    file,
                    1,
                    1,
                    "error",
                    "missing-file",
                    f"file not found: moved, renamed or deleted? The preview comes back "
                    f"when it is a module file under {SCENARIOS_DIR}/ again",
                ),
            ),
            (),
        )
    shown = shown_for(result, file)
    if any(d.severity == "error" for d in shown):
        return Broken(file, tuple(shown), _lines(root / file))
    warnings = tuple(d for d in shown if d.severity == "warning")
    whole = result.bundle
    if whole is not None:
        module = next(m for m in whole.modules if whole.module_files[m.id] == file)
        return _ready(root, whole.course, whole.policy, module, file, warnings)
    # Another module file has errors, so check_course built no bundle; this file and the
    # course files it relies on are clean, so read just those.
    loaded = [_read(root, COURSE_FILE, Course), _read(root, GUIDELINES_FILE, Policy)]
    module_doc = read_yaml(root / file, file)
    module_read = validate_document(module_doc, Module, "a module file") if module_doc.ok else None
    course, policy = loaded
    if not isinstance(course, Course) or not isinstance(policy, Policy) or module_read is None:
        # Changed between the two reads: the file's new state is checked on the next poll.
        return Broken(file, tuple(module_doc.diagnostics), _lines(root / file))
    return _ready(root, course, policy, module_read, file, warnings)


def _read(root: Path, label: str, model: type[Course] | type[Policy]) -> Course | Policy | None:
    doc = read_yaml(root / label, label)
    return validate_document(doc, model, label) if doc.ok else None


def _ready(
    root: Path,
    course: Course,
    policy: Policy,
    module: Module,
    file: str,
    warnings: tuple[Diagnostic, ...],
) -> Ready:
    bundle = CourseBundle(
        root=root,
        course=course,
        policy=policy,
        modules=(module,),
        module_files={module.id: file},
        content_hash=content_hash(course, policy, (module,)),
        warnings=warnings,
    )
    return Ready(bundle, module, file, warnings)


def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def start_scenario(ready: Ready, index: int) -> tuple[Records, str]:
    """A fresh in-memory record holding one learner, "Preview", and one open attempt at
    scenario ``index`` of the module alone: the attempt's id is returned with its records.

    The attempt is at a copy of the module holding that scenario only, with no pool, in
    whichever track lists the module (the first track when none does yet), so that every
    scenario can be reached in file order and started again at will.
    """
    module = ready.module
    course = ready.bundle.course
    alone = module.model_copy(update={"scenarios": [module.scenarios[index]], "pool": None})
    tracks = course.tracks.items()
    track_id: TrackId
    track_id, track = next(((t, tr) for t, tr in tracks if module.id in tr.modules), tracks[0])
    course = course.model_copy(
        update={
            "tracks": course.tracks.model_copy(
                update={track_id: track.model_copy(update={"modules": [module.id]})}
            )
        }
    )
    policy = ready.bundle.policy
    bundle = CourseBundle(
        root=ready.bundle.root,
        course=course,
        policy=policy,
        modules=(alone,),
        module_files={alone.id: ready.file},
        content_hash=content_hash(course, policy, (alone,)),
    )
    records = Records(EventLog.open(IN_MEMORY), bundle)
    records.register("Preview", PREVIEW_BADGE, course.agency.name)
    attempt = records.start_attempt(PREVIEW_BADGE, track_id, module.id)
    return records, attempt.id
