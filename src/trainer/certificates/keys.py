"""The agency's Ed25519 keys: made once, kept in the data folder, published as one line.

The folder (``$TRAINER_HOME/keys``, else ``keys`` in the user data folder) holds::

    signing.key          the private key, PKCS#8 PEM, mode 0600: never printed or logged
    public/KID.pub       every public key this agency has signed with, current and retired

A key id (kid) is derived from the public key, so it cannot be claimed for another key.
Rotating replaces the private key and keeps the old public key in ``public/``: every
certificate signed before still verifies, and the old private key can sign nothing more.

A public key is published as one line, ``ed25519 KID KEY`` (KEY is the raw 32-byte key in
base64url), which fits in an email, a web page or the README. Loading also accepts a bare
KEY and a PEM ``PUBLIC KEY`` block (what ``openssl pkey -pubout`` prints), several per file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trainer.certificates import base64url
from trainer.certificates.errors import CertificateError
from trainer.certificates.files import read_limited, write_atomic
from trainer.datadir import data_dir

PRIVATE_FILE = "signing.key"
PUBLIC_DIR = "public"
PUBLIC_SUFFIX = ".pub"
LINE_PREFIX = "ed25519"
KID_LENGTH = 16
MAX_KEY_FILE = 1 << 20
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def keys_dir(folder: Path | None = None) -> Path:
    """``folder`` if given, else ``keys`` in :func:`data_dir`."""
    return folder if folder is not None else data_dir() / "keys"


def key_id(public: Ed25519PublicKey) -> str:
    """The first 16 Crockford base32 symbols (80 bits) of SHA-256 of the raw public key."""
    digest = hashlib.sha256(_raw(public)).digest()
    standard = base64.b32encode(digest).decode("ascii")
    return standard[:KID_LENGTH].translate(str.maketrans(_STANDARD, _CROCKFORD))


def public_line(public: Ed25519PublicKey) -> str:
    """``ed25519 KID KEY``: the form ``trainer keys export`` prints."""
    return f"{LINE_PREFIX} {key_id(public)} {base64url.encode(_raw(public))}"


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- the signing key ----------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """The agency's current private key and its key id."""

    kid: str
    private: Ed25519PrivateKey = field(repr=False)
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @staticmethod
    def of(private: Ed25519PrivateKey, path: Path = Path("<memory>")) -> SigningKey:
        return SigningKey(key_id(private.public_key()), private, path)


@dataclass(frozen=True)
class KeyInit:
    """What :func:`init_keys` did: the new key id, and the one it retired, if any."""

    kid: str
    folder: Path
    private_path: Path
    retired: str | None


def init_keys(folder: Path | None = None, *, rotate: bool = False) -> KeyInit:
    """Create the agency key pair in ``folder`` (default :func:`keys_dir`).

    An existing key is never overwritten unless ``rotate``; rotating keeps the old public
    key, so certificates it signed still verify.
    """
    folder = keys_dir(folder)
    private_path = folder / PRIVATE_FILE
    retired: SigningKey | None = None
    if private_path.exists():
        try:
            retired = load_signing_key(folder)
        except CertificateError:
            if not rotate:
                raise
            # A damaged or exposed key is what rotation is for; its public key, if it was
            # ever used, is already in public/.
        if not rotate:
            kid = retired.kid if retired is not None else "?"
            raise CertificateError(
                f"an agency key already exists in {folder} (key id {kid}); to replace it, "
                "rotate it with 'trainer keys init --rotate': the old public key is kept, so "
                "the certificates it signed still verify"
            )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        (folder / PUBLIC_DIR).mkdir(mode=0o755, exist_ok=True)
    except OSError as exc:
        raise CertificateError(f"cannot create the key folder {folder}: {exc.strerror}") from None
    if retired is not None:
        # The old public key may have been deleted by hand; it must stay trusted.
        _write_public(folder, retired.public)
    private = Ed25519PrivateKey.generate()
    # The public half first: a live private key always has its public key beside it.
    _write_public(folder, private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(private_path, pem, mode=0o600)
    return KeyInit(
        key_id(private.public_key()),
        folder,
        private_path,
        retired.kid if retired is not None else None,
    )


def load_signing_key(folder: Path | None = None) -> SigningKey:
    """The agency's private key; refused when other users can read its file."""
    folder = keys_dir(folder)
    path = folder / PRIVATE_FILE
    try:
        mode = path.stat().st_mode
        data = path.read_bytes() if path.is_file() else None
    except FileNotFoundError:
        data = None
    except OSError as exc:
        raise CertificateError(f"cannot read the agency key {path}: {exc.strerror}") from None
    if data is None:
        raise CertificateError(f"no agency key in {folder}: create one with 'trainer keys init'")
    if os.name == "posix" and mode & 0o077:
        raise CertificateError(
            f"the agency key {path} can be read by other users: make it private with "
            f"'chmod 600 {path}', then try again"
        )
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # The exception text is not shown: it is about the key file's content.
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise CertificateError(
            f"{path} is not an unencrypted Ed25519 private key in PEM form: it is damaged or "
            "was replaced; restore it from a backup, or rotate to a new key"
        )
    return SigningKey.of(private, path)


# --- public keys and trust ----------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """The public keys a verifier accepts, by key id, and where they came from."""

    keys: Mapping[str, Ed25519PublicKey]
    source: str

    def get(self, kid: str) -> Ed25519PublicKey | None:
        return self.keys.get(kid)

    def __len__(self) -> int:
        return len(self.keys)

    def lacks(self) -> str:
        """How to say a key is not trusted: 'which is not the key in X', 'which is none of
        the 3 keys in X'."""
        count = len(self.keys)
        if count == 1:
            return f"which is not the key in {self.source}"
        return f"which is none of the {count} keys in {self.source}"

    @staticmethod
    def union(trusts: Iterable[Trust]) -> Trust:
        keys: dict[str, Ed25519PublicKey] = {}
        sources: list[str] = []
        for trust in trusts:
            keys.update(trust.keys)
            sources.append(trust.source)
        return Trust(keys, " and ".join(sources))


def export_public(
    folder: Path | None = None, *, include_retired: bool = False, pem: bool = False
) -> str:
    """The agency's public key as text to publish: the current key, then (with
    ``include_retired``) every retired one, one line each, or PEM blocks."""
    folder = keys_dir(folder)
    current = load_signing_key(folder).public
    keys = [current]
    if include_retired:
        trusted = _public_keys(folder)
        keys += [trusted[kid] for kid in sorted(trusted) if kid != key_id(current)]
    if pem:
        return "".join(public_pem(k) for k in keys)
    return "".join(public_line(k) + "\n" for k in keys)


def load_trust(folder: Path | None = None) -> Trust:
    """Every public key this agency has signed with, from its key folder."""
    folder = keys_dir(folder)
    keys = _public_keys(folder)
    if not keys:
        raise CertificateError(
            f"no trusted public keys in {folder}: give the issuing agency's public key with "
            "--key FILE, or create this agency's key with 'trainer keys init'"
        )
    return Trust(keys, str(folder))


def load_key_file(path: Path) -> Trust:
    """The public keys in a file, in any form :func:`parse_public_keys` reads."""
    data = read_limited(path, MAX_KEY_FILE, "key file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CertificateError(f"{path} is not a key file: it is not text") from None
    return parse_public_keys(text, str(path))


def parse_public_keys(text: str, source: str) -> Trust:
    """Public keys from text: lines ``ed25519 KID KEY`` or ``KEY``, and PEM ``PUBLIC KEY``
    blocks. Blank lines and lines starting with ``#`` are skipped."""
    keys: dict[str, Ed25519PublicKey] = {}
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        line = lines[number].strip()
        number += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("-----BEGIN"):
            start = number
            block = [line]
            while number < len(lines) and not block[-1].startswith("-----END"):
                block.append(lines[number].strip())
                number += 1
            public = _from_pem(block, f"{source}:{start}")
        else:
            public = _from_line(line, f"{source}:{number}")
        keys[key_id(public)] = public
    if not keys:
        raise CertificateError(
            f"{source} holds no public key: expected a line 'ed25519 KEYID KEY' as "
            "'trainer keys export' prints it, or a PEM public key"
        )
    return Trust(keys, source)


def _from_line(line: str, where: str) -> Ed25519PublicKey:
    parts = line.split()
    if len(parts) == 3 and parts[0].lower() == LINE_PREFIX:
        _, kid, encoded = parts
    elif len(parts) == 1:
        kid, encoded = None, parts[0]
    else:
        raise CertificateError(
            f"{where}: not a public key: expected 'ed25519 KEYID KEY' as 'trainer keys "
            "export' prints it, or a PEM public key"
        )
    raw = base64url.decode(encoded)
    if raw is None or len(raw) != 32:
        raise CertificateError(
            f"{where}: the key is not 43 base64url characters (an Ed25519 public key): "
            "it was cut short or changed when it was copied"
        )
    try:
        public = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise CertificateError(f"{where}: not a valid Ed25519 public key") from None
    if kid is not None and kid.upper() != key_id(public):
        raise CertificateError(
            f"{where}: the key id {kid} does not match its key (whose id is "
            f"{key_id(public)}): the line was changed or pieced together when it was copied"
        )
    return public


def _from_pem(block: list[str], where: str) -> Ed25519PublicKey:
    if "PRIVATE" in block[0]:
        raise CertificateError(
            f"{where}: this is a private key, which must stay secret: give the public key "
            "instead ('trainer keys export' prints it)"
        )
    if not block[-1].startswith("-----END"):
        raise CertificateError(f"{where}: the PEM block has no END line: it was cut short")
    try:
        public = serialization.load_pem_public_key("\n".join(block).encode("ascii"))
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm):
        raise CertificateError(f"{where}: the PEM public key is damaged") from None
    if not isinstance(public, Ed25519PublicKey):
        raise CertificateError(
            f"{where}: not an Ed25519 public key; trainer certificates are signed with Ed25519 keys"
        )
    return public


def _public_keys(folder: Path) -> dict[str, Ed25519PublicKey]:
    public_dir = folder / PUBLIC_DIR
    if not public_dir.is_dir():
        return {}
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(public_dir.glob(f"*{PUBLIC_SUFFIX}")):
        keys.update(load_key_file(path).keys)
    return keys


def _write_public(folder: Path, public: Ed25519PublicKey) -> None:
    path = folder / PUBLIC_DIR / f"{key_id(public)}{PUBLIC_SUFFIX}"
    write_atomic(path, (public_line(public) + "\n").encode("ascii"), mode=0o644)
