"""The revocation list: the certificate numbers an agency has withdrawn, signed by it.

The list is a file holding one token, signed like a certificate but of type
``trainer-revocations+jwt``, so the agency can publish it anywhere (a web page, an email)
and a verifier can trust it as far as they trust the agency's key. Offline, a verifier can
only say "not revoked as of the list dated D": the verdict says which list it used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from trainer.certificates.errors import CertificateError
from trainer.certificates.files import read_limited, write_atomic
from trainer.certificates.keys import SigningKey, Trust
from trainer.certificates.numbers import normalize_number
from trainer.certificates.strictjson import loads
from trainer.certificates.timefmt import format_utc, minute, parse_utc
from trainer.certificates.token import REVOCATIONS_TYPE, read_token, sign_bytes
from trainer.content.course import canonical_json
from trainer.datadir import data_dir

FORMAT_VERSION = 1
REVOCATIONS_FILE = "revocations.jwt"
MAX_LIST_FILE = 16 << 20
MAX_REASON = 500


def default_path() -> Path:
    """``revocations.jwt`` in the data folder."""
    return data_dir() / REVOCATIONS_FILE


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    date: datetime


@dataclass(frozen=True)
class RevocationList:
    """The revoked numbers, as of ``issued``. ``kid`` is the key that signed the list read
    (None for a list not yet signed)."""

    issued: datetime
    entries: tuple[Revocation, ...] = ()
    kid: str | None = None

    def find(self, number: str) -> Revocation | None:
        return next((r for r in self.entries if r.number == number), None)

    def revoke(self, number: str, reason: str, now: datetime | None = None) -> RevocationList:
        """A new list with ``number`` added; the number may be typed loosely (see
        :func:`normalize_number`). Refuses an empty reason and a number already revoked."""
        canonical = normalize_number(number)
        reason = " ".join(reason.split())
        if not reason:
            raise CertificateError("give a reason for revoking: it is shown to every verifier")
        if len(reason) > MAX_REASON:
            raise CertificateError(
                f"the reason is {len(reason)} characters: keep it under {MAX_REASON}"
            )
        earlier = self.find(canonical)
        if earlier is not None:
            raise CertificateError(
                f"{canonical} was already revoked on {minute(earlier.date)}: {earlier.reason}"
            )
        moment = now or _now()
        return replace(
            self, issued=moment, entries=(*self.entries, Revocation(canonical, reason, moment))
        )

    def to_json(self) -> bytes:
        return canonical_json(
            {
                "v": FORMAT_VERSION,
                "issued": format_utc(self.issued),
                "revoked": [
                    {"no": r.number, "reason": r.reason, "date": format_utc(r.date)}
                    for r in self.entries
                ],
            }
        )

    @staticmethod
    def from_json(data: bytes, kid: str | None = None) -> RevocationList:
        """Read the list's JSON; raises :class:`CertificateError` with what is wrong."""
        try:
            value = loads(data)
        except ValueError as exc:
            raise CertificateError(f"not JSON: {exc}") from None
        if not isinstance(value, dict) or set(value) != {"v", "issued", "revoked"}:
            raise CertificateError("not a revocation list: it needs v, issued and revoked")
        if value["v"] != FORMAT_VERSION:
            raise CertificateError(
                f"a revocation list of format {value['v']!r}; this trainer reads format "
                f"{FORMAT_VERSION}: upgrade trainer"
            )
        issued = parse_utc(value["issued"]) if isinstance(value["issued"], str) else None
        if issued is None:
            raise CertificateError("its date ('issued') is not a UTC time")
        if not isinstance(value["revoked"], list):
            raise CertificateError("'revoked' must be a list")
        entries = tuple(_entry(item, i) for i, item in enumerate(value["revoked"]))
        return RevocationList(issued, entries, kid)


def _entry(item: object, index: int) -> Revocation:
    where = f"revoked[{index}]"
    if not isinstance(item, dict) or set(item) != {"no", "reason", "date"}:
        raise CertificateError(f"{where} must hold no, reason and date")
    number, reason, date = item["no"], item["reason"], item["date"]
    moment = parse_utc(date) if isinstance(date, str) else None
    if not isinstance(number, str) or not isinstance(reason, str) or moment is None:
        raise CertificateError(f"{where}: the number and reason must be text, the date a time")
    try:
        canonical = normalize_number(number)
    except CertificateError as exc:
        raise CertificateError(f"{where}: {exc}") from None
    return Revocation(canonical, reason, moment)


def sign_list(revocations: RevocationList, key: SigningKey) -> str:
    """The list as a signed token, to write to a file and publish."""
    return sign_bytes(revocations.to_json(), key, REVOCATIONS_TYPE)


def read_list(
    text: str | bytes, trust: Trust, source: str = "the revocation list"
) -> RevocationList:
    """A signed list, checked against the trusted keys; raises :class:`CertificateError`
    when it is not a list, or not signed by a trusted key."""
    result = read_token(text, trust, REVOCATIONS_TYPE)
    if result.status == "malformed":
        raise CertificateError(f"{source}: {result.reason}")
    if result.status == "unknown key":
        raise CertificateError(
            f"{source} is refused: it is signed with key {result.kid}, {trust.lacks()}: it "
            "is not the list of the agency whose keys you trust"
        )
    if result.status == "forged":
        raise CertificateError(
            f"{source} is refused: its signature does not match (it was changed after signing)"
        )
    assert result.payload is not None
    try:
        return RevocationList.from_json(result.payload, result.kid)
    except CertificateError as exc:
        raise CertificateError(f"{source} is signed but unreadable: {exc}") from None


def load_list(path: Path, trust: Trust) -> RevocationList:
    """The signed list in the file ``path``."""
    data = read_limited(path, MAX_LIST_FILE, "revocation list")
    return read_list(data, trust, str(path))


def write_list(path: Path, revocations: RevocationList, key: SigningKey) -> str:
    """Sign ``revocations`` and write the token to ``path`` (atomically); returns it."""
    token = sign_list(revocations, key)
    write_atomic(path, (token + "\n").encode("ascii"), mode=0o644)
    return token


def revoke(
    number: str,
    reason: str,
    key: SigningKey,
    trust: Trust,
    path: Path | None = None,
    now: datetime | None = None,
) -> tuple[RevocationList, Revocation]:
    """Add ``number`` to the list in ``path`` (default :func:`default_path`; created when
    missing), re-signed with ``key``. The list there must verify against ``trust``."""
    path = path if path is not None else default_path()
    current = load_list(path, trust) if path.exists() else RevocationList(now or _now())
    updated = current.revoke(number, reason, now)
    if path == default_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_list(path, updated, key)
    return updated, updated.entries[-1]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
