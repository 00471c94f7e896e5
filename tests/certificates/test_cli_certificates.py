"""The key and certificate commands as a training officer and an auditor type them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from certificate_support import NUMBER, OTHER_KEY, make_payload
from click.testing import CliRunner, Result

from trainer.certificates.keys import load_signing_key, public_line
from trainer.certificates.revocation import RevocationList, write_list
from trainer.certificates.token import sign
from trainer.cli import cli

NOW = datetime.now(UTC).replace(microsecond=0)
LATER = NOW + timedelta(days=300)
EARLIER = NOW - timedelta(days=30)


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def error_of(*args: str) -> str:
    """The one-line error of a failing command (exit status 1)."""
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trainer: error: ")
    return lines[0].removeprefix("trainer: error: ")


def issue(expires: datetime | None = LATER, **changes: object) -> str:
    """A certificate signed with the agency key in TRAINER_HOME."""
    key = load_signing_key()
    return sign(make_payload(key, expires=expires, **changes), key)


@pytest.fixture
def agency(home: Path) -> Path:
    """An agency with its key made by 'trainer keys init'."""
    assert run("keys", "init").exit_code == 0
    return home


# --- keys -------------------------------------------------------------------------------


def test_keys_init_creates_the_key_and_says_what_next(home: Path) -> None:
    result = run("keys", "init")
    kid = load_signing_key().kid
    assert result.exit_code == 0
    assert result.output == (
        f"created the agency signing key {kid} in {home / 'keys' / 'signing.key'}\n"
        "it is readable only by you: back it up somewhere safe and never share it\n"
        "next: publish the public key, so anyone can verify certificates: trainer keys export\n"
    )


def test_keys_init_twice_refuses(agency: Path) -> None:
    kid = load_signing_key().kid
    assert error_of("keys", "init") == (
        f"an agency key already exists in {agency / 'keys'} (key id {kid}); to replace it, "
        "rotate it with 'trainer keys init --rotate': the old public key is kept, so the "
        "certificates it signed still verify"
    )


def test_keys_init_rotate(agency: Path) -> None:
    old = load_signing_key().kid
    result = run("keys", "init", "--rotate")
    new = load_signing_key().kid
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        f"retired key {old}: its public key stays in {agency / 'keys' / 'public'}, so the "
        "certificates it signed still verify",
        f"created the agency signing key {new} in {agency / 'keys' / 'signing.key'}",
    ]


def test_keys_export_prints_one_line_per_key(agency: Path) -> None:
    key = load_signing_key()
    result = run("keys", "export")
    assert result.exit_code == 0
    assert result.output == public_line(key.public) + "\n"
    pem = run("keys", "export", "--pem")
    assert pem.output.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert pem.output.endswith("-----END PUBLIC KEY-----\n")
    run("keys", "init", "--rotate")
    both = run("keys", "export", "--all").output.splitlines()
    assert len(both) == 2
    assert both[1] == public_line(key.public)


def test_keys_export_without_a_key(home: Path) -> None:
    assert error_of("keys", "export") == (
        f"no agency key in {home / 'keys'}: create one with 'trainer keys init'"
    )


# --- certificate verify -----------------------------------------------------------------


def test_verify_a_valid_token_prints_the_facts_and_exits_0(agency: Path) -> None:
    token = issue()
    kid = load_signing_key().kid
    result = run("certificate", "verify", token)
    assert result.exit_code == 0
    assert result.output == (
        "  certificate     7K3M-QX2A-9RTD-E5W5\n"
        "  learner         Zoë Łukasiewicz-O'Brien, badge 4471, state officer ID POST-118223\n"
        "  agency          Riverton Police Department\n"
        "  provider        Riverton Police Academy (provider number TP-0417)\n"
        "  course          Social Media and the Sworn Officer, version 1.2.0 "
        "(social-media-policy)\n"
        "  control number  POST-24-0311\n"
        f"  content hash    {'9f2c' * 16}\n"
        "  track           Annual refresher (refresher)\n"
        "  modules         Judgment calls: 18 of 20 points (90%)\n"
        "                  Off duty, online: 21 of 24 points (87.5%)\n"
        "                  The department page: 10 of 12 points (83.3%)\n"
        "  score           49 of 56 points (87.5%); pass mark 80%\n"
        "  credit hours    1.5\n"
        "  training        2026-05-01 12:03 UTC to 2026-05-04 14:03 UTC, 1 h 30 min on task\n"
        "  delivery        online, self-paced\n"
        "  policy read     acknowledged 2026-05-04 14:03 UTC\n"
        f"  expires         {LATER.date().isoformat()}\n"
        "  attempt seeds   judgment-calls: 8812343412341234123\n"
        "                  off-duty: 1234567890123456789\n"
        "                  department-page: 4611686018427387903\n"
        "  issued          2026-05-04 14:04 UTC by Sgt. Dana Reyes, Training Officer\n"
        f"  signing key     {kid}\n"
        "\n"
        "revocations: not checked (no list: pass --revocations FILE)\n"
        f"verdict: VALID: genuine, signed with key {kid}, valid until "
        f"{LATER.date().isoformat()}\n"
    )


def test_verify_a_text_file_holding_the_token(agency: Path, tmp_path: Path) -> None:
    token = issue(expires=None)
    saved = tmp_path / "certificate.txt"
    saved.write_text("\n".join(token[i : i + 64] for i in range(0, len(token), 64)) + "\n")
    result = run("certificate", "verify", str(saved))
    assert result.exit_code == 0
    assert "  expires         never\n" in result.output
    assert result.output.endswith("valid with no expiry\n")


def test_verify_expired_exits_1_with_the_date(agency: Path) -> None:
    result = run("certificate", "verify", issue(expires=EARLIER))
    assert result.exit_code == 1
    assert "  learner         Zoë Łukasiewicz-O'Brien" in result.output
    assert result.output.splitlines()[-1] == (
        f"verdict: EXPIRED: genuine, but it expired on {EARLIER.date().isoformat()}: the "
        "holder must recertify"
    )


def test_verify_forged_shows_the_claims_as_unverified(agency: Path) -> None:
    header, _, signature = issue().split(".")
    genuine = issue().split(".")[1]
    forged_payload = issue(learner_name="Mallory").split(".")[1]
    assert forged_payload != genuine
    result = run("certificate", "verify", f"{header}.{forged_payload}.{signature}")
    kid = load_signing_key().kid
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "What it claims (NOT verified: do not rely on any of it):"
    assert "  learner         Mallory, badge 4471, state officer ID POST-118223" in lines
    assert not any(line.startswith("revocations:") for line in lines)
    assert lines[-1] == (
        f"verdict: FORGED: the signature does not match key {kid}: the content or the "
        "signature was changed after signing"
    )


def test_verify_another_agencys_certificate(agency: Path, tmp_path: Path) -> None:
    theirs = sign(make_payload(OTHER_KEY, expires=LATER), OTHER_KEY)
    result = run("certificate", "verify", theirs)
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        f"verdict: UNKNOWN KEY: signed with key {OTHER_KEY.kid}, which is not the key in "
        f"{agency / 'keys'}: it was issued by another agency, or with a key you were not given",
        "hint: pass the issuing agency's public key with --key FILE",
    ]
    their_key = tmp_path / "their-agency.pub"
    their_key.write_text(public_line(OTHER_KEY.public) + "\n")
    result = run("certificate", "verify", theirs, "--key", str(their_key))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith(
        f"verdict: VALID: genuine, signed with key {OTHER_KEY.kid}"
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (
            "garbage",
            "not a trainer certificate: a signed token has three parts separated by dots, "
            "this has 1",
        ),
        (
            "x" * 70_000,
            "not a token: the input is 70,000 characters long; a certificate token is a few "
            "thousand at most",
        ),
    ],
    ids=["word", "70k"],
)
def test_verify_garbage_is_malformed(agency: Path, source: str, reason: str) -> None:
    result = run("certificate", "verify", source)
    assert result.exit_code == 1
    assert result.output == f"verdict: MALFORMED: {reason}\n"


def test_verify_a_binary_file_is_malformed(agency: Path, tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run("certificate", "verify", str(binary))
    assert result.exit_code == 1
    assert result.output == "verdict: MALFORMED: not a token: the input is not text\n"


def test_verify_input_errors(agency: Path, tmp_path: Path) -> None:
    assert error_of("certificate", "verify", "certificate.pdf") == ("certificate.pdf: no such file")
    assert error_of("certificate", "verify", "cert.txt") == (
        "cert.txt: no such file (give a token, or a file holding one)"
    )
    assert error_of("certificate", "verify", str(tmp_path)) == (
        f"{tmp_path} is a folder: give a token or a file holding one"
    )
    assert error_of("certificate", "verify", issue(), "--key", str(tmp_path / "nope.pub")) == (
        f"{tmp_path / 'nope.pub'}: no such key file"
    )


def test_verify_refuses_a_private_key_given_as_key(agency: Path) -> None:
    private = agency / "keys" / "signing.key"
    message = error_of("certificate", "verify", issue(), "--key", str(private))
    assert message == (
        f"{private}:1: this is a private key, which must stay secret: give the public key "
        "instead ('trainer keys export' prints it)"
    )


def test_verify_without_any_key(home: Path) -> None:
    assert error_of("certificate", "verify", "a.b.c") == (
        f"no trusted public keys in {home / 'keys'}: give the issuing agency's public key "
        "with --key FILE, or create this agency's key with 'trainer keys init'"
    )


def test_verify_with_a_revocation_list(agency: Path, tmp_path: Path) -> None:
    token = issue()
    revoked = run("certificate", "revoke", NUMBER, "--reason", "wrong learner", "--out",
                  str(tmp_path / "list.jwt"))  # fmt: skip
    assert revoked.exit_code == 0
    result = run("certificate", "verify", token, "--revocations", str(tmp_path / "list.jwt"))
    assert result.exit_code == 1
    day = NOW.strftime("%Y-%m-%d")
    lines = result.output.splitlines()
    assert lines[-2].startswith(
        f"revocations: checked against {tmp_path / 'list.jwt'} (the list of {day}"
    )
    assert lines[-1].startswith(f"verdict: REVOKED: revoked on {day} ")
    assert lines[-1].endswith(" UTC: wrong learner")


def test_verify_uses_the_agencys_own_list_by_default(agency: Path) -> None:
    token = issue()
    assert run("certificate", "revoke", NUMBER, "--reason", "lost").exit_code == 0
    result = run("certificate", "verify", token)
    assert result.exit_code == 1
    assert f"revocations: checked against {agency / 'revocations.jwt'}" in result.output
    assert result.output.splitlines()[-1].endswith(" UTC: lost")


def test_verify_refuses_a_list_the_agency_did_not_sign(agency: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.jwt"
    write_list(theirs, RevocationList(NOW), OTHER_KEY)
    assert error_of("certificate", "verify", issue(), "--revocations", str(theirs)) == (
        f"{theirs} is refused: it is signed with key {OTHER_KEY.kid}, which is not the key in "
        f"{agency / 'keys'}: it is not the list of the agency whose keys you trust"
    )
    assert error_of("certificate", "verify", issue(), "--revocations", str(tmp_path / "x")) == (
        f"{tmp_path / 'x'}: no such revocation list"
    )


# --- certificate revoke -----------------------------------------------------------------


def test_revoke_writes_the_signed_list(agency: Path) -> None:
    kid = load_signing_key().kid
    result = run("certificate", "revoke", "7k3m qx2a 9rtd e5w5", "--reason", "issued in error")
    assert result.exit_code == 0
    assert result.output == (
        f"revoked {NUMBER}: issued in error\n"
        f"{agency / 'revocations.jwt'} now lists 1 revoked certificate, signed with key {kid}\n"
        "publish it, so that verifiers can check: trainer certificate verify TOKEN "
        "--revocations revocations.jwt\n"
    )
    assert error_of("certificate", "revoke", NUMBER, "--reason", "again").startswith(
        f"{NUMBER} was already revoked on "
    )


def test_revoke_errors(agency: Path, home: Path, tmp_path: Path) -> None:
    assert error_of("certificate", "revoke", "12345", "--reason", "x") == (
        "'12345' is not a certificate number: it has 5 symbols, a certificate number has 16 "
        "(4 groups of 4, like 7K3M-QX2A-9RTD-E5W5)"
    )
    assert error_of("certificate", "revoke", NUMBER, "--reason", "  ") == (
        "give a reason for revoking: it is shown to every verifier"
    )
    theirs = tmp_path / "theirs.jwt"
    write_list(theirs, RevocationList(NOW), OTHER_KEY)
    assert error_of("certificate", "revoke", NUMBER, "--reason", "x", "--out", str(theirs)) == (
        f"{theirs} is refused: it is signed with key {OTHER_KEY.kid}, which is not the key in "
        f"{home / 'keys'}: it is not the list of the agency whose keys you trust"
    )
    missing = run("certificate", "revoke", NUMBER)
    assert missing.exit_code == 2
    assert "Missing option '--reason'" in missing.output


def test_revoke_without_a_key(home: Path) -> None:
    assert error_of("certificate", "revoke", NUMBER, "--reason", "x") == (
        f"no agency key in {home / 'keys'}: create one with 'trainer keys init'"
    )


# --- the private key stays private ------------------------------------------------------


def test_the_private_key_never_appears_in_any_output_or_log(
    home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outputs = [run("keys", "init")]
    first = load_signing_key()
    secrets = _secrets_of(first.path)
    outputs.append(run("keys", "init"))
    outputs.append(run("keys", "init", "--rotate"))
    secrets += _secrets_of(load_signing_key().path)
    token = issue()
    outputs += [
        run("keys", "export"),
        run("keys", "export", "--all", "--pem"),
        run("certificate", "verify", token),
        run("certificate", "verify", token, "--key", str(home / "keys" / "signing.key")),
        run("certificate", "verify", str(home / "keys" / "signing.key")),
        run("certificate", "revoke", NUMBER, "--reason", "x"),
    ]
    (home / "keys" / "signing.key").write_text("-----BEGIN PRIVATE KEY-----\nZZZZ\n")
    outputs.append(run("certificate", "revoke", NUMBER, "--reason", "y"))
    seen = "".join(r.output for r in outputs) + caplog.text
    for secret in secrets:
        assert secret not in seen
    assert "ZZZZ" not in seen


def _secrets_of(path: Path) -> list[str]:
    """The private key's PEM body lines and its raw bytes in every common text form."""
    import base64

    from cryptography.hazmat.primitives import serialization

    pem = path.read_text()
    key = load_signing_key(path.parent)
    raw = key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    body = [line for line in pem.splitlines() if not line.startswith("-----")]
    return [
        *body,
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]
