"""Where a report goes: a file written whole (a reader never sees half an export, and a
failed export leaves any earlier file as it was), or standard output."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class ReportError(Exception):
    """A report that cannot be made or written; ``str()`` is a one-line message."""


@contextmanager
def file_output(path: Path) -> Iterator[BinaryIO]:
    """A binary stream to write ``path`` through: a new file beside it, renamed over
    ``path`` only once everything is written and flushed to disk. A folder that is not
    there or not writable fails here, before any work is done."""
    if path.is_dir():
        raise ReportError(f"cannot write {path}: it is a folder")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(temporary, flags, 0o644)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


def write_all(stream: BinaryIO, chunks: Iterable[bytes], buffer: int = 1 << 16) -> None:
    """Write ``chunks`` in blocks of about ``buffer`` bytes: millions of short lines cost
    one system call per block, not per line."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= buffer:
            stream.write(b"".join(pending))
            pending, size = [], 0
    if pending:
        stream.write(b"".join(pending))
