"""What the analysis tests share besides fixtures; the department is tests/reports/department.py."""

from __future__ import annotations

import csv
import io


def parse_csv(text: str) -> list[dict[str, str]]:
    """CSV as a spreadsheet reads it back: a dict per row, by header."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows, "no rows"
    return rows
