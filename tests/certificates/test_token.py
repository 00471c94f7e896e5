"""The signed token: round trip, interoperability, and every single change caught."""

from __future__ import annotations

import dataclasses
import json
import zlib
from datetime import timedelta

import jwt
import pytest
from certificate_support import (
    BEFORE_EXPIRY,
    KEY,
    OTHER_KEY,
    TRUST,
    make_payload,
    make_token,
    trust_of,
)

from trainer.certificates import base64url
from trainer.certificates.errors import CertificateError
from trainer.certificates.numbers import check_symbol
from trainer.certificates.payload import AttemptSeed, ModuleScore
from trainer.certificates.token import (
    CERTIFICATE_TYPE,
    MAX_PAYLOAD,
    payload_of,
    read_token,
    sign,
    sign_bytes,
)
from trainer.certificates.verify import verify
from trainer.content.course import canonical_json


def test_round_trip_is_valid_and_gives_back_the_payload() -> None:
    payload = make_payload()
    verdict = verify(sign(payload, KEY), TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "valid"
    assert verdict.valid
    assert verdict.payload == payload
    assert verdict.kid == KEY.kid
    assert verdict.reason == f"genuine, signed with key {KEY.kid}, valid until 2027-05-04"


def deflated(data: bytes) -> bytes:
    """Raw DEFLATE, as a token's payload is compressed (by any deflater, not only ours)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def signed_raw(payload: bytes, **header: object) -> str:
    """A token with exactly ``payload`` as its second part, signed with KEY."""
    fields = {"alg": "EdDSA", "kid": KEY.kid, "typ": CERTIFICATE_TYPE, **header}
    signing_input = f"{base64url.encode(canonical_json(fields))}.{base64url.encode(payload)}"
    signature = KEY.private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64url.encode(signature)}"


def test_the_header_is_compact_jws_eddsa_with_kid_type_and_zip() -> None:
    header, payload, signature = make_token().split(".")
    assert json.loads(base64url.decode(header) or b"") == {
        "alg": "EdDSA",
        "kid": KEY.kid,
        "typ": "trainer-cert+jwt",
        "zip": "DEF",
    }
    assert zlib.decompress(base64url.decode(payload) or b"", -15) == make_payload().to_json()
    assert len(base64url.decode(signature) or b"") == 64


def test_the_compressed_token_is_little_over_half_as_long_as_an_uncompressed_one() -> None:
    token = make_token()
    uncompressed = sign_bytes(make_payload().to_json(), KEY, CERTIFICATE_TYPE)
    assert len(token) < 0.6 * len(uncompressed)
    assert payload_of(token) == make_payload().to_json()


def test_pyjwt_checks_our_signature_and_zlib_inflates_the_payload() -> None:
    token = make_token()
    payload = jwt.PyJWS().decode(token, KEY.public, algorithms=["EdDSA"])
    assert json.loads(zlib.decompress(payload, -15)) == json.loads(make_payload().to_json())
    assert jwt.get_unverified_header(token)["kid"] == KEY.kid
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.PyJWS().decode(token, OTHER_KEY.public, algorithms=["EdDSA"])


def test_an_uncompressed_token_of_the_first_format_still_reads() -> None:
    token = sign_bytes(make_payload().to_json(), KEY, CERTIFICATE_TYPE)
    assert "zip" not in jwt.get_unverified_header(token)
    verdict = verify(token, TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "valid"
    assert verdict.payload == make_payload()
    assert payload_of(token) == make_payload().to_json()


def test_another_compression_is_malformed() -> None:
    token = signed_raw(deflated(make_payload().to_json()), zip="GZIP")
    verdict = verify(token, TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "malformed"
    assert verdict.reason == (
        "the payload is compressed with 'GZIP'; trainer reads 'DEF' (raw DEFLATE) or none"
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"not deflate at all",
        deflated(b"{}")[:-1],  # cut short
        deflated(b"{}") + b"\x00",  # something after the end
        zlib.compress(b"{}"),  # zlib's wrapper: not raw DEFLATE
        deflated(b" " * (MAX_PAYLOAD + 1)),  # a bomb: tiny, inflating past the limit
    ],
    ids=["garbage", "cut", "trailing", "zlib", "bomb"],
)
def test_a_signed_payload_that_does_not_inflate_is_malformed(payload: bytes) -> None:
    verdict = verify(signed_raw(payload, zip="DEF"), TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "malformed"
    assert verdict.reason == (
        "the signature is good, but the compressed payload does not inflate (it is damaged, "
        "or over 65,536 bytes): it was not made by trainer"
    )


def test_a_forged_payload_that_does_not_inflate_claims_nothing() -> None:
    header, _, signature = make_token().split(".")
    verdict = verify(f"{header}.{base64url.encode(b'garbage')}.{signature}", TRUST)
    assert verdict.status == "forged"
    assert verdict.claimed is None


def test_we_read_a_token_pyjwt_signed() -> None:
    data = json.loads(make_payload().to_json())
    token = jwt.encode(
        data, KEY.private, algorithm="EdDSA", headers={"kid": KEY.kid, "typ": CERTIFICATE_TYPE}
    )
    verdict = verify(token, TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "valid"
    assert verdict.payload == make_payload()


def test_a_token_wrapped_over_lines_still_reads() -> None:
    token = make_token()
    wrapped = "\n".join(token[i : i + 76] for i in range(0, len(token), 76))
    assert verify(f"  {wrapped}\r\n", TRUST, now=BEFORE_EXPIRY).status == "valid"
    assert verify(wrapped.encode(), TRUST, now=BEFORE_EXPIRY).status == "valid"


def test_signing_refuses_a_payload_naming_another_key() -> None:
    with pytest.raises(CertificateError) as caught:
        sign(make_payload(OTHER_KEY), KEY)
    assert str(caught.value) == (
        f"the certificate names key {OTHER_KEY.kid} but would be signed with key {KEY.kid}: "
        "set its kid from the signing key"
    )


# One changed value per field: each must make the old signature fail.
CHANGED: dict[str, object] = {
    "number": "7K3M-QX2A-9RTD-E5X" + check_symbol("7K3MQX2A9RTDE5X"),
    "learner_name": "Zoe Lukasiewicz-O'Brien",
    "badge": "4472",
    "state_officer_id": None,
    "agency": "Riverton Police Dept.",
    "provider_name": "Another Academy",
    "provider_number": "TP-0418",
    "course_id": "social-media",
    "course_title": "Social Media",
    "course_version": "1.2.1",
    "content_hash": "0" * 64,
    "track": "onboarding",
    "track_title": "Onboarding",
    "modules": (ModuleScore("judgment-calls", "Judgment calls", 20, 20, 100.0),),
    "earned": 56,
    "maximum": 57,
    "percent": 100.0,
    "pass_mark": 70,
    "credit_hours": 40.0,
    "started": make_payload().started - timedelta(seconds=1),
    "completed": make_payload().completed + timedelta(seconds=1),
    "delivery_method": "classroom",
    "attempts": (AttemptSeed("judgment-calls", 1),),
    "expires": None,
    "acknowledged": make_payload().acknowledged + timedelta(days=1),
    "time_on_task": 99_999,
    "officer_name": "Lt. Somebody Else",
    "officer_title": "Chief",
    "control_number": None,
    "kid": OTHER_KEY.kid,
    "issued": make_payload().issued + timedelta(days=1),
}


def test_every_field_has_a_change() -> None:
    assert set(CHANGED) == {f.name for f in dataclasses.fields(make_payload())}


@pytest.mark.parametrize("field", sorted(CHANGED))
def test_changing_any_single_field_is_forged(field: str) -> None:
    header, _, signature = make_token().split(".")
    changed = make_payload(**{field: CHANGED[field]})
    tampered = f"{header}.{base64url.encode(deflated(changed.to_json()))}.{signature}"
    verdict = verify(tampered, TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "forged"
    assert verdict.reason == (
        f"the signature does not match key {KEY.kid}: the content or the signature was changed "
        "after signing"
    )
    assert verdict.payload is None
    assert verdict.claimed == changed  # shown as a claim, never as a certified fact


@pytest.mark.parametrize("index", range(64))
def test_changing_any_byte_of_the_signature_is_forged(index: int) -> None:
    header, payload, signature = make_token().split(".")
    raw = bytearray(base64url.decode(signature) or b"")
    raw[index] ^= 0x01
    tampered = f"{header}.{payload}.{base64url.encode(bytes(raw))}"
    assert verify(tampered, TRUST, now=BEFORE_EXPIRY).status == "forged"


def test_a_shortened_signature_is_forged() -> None:
    header, payload, signature = make_token().split(".")
    raw = base64url.decode(signature) or b""
    verdict = verify(f"{header}.{payload}.{base64url.encode(raw[:63])}", TRUST)
    assert verdict.status == "forged"
    assert verdict.reason == (
        "the signature is 63 bytes, not the 64 of an Ed25519 signature: it was cut or changed"
    )


def _with_header(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64url.decode(header) or b"")
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return f"{base64url.encode(canonical_json(data))}.{payload}.{signature}"


def test_a_header_naming_another_trusted_key_is_forged() -> None:
    token = _with_header(make_token(), kid=OTHER_KEY.kid)
    verdict = verify(token, trust_of(KEY, OTHER_KEY), now=BEFORE_EXPIRY)
    assert verdict.status == "forged"
    assert verdict.kid == OTHER_KEY.kid


def test_a_header_naming_an_unknown_key_is_unknown_key() -> None:
    verdict = verify(_with_header(make_token(), kid="0" * 16), TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "unknown key"
    assert verdict.reason == (
        "signed with key 0000000000000000, which is not the key in the test keys: it was "
        "issued by another agency, or with a key you were not given"
    )


def test_a_genuine_token_from_a_key_not_given_is_unknown_key() -> None:
    verdict = verify(make_token(OTHER_KEY), trust_of(KEY, KEY), now=BEFORE_EXPIRY)
    assert verdict.status == "unknown key"
    assert verdict.claimed == make_payload(OTHER_KEY)
    assert verdict.payload is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"alg": "none"},
            "signed with 'none'; a trainer certificate is signed with EdDSA (Ed25519)",
        ),
        (
            {"alg": "HS256"},
            "signed with 'HS256'; a trainer certificate is signed with EdDSA (Ed25519)",
        ),
        (
            {"alg": None},
            "signed with missing; a trainer certificate is signed with EdDSA (Ed25519)",
        ),
        (
            {"typ": "JWT"},
            "a signed token, but not a trainer certificate (its type is 'JWT', algorithm "
            "'EdDSA'): it was issued by something else",
        ),
        (
            {"typ": "trainer-revocations+jwt"},
            "this is a revocation list, not a trainer certificate",
        ),
        ({"kid": None}, "the header names no key id (kid)"),
        ({"kid": 7}, "the header names no key id (kid)"),
        ({"crit": ["b64"]}, "the header asks for extensions (crit) that trainer does not know"),
    ],
)
def test_a_header_that_is_not_ours_is_malformed(changes: dict[str, object], reason: str) -> None:
    verdict = verify(_with_header(make_token(), **changes), TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "malformed"
    assert verdict.reason == reason


def test_a_signature_spelled_differently_is_not_accepted() -> None:
    """The last base64url symbol of a 64-byte signature carries 4 unused bits; a lenient
    decoder would accept 16 spellings of one signature."""
    header, payload, signature = make_token().split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    base = alphabet.index(signature[-1]) & ~0b1111
    for low in range(1, 16):
        other = signature[:-1] + alphabet[base | (alphabet.index(signature[-1]) ^ low) & 0b1111]
        verdict = verify(f"{header}.{payload}.{other}", TRUST, now=BEFORE_EXPIRY)
        assert verdict.status == "malformed"
        assert verdict.reason == (
            "the token's signature is not base64url text: it was damaged, cut short or changed "
            "in copying"
        )


def test_padding_is_refused() -> None:
    header, payload, signature = make_token().split(".")
    verdict = verify(f"{header}.{payload}.{signature}==", TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "malformed"


def test_signed_but_unreadable_data_is_malformed() -> None:
    token = sign_bytes(b'{"v":1}', KEY, CERTIFICATE_TYPE, compress=True)
    verdict = verify(token, TRUST)
    assert verdict.status == "malformed"
    assert verdict.reason == (
        "the signature is good, but the certificate data is unreadable: the certificate data "
        "has no 'learner'"
    )


def test_a_payload_naming_another_key_than_its_signer_is_malformed() -> None:
    token = sign_bytes(make_payload(OTHER_KEY).to_json(), KEY, CERTIFICATE_TYPE, compress=True)
    verdict = verify(token, TRUST, now=BEFORE_EXPIRY)
    assert verdict.status == "malformed"
    assert verdict.reason == (
        f"signed with key {KEY.kid}, but the certificate names key {OTHER_KEY.kid}: it was not "
        "issued by trainer"
    )


def test_read_token_reports_signed_with_the_payload_bytes() -> None:
    result = read_token(make_token(), TRUST)
    assert result.signed
    assert result.payload == make_payload().to_json()
