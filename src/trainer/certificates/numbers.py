"""Certificate numbers: unguessable, and easy to read aloud over a radio or a phone.

``7K3M-QX2A-9RTD-E5W5``: four groups of four Crockford base32 symbols (digits and capital
letters without I, L, O and U). Fifteen symbols are random (75 bits from :mod:`secrets`, so
numbers cannot be guessed or enumerated); the last is a Luhn mod 32 check symbol, which
catches any single misread symbol and most swaps of two neighbours. Reading back forgives
what people do: lower case, spaces or no dashes, O for 0, and I or L for 1.
"""

from __future__ import annotations

import secrets

from trainer.certificates.errors import CertificateError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32 symbols, in value order."""

_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = frozenset("- \t\n\r")
GROUPS, GROUP_SIZE = 4, 4
LENGTH = GROUPS * GROUP_SIZE


def new_number() -> str:
    """A fresh certificate number in its canonical dashed form."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return _grouped(body + check_symbol(body))


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol of ``body`` (canonical symbols only)."""
    total = 0
    # From the right, every second symbol's value is doubled and its base-32 digits summed.
    for position, symbol in enumerate(reversed(body)):
        value = _VALUE[symbol]
        if position % 2 == 0:
            value *= 2
            value = value // 32 + value % 32
        total += value
    return ALPHABET[(32 - total % 32) % 32]


def normalize_number(text: str) -> str:
    """The canonical form of a certificate number as a person typed or read it; raises
    :class:`CertificateError` for anything that is not one."""
    shown = text.strip()
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    symbols: list[str] = []
    for char in text.upper():
        if char in _SEPARATORS:
            continue
        char = _READ_AS.get(char, char)
        if char not in _VALUE:
            raise CertificateError(
                f"{shown!r} is not a certificate number: {char!r} cannot appear in one "
                "(they use the digits and the letters A-Z without I, L, O and U)"
            )
        symbols.append(char)
    if len(symbols) != LENGTH:
        raise CertificateError(
            f"{shown!r} is not a certificate number: it has {len(symbols)} symbol"
            f"{'s' if len(symbols) != 1 else ''}, a certificate number has {LENGTH} "
            f"({GROUPS} groups of {GROUP_SIZE}, like 7K3M-QX2A-9RTD-E5W5)"
        )
    body, check = "".join(symbols[:-1]), symbols[-1]
    if check_symbol(body) != check:
        raise CertificateError(
            f"{_grouped(body + check)} is not a valid certificate number: its check symbol "
            "does not match (a symbol was misread or mistyped)"
        )
    return _grouped(body + check)


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))
