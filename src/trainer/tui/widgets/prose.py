"""Authored text reflowed for the screen's width."""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-•*]|\d+[.)])[ \t]")


def reflow(text: str) -> str:
    """``text`` with the line breaks inside each paragraph turned into spaces.

    Authors write situations as YAML block text, broken at their editor's width; drawn
    as-is, those breaks land mid-line in a narrower terminal. Blank lines between
    paragraphs and list items ("- ", "• ", "1. ") keep their breaks."""
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)
