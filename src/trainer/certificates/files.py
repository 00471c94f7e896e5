"""Writing files whole: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from trainer.certificates.errors import CertificateError


def write_atomic(path: Path, data: bytes, *, mode: int) -> None:
    """Write ``data`` to ``path`` atomically, the file having ``mode`` from its creation:
    a private key is never readable by others, not even for a moment."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(temporary, flags, mode)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise CertificateError(f"cannot write {path}: {exc.strerror}") from None


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, refusing a file over ``limit`` bytes without reading it all.
    ``what`` names the file for people: 'key file', 'revocation list'."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise CertificateError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise CertificateError(f"{path} is a folder, not a {what}") from None
    except OSError as exc:
        raise CertificateError(f"cannot read the {what} {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise CertificateError(f"{path} is not a {what}: it is over {limit >> 20} MB")
    return data
