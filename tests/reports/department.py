"""The scripted department as the report tests hold it, and copying a log between
databases (row for row: the same times, payloads and hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from population import Population
from sqlalchemy import insert, select, update

from trainer.records import projection, schema
from trainer.records.db import connect
from trainer.records.log import EventLog
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


def copy_log(source: EventLog, url: str) -> None:
    """Every event of ``source`` into the empty database at ``url``, exactly as stored, and
    the projections rebuilt from them (as a migration does); the check proves they agree."""
    with source.engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(select(schema.events))]
    target = connect(url)
    try:
        with target.begin() as conn:
            conn.execute(insert(schema.events), rows)
            conn.execute(
                update(schema.chain_head)
                .where(schema.chain_head.c.id == schema.HEAD_ROW)
                .values(count=len(rows), hash=rows[-1]["hash"])
            )
            projection.rebuild(conn)
        report = EventLog(target).check()
        assert report.ok, report.reason
    finally:
        target.dispose()
