"""What the analysis tests share besides fixtures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from population import Population

from trainer.records.service import Records


@dataclass(frozen=True)
class Department:
    """The population, and the records of one backend holding it."""

    population: Population
    records: Records
    url: str
    course: Path

    @property
    def options(self) -> list[str]:
        """The command-line options that open this database and course."""
        return ["--db", self.url, "--course", str(self.course)]


def parse_csv(text: str) -> list[dict[str, str]]:
    """CSV as a spreadsheet reads it back: a dict per row, by header."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows, "no rows"
    return rows
