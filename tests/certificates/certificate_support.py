"""Shared makings for the certificate tests: fixed keys and a realistic payload."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainer.certificates.keys import SigningKey, Trust
from trainer.certificates.payload import AttemptSeed, CertificatePayload, ModuleScore, percent_of
from trainer.certificates.token import sign

# Fixed keys: fast, and every hypothesis run sees the same tokens.
KEY = SigningKey.of(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
OTHER_KEY = SigningKey.of(Ed25519PrivateKey.from_private_bytes(bytes(range(100, 132))))

COMPLETED = datetime(2026, 5, 4, 14, 3, 22, tzinfo=UTC)
NUMBER = "7K3M-QX2A-9RTD-E5W5"


def trust_of(*keys: SigningKey, source: str = "the test keys") -> Trust:
    return Trust({k.kid: k.public for k in keys}, source)


TRUST = trust_of(KEY)


def make_payload(key: SigningKey = KEY, **changes: object) -> CertificatePayload:
    """A refresher certificate with three modules and a full record, like a real one."""
    started = COMPLETED - timedelta(days=3, hours=2)
    payload = CertificatePayload(
        number=NUMBER,
        learner_name="Zoë Łukasiewicz-O'Brien",
        badge="4471",
        state_officer_id="POST-118223",
        agency="Riverton Police Department",
        provider_name="Riverton Police Academy",
        provider_number="TP-0417",
        course_id="social-media-policy",
        course_title="Social Media and the Sworn Officer",
        course_version="1.2.0",
        content_hash="9f2c" * 16,
        track="refresher",
        track_title="Annual refresher",
        modules=(
            ModuleScore("judgment-calls", "Judgment calls", 18, 20, percent_of(18, 20)),
            ModuleScore("off-duty", "Off duty, online", 21, 24, percent_of(21, 24)),
            ModuleScore("department-page", "The department page", 10, 12, percent_of(10, 12)),
        ),
        earned=49,
        maximum=56,
        percent=percent_of(49, 56),
        pass_mark=80,
        credit_hours=1.5,
        started=started,
        completed=COMPLETED,
        delivery_method="online, self-paced",
        attempts=(
            AttemptSeed("judgment-calls", 8_812_343_412_341_234_123),
            AttemptSeed("off-duty", 1_234_567_890_123_456_789),
            AttemptSeed("department-page", 4_611_686_018_427_387_903),
        ),
        expires=datetime(2027, 5, 4, 14, 3, 22, tzinfo=UTC),
        acknowledged=COMPLETED,
        time_on_task=5_430,
        officer_name="Sgt. Dana Reyes",
        officer_title="Training Officer",
        control_number="POST-24-0311",
        kid=key.kid,
        issued=COMPLETED + timedelta(minutes=1),
    )
    return dataclasses.replace(payload, **changes)  # type: ignore[arg-type]


def make_token(key: SigningKey = KEY, **changes: object) -> str:
    return sign(make_payload(key, **changes), key)


BEFORE_EXPIRY = datetime(2026, 6, 1, tzinfo=UTC)
AFTER_EXPIRY = datetime(2027, 6, 1, tzinfo=UTC)
