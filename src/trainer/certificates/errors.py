"""The exceptions of the certificates layer."""

from __future__ import annotations

from collections.abc import Sequence


class CertificateError(Exception):
    """A certificate, key or revocation problem a person can act on; ``str()`` is one line.

    Messages never hold private key material: whatever went wrong with a key file is told by
    its path, never by its content.
    """


class TemplateError(CertificateError):
    """A certificate template has problems: every one of them, each located as a compiler
    locates an error (``certificates/completion.yaml:12:5: statement: ...``).

    ``str()`` is one line per problem, as ``trainer validate`` prints a course's errors: a
    training officer fixes them all in one pass.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
