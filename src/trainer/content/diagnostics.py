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
