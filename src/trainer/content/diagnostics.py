"""Located authoring messages, as a compiler reports them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One message about one place in one file. ``file`` is relative to the course root,
    with forward slashes; ``line`` and ``column`` count from 1."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def format(self, file_label: str | None = None) -> str:
        """``file:line:col: severity: message``, the form editors and CI understand."""
        label = self.file if file_label is None else file_label
        return f"{label}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def as_json(self, file_label: str | None = None) -> dict[str, object]:
        return {
            "file": self.file if file_label is None else file_label,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


class AuthoringError(Exception):
    """The course has errors. Carries every diagnostic found, warnings included."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0].format() if errors else "no errors"
        super().__init__(f"{len(errors)} authoring error(s); first: {first}")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a candidate is close to ``word``, else ``''``."""
    pool = [c for c in candidates if c != word]
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        folded = {c.casefold(): c for c in pool}
        if word.casefold() in folded:
            close = [folded[word.casefold()]]
    return f" (did you mean '{close[0]}'?)" if close else ""


def quoted_list(items: Iterable[str], limit: int = 8) -> str:
    """``'a', 'b' or 'c'``, shortened to ``limit`` items."""
    shown = [f"'{i}'" for i in items]
    more = len(shown) - limit
    if more > 0:
        shown = [*shown[:limit], f"{more} more"]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


CODES: dict[str, str] = {
    # reading the file
    "missing-file": "a course file the course needs is not there",
    "unreadable": "the file exists but cannot be read",
    "file-too-large": "the file is over the size limit (2 MB)",
    "not-utf8": "the file is not UTF-8 text",
    "empty-file": "the file holds no YAML document",
    "yaml-syntax": "the file is not valid YAML: tabs, indentation, quotes, brackets, ---",
    "duplicate-key": "the same key twice in one mapping",
    "yaml-tag": "a tag such as !!python/... or !!binary",
    "yaml-alias": "an anchor or alias (&name, *name)",
    "yaml-merge": "a merge key (<<)",
    "yaml-key": "a key that is a list or a mapping",
    # the shape of each file
    "missing-key": "a required key is missing",
    "unknown-key": "a key the format does not have (with the closest one it does)",
    "wrong-type": "text where a number belongs, a list where a mapping belongs, and so on",
    "invalid-value": "a value outside what the key allows: an id's form, a range, a choice",
    # across files
    "duplicate-id": "an id used twice where it must be unique",
    "unknown-guideline": "a citation of a guideline that course/guidelines.yaml does not have",
    "unknown-module": "a track names a module that no file defines",
    "unknown-step": "'next' names a step the scenario does not have",
    "no-correct-answer": "a question with no correct answer",
    "several-correct": "a single-answer question with more than one correct choice",
    "branch-cycle": "steps that lead back to each other, so the scenario never ends",
    "unreachable-step": "a step no path leads to",
    "missing-feedback": "a choice or segment without feedback",
    "invalid-points": "points that contradict the verdict",
    "flag-without-post": "a flag step in a scenario that has no post to mark",
    "segment-not-in-post": "a flag segment whose text is not in the post",
    "pool-too-large": "a pool draws more scenarios than the module has",
    "pool-too-small": "a pool must cover more guidelines than it draws scenarios",
    "pool-uncoverable": "a pool must cover a guideline no scenario of the module tests",
    "pass-mark-unreachable": "no answer path can reach the track's pass mark",
    # warnings
    "guideline-untested": "a guideline no scenario tests",
    "guideline-undertested": "a guideline tested by fewer than 2 scenarios in a track",
    "guideline-not-cited": "a scenario lists a guideline that none of its choices cites",
    "module-not-in-track": "a module file that no track lists",
}
"""Every diagnostic code, with what it means; the README's table is checked against it."""
