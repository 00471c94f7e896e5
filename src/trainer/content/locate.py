"""Finding course folders: the one the author is in, or the one shipped with trainer."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from trainer.content.course import COURSE_FILE


def is_course_root(folder: Path) -> bool:
    return (folder / COURSE_FILE).is_file()


def find_course_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds course/course.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_course_root(folder):
            return folder
    return None


def shipped_course_root() -> Path:
    """The course installed with the package; in a source checkout, the repository root
    (hatch's force-include only applies to built wheels)."""
    packaged = Path(str(resources.files("trainer"))) / "_content"
    if is_course_root(packaged):
        return packaged
    return Path(__file__).resolve().parents[3]


def default_course_root(cwd: Path | None = None) -> Path:
    """The course around the working directory, else the shipped one."""
    return find_course_root(cwd or Path.cwd()) or shipped_course_root()
