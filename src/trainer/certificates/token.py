"""The signed token: a compact JWS (RFC 7515) signed with Ed25519 (``alg: EdDSA``, RFC 8037).

``base64url(header).base64url(payload).base64url(signature)``, one URL-safe line that fits
a QR code. A certificate's header is ``{"alg":"EdDSA","kid":KID,"typ":TYP,"zip":"DEF"}``
and its payload is the canonical JSON compressed with raw DEFLATE (RFC 1951), as SMART
Health Cards do: the token is little over half as long, so its QR code has half the
modules, each of them bigger, and scans more easily. ``zip`` is the format marker: a token
without it carries its JSON uncompressed (the first tokens trainer issued, and revocation
lists) and reads as before; any other value is refused. The signature covers the first
two parts exactly as written, so reading needs no JSON canonicalisation; any JWS library
checks it (PyJWT does, in the tests), then inflates the payload. Claims such as expiry are
judged by :mod:`trainer.certificates.verify`, never by a JWT library.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
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
"""Longer text is not read at all: a certificate token is about one thousand characters."""
DEFLATE = "DEF"
"""The header's ``zip`` for a payload compressed with raw DEFLATE."""
MAX_PAYLOAD = 65_536
"""A compressed payload that inflates to more than this is refused, unread: a
certificate's JSON is one or two thousand bytes."""

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
    return sign_bytes(payload.to_json(), signing, CERTIFICATE_TYPE, compress=True)


def sign_bytes(payload: bytes, key: SigningKey, typ: str, *, compress: bool = False) -> str:
    """The compact JWS of ``payload`` (JSON bytes) signed with ``key``, of type ``typ``;
    with ``compress``, the payload is deflated and the header says so."""
    if compress:
        deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = deflater.compress(payload) + deflater.flush()
    signing_input = f"{_header_text(key.kid, typ, compress)}.{base64url.encode(payload)}"
    signature = key.private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64url.encode(signature)}"


def payload_of(token: str) -> bytes | None:
    """The JSON payload ``token`` carries, inflated where its header says so; None when it
    cannot be read. Not verified: for tokens the record already holds, or to show what a
    token claims."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header = _header(base64url.decode(parts[0]) or b"")
    payload = base64url.decode(parts[1])
    if isinstance(header, str) or payload is None:
        return None
    return _payload(header, payload)


@lru_cache(maxsize=64)
def _header_text(kid: str, typ: str, compressed: bool) -> str:
    header: dict[str, str] = {"alg": ALG, "kid": kid, "typ": typ}
    if compressed:
        header["zip"] = DEFLATE
    return base64url.encode(canonical_json(header))


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
    header_bytes, raw_payload, signature = (d or b"" for d in decoded)
    header = _header(header_bytes)
    if isinstance(header, str):
        return Verified("malformed", f"not {what}: {header}")
    problem = _header_problem(header, typ, what)
    if problem:
        return Verified("malformed", problem)
    kid = header["kid"]
    assert isinstance(kid, str)
    payload = _payload(header, raw_payload)
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
    if payload is None:
        return Verified(
            "malformed",
            "the signature is good, but the compressed payload does not inflate (it is "
            f"damaged, or over {MAX_PAYLOAD:,} bytes): it was not made by trainer",
            kid,
        )
    return Verified("signed", f"signed with key {kid}", kid, payload)


def _payload(header: dict[str, object], data: bytes) -> bytes | None:
    """The payload's JSON bytes: ``data`` itself, or inflated when the header says it was
    deflated (None when it does not inflate, whole and alone, to at most MAX_PAYLOAD)."""
    if header.get("zip") != DEFLATE:
        return data
    inflater = zlib.decompressobj(-15)
    try:
        inflated = inflater.decompress(data, MAX_PAYLOAD)
    except zlib.error:
        return None
    if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        return None
    return inflated


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
    if "zip" in header and header["zip"] != DEFLATE:
        return (
            f"the payload is compressed with {_shown(header['zip'])}; trainer reads "
            f"{DEFLATE!r} (raw DEFLATE) or none"
        )
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
