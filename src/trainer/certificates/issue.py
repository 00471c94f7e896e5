"""Issuing: from a completed track in the record to a signed certificate and its event.

Each completion (the policy acknowledgement that ends a round of a track) gets exactly
one certificate, with its own number; a passed refresher next year is a new completion
and a new certificate, and earlier ones stay as they were. The ``certificate_issued``
event keeps the signed token, so a copy printed later is the same certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection

from trainer.certificates.errors import CertificateError
from trainer.certificates.keys import SigningKey
from trainer.certificates.numbers import new_number
from trainer.certificates.payload import (
    AttemptSeed,
    CertificatePayload,
    ModuleScore,
    Officer,
    percent_of,
)
from trainer.certificates.token import payload_of, sign
from trainer.content.models import TrackId
from trainer.records.events import NewEvent, StoredEvent
from trainer.records.history import Attempt, Completion, History
from trainer.records.service import Records


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate as the record keeps it."""

    number: str
    badge: str
    track: TrackId
    token: str
    payload: CertificatePayload
    issued: datetime


def round_attempts(history: History, completion: Completion) -> list[Attempt]:
    """The attempts of the round that ``completion`` ended: those started after the
    learner's previous completion of the track, and before this one."""
    done = history.completions_of(completion.badge, completion.track)
    previous = [c.time for c in done if c.time < completion.time]
    start = previous[-1] if previous else None
    return [
        a
        for a in history.attempts_of(completion.badge, completion.track)
        if (start is None or a.started > start) and a.started <= completion.time
    ]


def build_payload(
    records: Records,
    completion: Completion,
    *,
    officer: Officer,
    kid: str,
    issued: datetime,
    number: str | None = None,
) -> CertificatePayload:
    """Every certified fact of ``completion``, read from the record and the course version
    the learner attested to."""
    history = records.history(completion.badge)
    learner = history.learners[completion.badge]
    taught = records.version(completion.content_hash)
    course = taught.course
    track = dict(course.tracks.items())[completion.track]
    attempts = round_attempts(history, completion)
    modules: list[ModuleScore] = []
    for module in taught.track_modules(completion.track):
        passed = [a for a in attempts if a.module == module.id and a.passed]
        if not passed:
            raise CertificateError(
                f"{completion.badge} completed {completion.track} without passing module "
                f"'{module.id}' in that round: the record does not support a certificate"
            )
        best = passed[-1]
        earned, maximum = best.earned or 0, best.maximum or 0
        modules.append(
            ModuleScore(module.id, module.title, earned, maximum, percent_of(earned, maximum))
        )
    earned = sum(m.earned for m in modules)
    maximum = sum(m.maximum for m in modules)
    seconds = int(sum((a.time_on_task for a in attempts), timedelta()).total_seconds())
    return CertificatePayload(
        number=number or new_number(),
        learner_name=learner.name,
        badge=learner.badge,
        state_officer_id=learner.officer_id,
        agency=learner.agency,
        provider_name=course.provider.name,
        provider_number=course.provider.number,
        course_id=course.id,
        course_title=course.title,
        course_version=course.version,
        content_hash=completion.content_hash,
        track=completion.track,
        track_title=track.title,
        modules=tuple(modules),
        earned=earned,
        maximum=maximum,
        percent=percent_of(earned, maximum),
        pass_mark=track.pass_mark,
        credit_hours=track.credit_hours,
        started=min((a.started for a in attempts), default=completion.time),
        completed=completion.time,
        delivery_method=course.delivery_method,
        attempts=tuple(AttemptSeed(a.module, a.seed) for a in attempts),
        expires=completion.valid_until,
        acknowledged=completion.time,
        time_on_task=seconds,
        officer_name=officer.name,
        officer_title=officer.title,
        control_number=course.course_control_number,
        kid=kid,
        issued=issued,
    )


def issued_certificates(
    records: Records, *, badge: str | None = None, track: TrackId | None = None
) -> list[IssuedCertificate]:
    """Every certificate the record holds, oldest first."""
    found = [_issued(e) for e in records.log.events(learner=badge, kinds=["certificate_issued"])]
    return [c for c in found if track is None or c.track == track]


def issue(
    records: Records, badge: str, track: TrackId, key: SigningKey, officer: Officer
) -> IssuedCertificate:
    """The certificate of the learner's latest completion of ``track``: issued now if it
    was not yet, else the one already issued (a certificate is issued once)."""
    history = records.history(badge)
    done = history.completions_of(badge, track)
    if not done:
        records.learner(badge)  # an unknown badge says so first
        raise CertificateError(f"{badge} has not completed the {track} track")
    completion = done[-1]
    already = _for_completion(records, badge, track, completion)
    if already is not None:
        return already
    payload = build_payload(
        records, completion, officer=officer, kid=key.kid, issued=records.clock()
    )
    token = sign(payload, key)

    def once(conn: Connection) -> None:
        for event in records.log.events_in(conn, learner=badge, kinds=["certificate_issued"]):
            if (
                event.payload.get("track") == track
                and event.payload.get("completed") == completion.time.isoformat()
            ):
                raise _AlreadyIssued

    try:
        records.log.append(
            NewEvent(
                "certificate_issued",
                {
                    "number": payload.number,
                    "track": track,
                    "completed": completion.time.isoformat(),
                    "content_hash": completion.content_hash,
                    "kid": key.kid,
                    "token": token,
                },
                learner=badge,
            ),
            guard=once,
        )
    except _AlreadyIssued:
        found = _for_completion(records, badge, track, completion)
        assert found is not None
        return found
    found = _for_completion(records, badge, track, completion)
    assert found is not None
    return found


def certificate(records: Records, badge: str, track: TrackId) -> IssuedCertificate:
    """The learner's latest certificate for ``track``."""
    found = issued_certificates(records, badge=badge, track=track)
    if not found:
        records.learner(badge)
        raise CertificateError(f"no certificate has been issued to {badge} for the {track} track")
    return found[-1]


class _AlreadyIssued(Exception):
    """Another terminal issued it first: use theirs."""


def _for_completion(
    records: Records, badge: str, track: TrackId, completion: Completion
) -> IssuedCertificate | None:
    for event in records.log.events(learner=badge, kinds=["certificate_issued"]):
        if (
            event.payload.get("track") == track
            and event.payload.get("completed") == completion.time.isoformat()
        ):
            return _issued(event)
    return None


def _issued(event: StoredEvent) -> IssuedCertificate:
    token = str(event.payload["token"])
    body = payload_of(token)
    if body is None:
        raise CertificateError(
            f"certificate {event.payload.get('number')} in the record holds no readable token: "
            "run 'trainer records check'"
        )
    payload = CertificatePayload.from_json(body)
    return IssuedCertificate(
        number=payload.number,
        badge=payload.badge,
        track=cast(TrackId, payload.track),
        token=token,
        payload=payload,
        issued=event.time,
    )
