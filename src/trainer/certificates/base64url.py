"""Unpadded base64url (RFC 7515 section 2), read strictly.

Strict means one text per value: no padding, no whitespace, nothing outside the alphabet,
and no stray bits in the last symbol. A lenient decoder maps several texts to the same
bytes, so a token could be changed without changing what it says.
"""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes | None:
    """The bytes ``text`` encodes, or None when it is not canonical unpadded base64url."""
    if len(text) % 4 == 1 or not _ALPHABET.fullmatch(text):
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if encode(data) == text else None
