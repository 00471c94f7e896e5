"""Verifying a certificate: one verdict, with its reason, for whatever text is given.

The order of the checks decides which verdict wins: a token that cannot be read is
malformed; one signed with a key the verifier does not hold is "unknown key"; a signature
that does not match is forged (so any change to the content says forged, however it
reads); then, for a genuine certificate, revoked before expired before valid. Expiry is
judged here from the payload, not by a JWT library: an expired certificate is genuine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import Trust
from trainer.certificates.payload import CertificatePayload
from trainer.certificates.revocation import Revocation, RevocationList
from trainer.certificates.timefmt import day, minute
from trainer.certificates.token import CERTIFICATE_TYPE, read_token

Status = Literal["valid", "expired", "revoked", "forged", "unknown key", "malformed"]
STATUSES: tuple[Status, ...] = ("valid", "expired", "revoked", "forged", "unknown key", "malformed")


@dataclass(frozen=True)
class Verdict:
    """The one verdict on a token.

    ``payload`` holds the certified facts when the signature is good (valid, expired,
    revoked); ``claimed`` holds what a forged or unknown-key token says, unverified, when it
    can be read. ``reason`` is one line for a person.
    """

    status: Status
    reason: str
    kid: str | None = None
    payload: CertificatePayload | None = None
    claimed: CertificatePayload | None = None
    expired_on: datetime | None = None
    revocation: Revocation | None = None
    revocations_as_of: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def verify(
    token_or_text: str | bytes,
    trust: Trust,
    revocations: RevocationList | None = None,
    now: datetime | None = None,
) -> Verdict:
    """The verdict on ``token_or_text`` (a token, possibly wrapped over lines) against the
    trusted keys and, when given, a revocation list already checked by
    :func:`~trainer.certificates.revocation.read_list`. Never raises for the input."""
    moment = now if now is not None else datetime.now(UTC)
    result = read_token(token_or_text, trust, CERTIFICATE_TYPE)
    if result.status == "malformed":
        return Verdict("malformed", result.reason)
    claimed = _claimed(result.payload)
    if result.status != "signed":
        return Verdict(result.status, result.reason, result.kid, claimed=claimed)
    assert result.payload is not None
    assert result.kid is not None
    try:
        payload = CertificatePayload.from_json(result.payload)
    except CertificateError as exc:
        return Verdict(
            "malformed",
            f"the signature is good, but the certificate data is unreadable: {exc}",
            result.kid,
        )
    if payload.kid != result.kid:
        return Verdict(
            "malformed",
            f"signed with key {result.kid}, but the certificate names key {payload.kid}: "
            "it was not issued by trainer",
            result.kid,
        )
    as_of = revocations.issued if revocations is not None else None
    found = revocations.find(payload.number) if revocations is not None else None
    if found is not None:
        return Verdict(
            "revoked",
            f"revoked on {minute(found.date)}: {found.reason}",
            result.kid,
            payload,
            revocation=found,
            revocations_as_of=as_of,
        )
    if payload.expires is not None and moment >= payload.expires:
        return Verdict(
            "expired",
            f"genuine, but it expired on {day(payload.expires)}: the holder must recertify",
            result.kid,
            payload,
            expired_on=payload.expires,
            revocations_as_of=as_of,
        )
    until = f"until {day(payload.expires)}" if payload.expires is not None else "with no expiry"
    return Verdict(
        "valid",
        f"genuine, signed with key {result.kid}, valid {until}",
        result.kid,
        payload,
        revocations_as_of=as_of,
    )


def _claimed(data: bytes | None) -> CertificatePayload | None:
    if data is None:
        return None
    try:
        return CertificatePayload.from_json(data)
    except CertificateError:
        return None
