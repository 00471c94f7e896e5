"""Agency keys: made private from the start, never overwritten by mistake, rotated safely."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from certificate_support import AFTER_EXPIRY, BEFORE_EXPIRY, make_payload
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import (
    export_public,
    init_keys,
    key_id,
    keys_dir,
    load_key_file,
    load_signing_key,
    load_trust,
    parse_public_keys,
    public_line,
)
from trainer.certificates.token import sign
from trainer.certificates.verify import verify

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: a file is as open as the mode it was created with."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_default_folder_follows_trainer_home(home: Path) -> None:
    assert keys_dir() == home / "keys"


def test_without_trainer_home_keys_go_to_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRAINER_HOME")
    assert keys_dir() == tmp_path / "xdg-data" / "trainer" / "keys"


@posix_only
@pytest.mark.usefixtures("open_umask")
def test_the_private_key_is_private_from_its_creation(home: Path) -> None:
    made = init_keys()
    mode = stat.S_IMODE(made.private_path.stat().st_mode)
    assert mode == 0o600
    assert not mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH)
    assert stat.S_IMODE((home / "keys").stat().st_mode) == 0o700
    assert made.private_path == home / "keys" / "signing.key"
    # No temporary file is left behind.
    assert sorted(p.name for p in (home / "keys").iterdir()) == ["public", "signing.key"]


def test_init_writes_the_public_key_under_its_key_id(home: Path) -> None:
    made = init_keys()
    key = load_signing_key()
    assert made.kid == key.kid == key_id(key.public)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", made.kid)
    assert (home / "keys" / "public" / f"{made.kid}.pub").read_text() == public_line(
        key.public
    ) + "\n"
    assert made.retired is None


def test_init_twice_refuses_and_leaves_the_key_alone(home: Path) -> None:
    made = init_keys()
    before = made.private_path.read_bytes()
    with pytest.raises(CertificateError) as caught:
        init_keys()
    assert str(caught.value) == (
        f"an agency key already exists in {home / 'keys'} (key id {made.kid}); to replace "
        "it, rotate it with 'trainer keys init --rotate': the old public key is kept, so the "
        "certificates it signed still verify"
    )
    assert made.private_path.read_bytes() == before


def test_rotation_keeps_old_certificates_verifiable(home: Path) -> None:
    first = load_signing_key(init_keys().folder)
    old_token = sign(make_payload(first), first)
    rotated = init_keys(rotate=True)
    assert rotated.retired == first.kid
    assert rotated.kid != first.kid
    second = load_signing_key()
    assert second.kid == rotated.kid
    trust = load_trust()
    assert set(trust.keys) == {first.kid, second.kid}
    assert verify(old_token, trust, now=BEFORE_EXPIRY).status == "valid"
    assert verify(old_token, trust, now=AFTER_EXPIRY).status == "expired"
    new_token = sign(make_payload(second), second)
    assert verify(new_token, trust, now=BEFORE_EXPIRY).status == "valid"
    # The exported --all text is a trust file that verifies both.
    exported = home / "agency.pub"
    exported.write_text(export_public(include_retired=True))
    assert set(load_key_file(exported).keys) == {first.kid, second.kid}
    assert export_public().splitlines() == [public_line(second.public)]


def test_rotation_restores_a_deleted_public_key(home: Path) -> None:
    first = init_keys()
    (home / "keys" / "public" / f"{first.kid}.pub").unlink()
    init_keys(rotate=True)
    assert first.kid in load_trust().keys


def test_rotation_replaces_a_damaged_key(home: Path) -> None:
    made = init_keys()
    made.private_path.write_bytes(b"not a key")
    with pytest.raises(CertificateError, match="is not an unencrypted Ed25519 private key"):
        load_signing_key()
    rotated = init_keys(rotate=True)
    assert load_signing_key().kid == rotated.kid
    assert rotated.retired is None


def test_rotate_without_a_key_creates_one(home: Path) -> None:
    assert init_keys(rotate=True).retired is None
    assert (home / "keys" / "signing.key").is_file()


@posix_only
def test_a_key_others_can_read_is_refused(home: Path) -> None:
    made = init_keys()
    made.private_path.chmod(0o644)
    with pytest.raises(CertificateError) as caught:
        load_signing_key()
    assert str(caught.value) == (
        f"the agency key {made.private_path} can be read by other users: make it private "
        f"with 'chmod 600 {made.private_path}', then try again"
    )


def test_a_damaged_key_is_told_without_its_content(home: Path) -> None:
    made = init_keys()
    secret = "-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END PRIVATE KEY-----\n"
    made.private_path.write_text(secret)
    with pytest.raises(CertificateError) as caught:
        load_signing_key()
    assert "SECRET" not in str(caught.value)
    assert str(caught.value) == (
        f"{made.private_path} is not an unencrypted Ed25519 private key in PEM form: it is "
        "damaged or was replaced; restore it from a backup, or rotate to a new key"
    )


def test_no_key_yet(home: Path) -> None:
    with pytest.raises(CertificateError) as caught:
        load_signing_key()
    assert str(caught.value) == (
        f"no agency key in {home / 'keys'}: create one with 'trainer keys init'"
    )
    with pytest.raises(CertificateError) as caught:
        load_trust()
    assert str(caught.value) == (
        f"no trusted public keys in {home / 'keys'}: give the issuing agency's public key "
        "with --key FILE, or create this agency's key with 'trainer keys init'"
    )


def test_public_keys_load_from_one_line_bare_or_pem_forms(home: Path, tmp_path: Path) -> None:
    init_keys()
    key = load_signing_key()
    line = export_public()
    pem = export_public(pem=True)
    assert line == f"ed25519 {key.kid} {line.split()[2]}\n"
    assert len(line.split()[2]) == 43
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    for text in (line, pem, line.split()[2], f"# the agency key\n\n  {line}", pem + line):
        trust = parse_public_keys(text, "pasted")
        assert list(trust.keys) == [key.kid]
        assert trust.keys[key.kid].public_bytes_raw() == key.public.public_bytes_raw()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "agency.pub holds no public key: expected a line 'ed25519 KEYID KEY' as 'trainer "
            "keys export' prints it, or a PEM public key",
        ),
        (
            "hello there world friend",
            "agency.pub:1: not a public key: expected 'ed25519 KEYID KEY' as 'trainer keys "
            "export' prints it, or a PEM public key",
        ),
        (
            "ed25519 0000000000000000 abc",
            "agency.pub:1: the key is not 43 base64url characters (an Ed25519 public key): it "
            "was cut short or changed when it was copied",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n",
            "agency.pub:1: the PEM block has no END line: it was cut short",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "agency.pub:1: the PEM public key is damaged",
        ),
    ],
)
def test_bad_key_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(CertificateError) as caught:
        parse_public_keys(text, "agency.pub")
    assert str(caught.value) == message


def test_a_key_id_that_does_not_match_its_key_is_refused(home: Path) -> None:
    init_keys()
    _, kid, key = export_public().split()
    wrong = "0" * 16
    with pytest.raises(CertificateError) as caught:
        parse_public_keys(f"ed25519 {wrong} {key}\n", "agency.pub")
    assert str(caught.value) == (
        f"agency.pub:1: the key id {wrong} does not match its key (whose id is {kid}): the "
        "line was changed or pieced together when it was copied"
    )


def test_a_private_key_given_as_a_public_key_is_refused_and_not_echoed(home: Path) -> None:
    made = init_keys()
    private = made.private_path.read_text()
    with pytest.raises(CertificateError) as caught:
        parse_public_keys(private, "agency.pub")
    assert str(caught.value) == (
        "agency.pub:1: this is a private key, which must stay secret: give the public key "
        "instead ('trainer keys export' prints it)"
    )


def test_a_key_of_another_kind_is_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    with pytest.raises(CertificateError) as caught:
        parse_public_keys(pem, "agency.pub")
    assert str(caught.value) == (
        "agency.pub:1: not an Ed25519 public key; trainer certificates are signed with Ed25519 keys"
    )


def test_key_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=r"missing.pub: no such key file$"):
        load_key_file(tmp_path / "missing.pub")
    with pytest.raises(CertificateError, match=r"is a folder, not a key file$"):
        load_key_file(tmp_path)
    binary = tmp_path / "random.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(CertificateError, match=r"random.bin is not a key file: it is not text$"):
        load_key_file(binary)
    huge = tmp_path / "huge.pub"
    huge.write_text("#" * (2 << 20))
    with pytest.raises(CertificateError, match=r"huge.pub is not a key file: it is over 1 MB$"):
        load_key_file(huge)
