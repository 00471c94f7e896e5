"""Verdicts: expiry and revocation judged by trainer, and garbage always told, never raised."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from certificate_support import (
    AFTER_EXPIRY,
    BEFORE_EXPIRY,
    KEY,
    NUMBER,
    OTHER_KEY,
    TRUST,
    make_payload,
    make_token,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.certificates.revocation import RevocationList
from trainer.certificates.verify import verify

EXPIRES = datetime(2027, 5, 4, 14, 3, 22, tzinfo=UTC)
REVOKED_ON = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_after_the_expiry_date_it_is_expired_with_the_date() -> None:
    verdict = verify(make_token(), TRUST, now=AFTER_EXPIRY)
    assert verdict.status == "expired"
    assert verdict.expired_on == EXPIRES
    assert verdict.reason == "genuine, but it expired on 2027-05-04: the holder must recertify"
    assert verdict.payload == make_payload()  # the facts are still certified
    assert not verdict.valid


def test_expiry_is_exact_to_the_second() -> None:
    assert verify(make_token(), TRUST, now=EXPIRES - timedelta(seconds=1)).status == "valid"
    assert verify(make_token(), TRUST, now=EXPIRES).status == "expired"


def test_a_certificate_without_expiry_stays_valid() -> None:
    verdict = verify(make_token(expires=None), TRUST, now=datetime(2099, 1, 1, tzinfo=UTC))
    assert verdict.status == "valid"
    assert verdict.reason == f"genuine, signed with key {KEY.kid}, valid with no expiry"


def test_the_clock_defaults_to_now() -> None:
    now = datetime.now(UTC)
    assert verify(make_token(expires=now + timedelta(days=1)), TRUST).status == "valid"
    assert verify(make_token(expires=now - timedelta(days=1)), TRUST).status == "expired"


def _revoked(*numbers: str) -> RevocationList:
    revocations = RevocationList(REVOKED_ON)
    for number in numbers:
        revocations = revocations.revoke(number, "issued in error: wrong learner", REVOKED_ON)
    return revocations


def test_a_revoked_certificate_says_revoked_with_the_reason() -> None:
    revocations = _revoked("0000-0000-0000-0000", NUMBER.lower())
    verdict = verify(make_token(), TRUST, revocations, now=BEFORE_EXPIRY)
    assert verdict.status == "revoked"
    assert verdict.reason == "revoked on 2026-07-01 08:30 UTC: issued in error: wrong learner"
    assert verdict.revocation is not None
    assert verdict.revocation.number == NUMBER
    assert verdict.revocations_as_of == REVOKED_ON


def test_revoked_wins_over_expired() -> None:
    verdict = verify(make_token(), TRUST, _revoked(NUMBER), now=AFTER_EXPIRY)
    assert verdict.status == "revoked"


def test_a_list_without_the_number_leaves_it_valid_as_of_the_list() -> None:
    verdict = verify(make_token(), TRUST, _revoked("0000-0000-0000-0000"), now=BEFORE_EXPIRY)
    assert verdict.status == "valid"
    assert verdict.revocations_as_of == REVOKED_ON
    assert verify(make_token(), TRUST, now=BEFORE_EXPIRY).revocations_as_of is None


def _three_parts_of(text: str) -> str:
    return ".".join([text, text, text])


GARBAGE: list[tuple[str | bytes, str]] = [
    ("", "not a token: the input is empty"),
    (" \n\t ", "not a token: the input is empty"),
    (b"", "not a token: the input is empty"),
    (b"\xff\xfe\x00garbage", "not a token: the input is not text"),
    (
        "x" * 1_000_000,
        "not a token: the input is 1,000,000 characters long; a certificate token is a few "
        "thousand at most",
    ),
    (
        "hello",
        "not a trainer certificate: a signed token has three parts separated by dots, this has 1",
    ),
    (
        "a.b.c.d",
        "not a trainer certificate: a signed token has three parts separated by dots, this has 4",
    ),
    (
        "..",
        "not a trainer certificate: the header is not JSON (Expecting value at character 0)",
    ),
    (
        "a.b.c",
        "the token's header is not base64url text: it was damaged, cut short or changed in copying",
    ),
    (
        _three_parts_of("e30"),  # {} three times
        "a signed token, but not a trainer certificate (its type is missing, algorithm "
        "missing): it was issued by something else",
    ),
    (
        _three_parts_of("WzFd"),  # [1]
        "not a trainer certificate: the header is not a JSON object",
    ),
    (
        "Zoë Łukasiewicz-O'Brien",
        "not a trainer certificate: a signed token has three parts separated by dots, this has 1",
    ),
    (
        jwt.encode({"sub": "someone"}, "a secret shared with nobody here", algorithm="HS256"),
        "a signed token, but not a trainer certificate (its type is 'JWT', algorithm "
        "'HS256'): it was issued by something else",
    ),
    (
        jwt.encode({"sub": "someone"}, OTHER_KEY.private, algorithm="EdDSA"),
        "a signed token, but not a trainer certificate (its type is 'JWT', algorithm "
        "'EdDSA'): it was issued by something else",
    ),
]


@pytest.mark.parametrize(("garbage", "reason"), GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_malformed_with_a_reason(garbage: str | bytes, reason: str) -> None:
    verdict = verify(garbage, TRUST)
    assert verdict.status == "malformed"
    assert verdict.reason == reason
    assert verdict.payload is None


def test_random_bytes_are_malformed() -> None:
    for _ in range(200):
        assert verify(os.urandom(300), TRUST).status == "malformed"


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_any_input_gets_a_verdict_never_an_exception(garbage: str | bytes) -> None:
    verdict = verify(garbage, TRUST)
    assert verdict.status == "malformed"
    assert verdict.reason
