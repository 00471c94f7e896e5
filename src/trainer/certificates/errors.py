"""The one exception of the certificates layer."""

from __future__ import annotations


class CertificateError(Exception):
    """A certificate, key or revocation problem a person can act on; ``str()`` is one line.

    Messages never hold private key material: whatever went wrong with a key file is told by
    its path, never by its content.
    """
