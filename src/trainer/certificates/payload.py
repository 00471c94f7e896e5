"""What a certificate certifies: every fact of the training record, as canonical JSON.

The JSON is what is signed and what the QR code carries, so claim names are short but
readable (``no``, ``ver``, ``pts``, ``pct``), and registered JWT claim names (``exp``,
``iat``) are avoided on purpose: a generic JWT library would reject an expired certificate
outright, where trainer says "valid, but expired on 2027-05-04". Times are ISO 8601 UTC
with a ``Z``. Attempt seeds are decimal strings, because they exceed the integers that
JavaScript reads exactly (2**53) and an auditor replays a draw from the exact seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from trainer.certificates.errors import CertificateError
from trainer.certificates.numbers import normalize_number
from trainer.certificates.strictjson import loads
from trainer.certificates.timefmt import format_utc, parse_utc
from trainer.content.course import canonical_json

FORMAT_VERSION = 1
_HASH = re.compile(r"[0-9a-f]{64}")
_KID = re.compile(r"[0-9A-HJKMNP-TV-Z]{16}")
_SEED = re.compile(r"0|[1-9][0-9]{0,19}")
T = TypeVar("T")


@dataclass(frozen=True)
class ModuleScore:
    """A module's result: points earned of the most that could be earned."""

    id: str
    title: str
    earned: int
    maximum: int
    percent: float


@dataclass(frozen=True)
class AttemptSeed:
    """The seed an attempt drew its items with: replaying it shows exactly what was asked."""

    module: str
    seed: int


@dataclass(frozen=True)
class Officer:
    """Who issues and signs: the training officer on the signature line."""

    name: str
    title: str


def percent_of(earned: int, maximum: int) -> float:
    """The percent shown on a certificate, to one decimal place."""
    return round(100.0 * earned / maximum, 1) if maximum else 0.0


@dataclass(frozen=True)
class CertificatePayload:
    """Every fact a certificate certifies. Times are timezone-aware (written as UTC)."""

    number: str
    learner_name: str
    badge: str
    state_officer_id: str | None
    agency: str
    provider_name: str
    provider_number: str
    course_id: str
    course_title: str
    course_version: str
    content_hash: str
    track: str
    track_title: str
    modules: tuple[ModuleScore, ...]
    earned: int
    maximum: int
    percent: float
    pass_mark: int
    credit_hours: float
    started: datetime
    completed: datetime
    delivery_method: str
    attempts: tuple[AttemptSeed, ...]
    expires: datetime | None
    acknowledged: datetime
    time_on_task: int
    """Seconds."""
    officer_name: str
    officer_title: str
    control_number: str | None
    kid: str
    issued: datetime

    def to_data(self) -> dict[str, object]:
        """The payload as JSON data, under its claim names."""
        return {
            "v": FORMAT_VERSION,
            "no": self.number,
            "learner": {
                "name": self.learner_name,
                "badge": self.badge,
                "state_id": self.state_officer_id,
            },
            "agency": self.agency,
            "provider": {"name": self.provider_name, "no": self.provider_number},
            "course": {
                "id": self.course_id,
                "title": self.course_title,
                "ver": self.course_version,
                "hash": self.content_hash,
                "control": self.control_number,
            },
            "track": {"id": self.track, "title": self.track_title},
            "modules": [
                {"id": m.id, "title": m.title, "pts": m.earned, "max": m.maximum, "pct": m.percent}
                for m in self.modules
            ],
            "score": {
                "pts": self.earned,
                "max": self.maximum,
                "pct": self.percent,
                "pass": self.pass_mark,
            },
            "hours": self.credit_hours,
            "start": format_utc(self.started),
            "done": format_utc(self.completed),
            "method": self.delivery_method,
            "seeds": [{"mod": a.module, "seed": str(a.seed)} for a in self.attempts],
            "expires": format_utc(self.expires) if self.expires is not None else None,
            "ack": format_utc(self.acknowledged),
            "on_task": self.time_on_task,
            "officer": {"name": self.officer_name, "title": self.officer_title},
            "kid": self.kid,
            "issued": format_utc(self.issued),
        }

    def to_json(self) -> bytes:
        """Canonical JSON: sorted keys, no spaces, UTF-8."""
        return self._json

    @cached_property
    def _json(self) -> bytes:
        # Once per payload: signing it and embedding it in its PDF both need it.
        return canonical_json(self.to_data())

    @staticmethod
    def from_json(data: bytes | str) -> CertificatePayload:
        """Read a payload, checking every field; raises :class:`CertificateError` naming the
        first field that is missing, unknown or of the wrong kind."""
        try:
            value = loads(data.encode("utf-8") if isinstance(data, str) else data)
        except ValueError as exc:
            raise CertificateError(f"the certificate data is not JSON: {exc}") from None
        return CertificatePayload.from_data(value)

    @staticmethod
    def from_data(value: object) -> CertificatePayload:
        top = _Fields(value, "")
        version = top.integer("v")
        if version != FORMAT_VERSION:
            raise CertificateError(
                f"the certificate data is format {version}; this trainer reads format "
                f"{FORMAT_VERSION}: upgrade trainer"
            )
        learner = top.object(
            "learner",
            lambda f: (f.text("name"), f.text("badge"), f.optional_text("state_id")),
        )
        provider = top.object("provider", lambda f: (f.text("name"), f.text("no")))
        course = top.object(
            "course",
            lambda f: (
                f.text("id"),
                f.text("title"),
                f.text("ver"),
                f.matching("hash", _HASH, "a SHA-256 in lower-case hex"),
                f.optional_text("control"),
            ),
        )
        track = top.object("track", lambda f: (f.text("id"), f.text("title")))
        score = top.object(
            "score",
            lambda f: (f.count("pts"), f.count("max"), f.percent("pct"), f.whole_percent("pass")),
        )
        officer = top.object("officer", lambda f: (f.text("name"), f.text("title")))
        expires = top.optional_time("expires")
        payload = CertificatePayload(
            number=top.number("no"),
            learner_name=learner[0],
            badge=learner[1],
            state_officer_id=learner[2],
            agency=top.text("agency"),
            provider_name=provider[0],
            provider_number=provider[1],
            course_id=course[0],
            course_title=course[1],
            course_version=course[2],
            content_hash=course[3],
            control_number=course[4],
            track=track[0],
            track_title=track[1],
            modules=tuple(
                top.objects(
                    "modules",
                    lambda f: ModuleScore(
                        f.text("id"),
                        f.text("title"),
                        f.count("pts"),
                        f.count("max"),
                        f.percent("pct"),
                    ),
                )
            ),
            earned=score[0],
            maximum=score[1],
            percent=score[2],
            pass_mark=score[3],
            credit_hours=top.amount("hours"),
            started=top.time("start"),
            completed=top.time("done"),
            delivery_method=top.text("method"),
            attempts=tuple(
                top.objects("seeds", lambda f: AttemptSeed(f.text("mod"), f.seed("seed")))
            ),
            expires=expires,
            acknowledged=top.time("ack"),
            time_on_task=top.count("on_task"),
            officer_name=officer[0],
            officer_title=officer[1],
            kid=top.matching("kid", _KID, "16 Crockford base32 symbols"),
            issued=top.time("issued"),
        )
        top.no_others()
        return payload


class _Fields:
    """Typed reads from one JSON object, each failure a one-line CertificateError naming
    the field by its dotted path (``course.hash``, ``modules[2].pct``)."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise CertificateError(
                f"{'the certificate data' if not where else repr(where)} must be a JSON "
                f"object, not {_kind(value)}"
            )
        self.data: dict[str, object] = value
        self.where = where
        self.seen: set[str] = set()

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> object:
        self.seen.add(key)
        if key not in self.data:
            raise CertificateError(f"the certificate data has no {self._path(key)!r}")
        return self.data[key]

    def _wrong(self, key: str, expected: str, value: object) -> CertificateError:
        return CertificateError(f"{self._path(key)!r} must be {expected}, not {_kind(value)}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._wrong(key, "non-empty text", value)
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._get(key)
        return None if value is None else self.text(key)

    def matching(self, key: str, pattern: re.Pattern[str], expected: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise self._wrong(key, expected, value)
        return value

    def number(self, key: str) -> str:
        value = self.text(key)
        try:
            valid = normalize_number(value) == value
        except CertificateError:
            valid = False
        if not valid:
            raise self._wrong(key, "a certificate number like 7K3M-QX2A-9RTD-E5W5", value)
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "a whole number", value)
        return value

    def count(self, key: str) -> int:
        value = self.integer(key)
        if value < 0:
            raise self._wrong(key, "zero or more", value)
        return value

    def amount(self, key: str, most: float | None = None) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self._wrong(key, "a number, zero or more", value)
        if most is not None and value > most:
            raise self._wrong(key, f"a percent, 0 to {most:g}", value)
        return float(value)

    def percent(self, key: str) -> float:
        return self.amount(key, 100)

    def whole_percent(self, key: str) -> int:
        value = self.integer(key)
        if not 0 <= value <= 100:
            raise self._wrong(key, "a whole percent, 0 to 100", value)
        return value

    def seed(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, str) or not _SEED.fullmatch(value):
            raise self._wrong(key, "a seed in decimal digits, as text", value)
        return int(value)

    def time(self, key: str) -> datetime:
        value = self._get(key)
        moment = parse_utc(value) if isinstance(value, str) else None
        if moment is None:
            raise self._wrong(key, "a UTC time like 2026-05-04T14:03:22Z", value)
        return moment

    def optional_time(self, key: str) -> datetime | None:
        return None if self._get(key) is None else self.time(key)

    def object(self, key: str, read: Callable[[_Fields], T]) -> T:
        fields = _Fields(self._get(key), self._path(key))
        result = read(fields)
        fields.no_others()
        return result

    def objects(self, key: str, read: Callable[[_Fields], T]) -> list[T]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        found: list[T] = []
        for index, item in enumerate(value):
            fields = _Fields(item, f"{self._path(key)}[{index}]")
            found.append(read(fields))
            fields.no_others()
        return found

    def no_others(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise CertificateError(
                f"the certificate data has an unknown field {self._path(unknown[0])!r}"
            )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "an object"
