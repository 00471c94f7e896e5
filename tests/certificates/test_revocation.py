"""The revocation list: signed by the agency, refused when it is not."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from certificate_support import BEFORE_EXPIRY, KEY, NUMBER, OTHER_KEY, TRUST, make_token, trust_of

from trainer.certificates import base64url
from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import init_keys, load_signing_key, load_trust
from trainer.certificates.numbers import new_number
from trainer.certificates.revocation import (
    RevocationList,
    default_path,
    load_list,
    read_list,
    revoke,
    sign_list,
    write_list,
)
from trainer.certificates.verify import verify

WHEN = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def test_revoke_adds_the_number_in_its_canonical_form() -> None:
    revocations = RevocationList(WHEN).revoke(NUMBER.lower().replace("-", ""), "  lost  ", WHEN)
    assert [(r.number, r.reason, r.date) for r in revocations.entries] == [(NUMBER, "lost", WHEN)]
    assert revocations.issued == WHEN
    assert revocations.find(NUMBER) is not None


def test_revoke_refuses_a_second_revocation_an_empty_reason_and_a_bad_number() -> None:
    revocations = RevocationList(WHEN).revoke(NUMBER, "lost", WHEN)
    with pytest.raises(CertificateError) as caught:
        revocations.revoke(NUMBER, "again", WHEN)
    assert str(caught.value) == f"{NUMBER} was already revoked on 2026-07-01 08:30 UTC: lost"
    with pytest.raises(CertificateError) as caught:
        revocations.revoke("0000-0000-0000-0000", " \n ", WHEN)
    assert str(caught.value) == "give a reason for revoking: it is shown to every verifier"
    with pytest.raises(CertificateError, match="is not a certificate number"):
        revocations.revoke("banana", "lost", WHEN)
    with pytest.raises(CertificateError, match="the reason is 501 characters"):
        revocations.revoke("0000-0000-0000-0000", "x" * 501, WHEN)


def test_a_signed_list_reads_back() -> None:
    revocations = RevocationList(WHEN).revoke(NUMBER, "issued in error", WHEN)
    read = read_list(sign_list(revocations, KEY), TRUST)
    assert read.entries == revocations.entries
    assert read.issued == WHEN
    assert read.kid == KEY.kid


def test_a_list_signed_by_another_key_is_refused() -> None:
    token = sign_list(RevocationList(WHEN).revoke(NUMBER, "x", WHEN), OTHER_KEY)
    with pytest.raises(CertificateError) as caught:
        read_list(token, TRUST, "revocations.jwt")
    assert str(caught.value) == (
        f"revocations.jwt is refused: it is signed with key {OTHER_KEY.kid}, which is not the "
        "key in the test keys: it is not the list of the agency whose keys you trust"
    )


def test_a_changed_list_is_refused() -> None:
    header, _, signature = sign_list(RevocationList(WHEN), KEY).split(".")
    emptied = RevocationList(WHEN).revoke(NUMBER, "x", WHEN).to_json()
    with pytest.raises(CertificateError) as caught:
        read_list(f"{header}.{base64url.encode(emptied)}.{signature}", TRUST, "list.jwt")
    assert str(caught.value) == (
        "list.jwt is refused: its signature does not match (it was changed after signing)"
    )


def test_a_certificate_is_not_a_revocation_list() -> None:
    with pytest.raises(CertificateError) as caught:
        read_list(make_token(), TRUST, "list.jwt")
    assert str(caught.value) == ("list.jwt: this is a trainer certificate, not a revocation list")


def test_a_certificate_token_is_not_read_as_a_list_nor_a_list_as_a_certificate() -> None:
    verdict = verify(sign_list(RevocationList(WHEN), KEY), TRUST)
    assert verdict.status == "malformed"
    assert verdict.reason == "this is a revocation list, not a trainer certificate"


def test_list_files(tmp_path: Path) -> None:
    path = tmp_path / "revocations.jwt"
    write_list(path, RevocationList(WHEN).revoke(NUMBER, "x", WHEN), KEY)
    assert load_list(path, TRUST).find(NUMBER) is not None
    with pytest.raises(CertificateError, match=r"nothing.jwt: no such revocation list$"):
        load_list(tmp_path / "nothing.jwt", TRUST)
    garbage = tmp_path / "garbage.jwt"
    garbage.write_bytes(b"\x00\xff")
    with pytest.raises(CertificateError) as caught:
        load_list(garbage, TRUST)
    assert str(caught.value) == f"{garbage}: not a token: the input is not text"
    garbage.write_text("hello\n")
    with pytest.raises(CertificateError) as caught:
        load_list(garbage, TRUST)
    assert str(caught.value) == (
        f"{garbage}: not a revocation list: a signed token has three parts separated by dots, "
        "this has 1"
    )


def test_revoke_in_the_data_folder_then_verify(home: Path) -> None:
    init_keys()
    key = load_signing_key()
    token = make_token(key)
    _, entry = revoke(NUMBER, "wrong learner", key, load_trust(), now=WHEN)
    assert default_path() == home / "revocations.jwt"
    assert entry.number == NUMBER
    second, _ = revoke("0000-0000-0000-0000", "test", key, load_trust(), now=WHEN)
    assert len(second.entries) == 2
    revocations = load_list(default_path(), load_trust())
    verdict = verify(token, load_trust(), revocations, now=BEFORE_EXPIRY)
    assert verdict.status == "revoked"
    assert verdict.reason == "revoked on 2026-07-01 08:30 UTC: wrong learner"
    # After a rotation the list is re-signed with the new key and still read.
    init_keys(rotate=True)
    rotated = load_signing_key()
    third, _ = revoke(new_number(), "test", rotated, load_trust(), now=WHEN)
    assert load_list(default_path(), load_trust()).kid == rotated.kid
    assert len(third.entries) == 3
    assert verify(token, load_trust(), third, now=BEFORE_EXPIRY).status == "revoked"


def test_revoke_refuses_to_add_to_a_list_another_agency_signed(home: Path) -> None:
    init_keys()
    path = home / "theirs.jwt"
    write_list(path, RevocationList(WHEN), OTHER_KEY)
    with pytest.raises(CertificateError, match="is refused: it is signed with key"):
        revoke(NUMBER, "x", load_signing_key(), load_trust(), path, now=WHEN)
    assert load_list(path, trust_of(OTHER_KEY)).entries == ()


def test_the_list_is_plain_json_under_its_signature() -> None:
    token = sign_list(RevocationList(WHEN).revoke(NUMBER, "lost", WHEN), KEY)
    assert json.loads(base64url.decode(token.split(".")[1]) or b"") == {
        "issued": "2026-07-01T08:30:00Z",
        "revoked": [{"date": "2026-07-01T08:30:00Z", "no": NUMBER, "reason": "lost"}],
        "v": 1,
    }
