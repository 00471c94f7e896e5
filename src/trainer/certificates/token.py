"""The signed token: a compact JWS (RFC 7515) signed with Ed25519 (``alg: EdDSA``, RFC 8037).

``base64url(header).base64url(payload).base64url(signature)``, one URL-safe line that fits
a QR code. The header is ``{"alg":"EdDSA","kid":KID,"typ":TYP}``; the signature covers the
first two parts exactly as written, so reading needs no JSON canonicalisation. Any JWS
library can check it (PyJWT does, in the tests); claims such as expiry are judged by
:mod:`trainer.certificates.verify`, never by a JWT library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainer.certificates import base64url
from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import SigningKey, Trust
from trainer.certificates.payload import CertificatePayload
from trainer.certificates.strictjson import loads
from trainer.content.course import canonical_json

ALG = "EdDSA"
CERTIFICATE_TYPE = "trainer-cert+jwt"
REVOCATIONS_TYPE = "trainer-revocations+jwt"
MAX_TOKEN = 16_384
"""Longer text is not read at all: a certificate token is 1.5 to 3 thousand characters."""

_WHAT = {CERTIFICATE_TYPE: "a trainer certificate", REVOCATIONS_TYPE: "a revocation list"}
_SIGNATURE_LENGTH = 64

Status = Literal["signed", "forged", "unknown key", "malformed"]


@dataclass(frozen=True)
class Verified:
    """What reading a token found. ``payload`` is the decoded payload bytes: checked when
    ``status`` is "signed", only claimed otherwise (None when unreadable). ``reason`` is one
    line for a person."""

    status: Status
    reason: str
    kid: str | None = None
    payload: bytes | None = None

    @property
    def signed(self) -> bool:
        return self.status == "signed"


def sign(payload: CertificatePayload, key: SigningKey | Ed25519PrivateKey) -> str:
    """The certificate token: ``payload`` signed with the agency key it names."""
    signing = key if isinstance(key, SigningKey) else SigningKey.of(key)
    if payload.kid != signing.kid:
        raise CertificateError(
            f"the certificate names key {payload.kid} but would be signed with key "
            f"{signing.kid}: set its kid from the signing key"
        )
    return sign_bytes(payload.to_json(), signing, CERTIFICATE_TYPE)


def sign_bytes(payload: bytes, key: SigningKey, typ: str) -> str:
    """The compact JWS of ``payload`` (JSON bytes) signed with ``key``, of type ``typ``."""
    header = canonical_json({"alg": ALG, "kid": key.kid, "typ": typ})
    signing_input = f"{base64url.encode(header)}.{base64url.encode(payload)}"
    signature = key.private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64url.encode(signature)}"


def token_text(text: str | bytes) -> str:
    """The token in ``text``: whitespace anywhere is dropped, so a token wrapped over lines
    (in an email, or in small print) still reads. Raises :class:`CertificateError`."""
    if isinstance(text, bytes):
        if len(text) > MAX_TOKEN * 4:
            raise CertificateError(_too_long(len(text)))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise CertificateError("not a token: the input is not text") from None
    if len(text) > MAX_TOKEN * 4:
        raise CertificateError(_too_long(len(text)))
    token = "".join(text.split())
    if not token:
        raise CertificateError("not a token: the input is empty")
    if len(token) > MAX_TOKEN:
        raise CertificateError(_too_long(len(token)))
    return token


def read_token(text: str | bytes, trust: Trust, typ: str = CERTIFICATE_TYPE) -> Verified:
    """Check a token against the trusted keys. Never raises for what it is given."""
    what = _WHAT.get(typ, "a signed token")
    try:
        token = token_text(text)
    except CertificateError as exc:
        return Verified("malformed", str(exc))
    parts = token.split(".")
    if len(parts) != 3:
        return Verified(
            "malformed",
            f"not {what}: a signed token has three parts separated by dots, this has {len(parts)}",
        )
    decoded = [base64url.decode(part) for part in parts]
    for name, data in zip(("header", "payload", "signature"), decoded, strict=True):
        if data is None:
            return Verified(
                "malformed",
                f"the token's {name} is not base64url text: it was damaged, cut short or "
                "changed in copying",
            )
    header_bytes, payload, signature = (d or b"" for d in decoded)
    header = _header(header_bytes)
    if isinstance(header, str):
        return Verified("malformed", f"not {what}: {header}")
    problem = _header_problem(header, typ, what)
    if problem:
        return Verified("malformed", problem)
    kid = header["kid"]
    assert isinstance(kid, str)
    public = trust.get(kid)
    if public is None:
        return Verified(
            "unknown key",
            f"signed with key {kid}, {trust.lacks()}: it was issued by another agency, or "
            "with a key you were not given",
            kid,
            payload,
        )
    if len(signature) != _SIGNATURE_LENGTH:
        return Verified(
            "forged",
            f"the signature is {len(signature)} bytes, not the {_SIGNATURE_LENGTH} of an "
            "Ed25519 signature: it was cut or changed",
            kid,
            payload,
        )
    try:
        public.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        return Verified(
            "forged",
            f"the signature does not match key {kid}: the content or the signature was "
            "changed after signing",
            kid,
            payload,
        )
    return Verified("signed", f"signed with key {kid}", kid, payload)


def _header(data: bytes) -> dict[str, object] | str:
    """The header object, or why it is not one."""
    try:
        value = loads(data)
    except ValueError as exc:
        return f"the header is not JSON ({exc})"
    if not isinstance(value, dict):
        return "the header is not a JSON object"
    return value


def _header_problem(header: dict[str, object], typ: str, what: str) -> str | None:
    alg, kid, found = header.get("alg"), header.get("kid"), header.get("typ")
    if found != typ:
        kind = _WHAT.get(found) if isinstance(found, str) else None
        if kind:
            return f"this is {kind}, not {what}"
        return (
            f"a signed token, but not {what} (its type is {_shown(found)}, algorithm "
            f"{_shown(alg)}): it was issued by something else"
        )
    if alg != ALG:
        return f"signed with {_shown(alg)}; {what} is signed with {ALG} (Ed25519)"
    if "crit" in header:
        return "the header asks for extensions (crit) that trainer does not know"
    if not isinstance(kid, str) or not kid:
        return "the header names no key id (kid)"
    return None


def _shown(value: object) -> str:
    if value is None:
        return "missing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _too_long(length: int) -> str:
    return (
        f"not a token: the input is {length:,} characters long; a certificate token is a "
        "few thousand at most"
    )
