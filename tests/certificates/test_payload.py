"""The payload: every fact of the record, canonical JSON, and strict reading."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from certificate_support import make_payload

from trainer.certificates.errors import CertificateError
from trainer.certificates.payload import CertificatePayload
from trainer.content.course import canonical_json


def test_round_trip_keeps_every_field() -> None:
    payload = make_payload()
    assert CertificatePayload.from_json(payload.to_json()) == payload
    assert CertificatePayload.from_json(payload.to_json().decode()) == payload


def test_optional_fields_may_be_absent() -> None:
    payload = make_payload(state_officer_id=None, control_number=None, expires=None)
    data = json.loads(payload.to_json())
    assert data["learner"]["state_id"] is None
    assert data["course"]["control"] is None
    assert data["expires"] is None
    assert CertificatePayload.from_json(payload.to_json()) == payload


def test_json_is_canonical_sorted_compact_utf8() -> None:
    raw = make_payload().to_json()
    assert raw == canonical_json(json.loads(raw))
    assert b'": ' not in raw
    assert b', "' not in raw
    assert "Zoë Łukasiewicz-O'Brien".encode() in raw  # UTF-8, not \u escapes
    assert list(json.loads(raw)) == sorted(json.loads(raw))


def test_claim_names_and_forms() -> None:
    data = json.loads(make_payload().to_json())
    assert sorted(data) == [
        "ack", "agency", "course", "done", "expires", "hours", "issued", "kid", "learner",
        "method", "modules", "no", "officer", "on_task", "provider", "score", "seeds",
        "start", "track", "v",
    ]  # fmt: skip
    # No registered JWT claim: a JWT library must not judge expiry for us.
    assert not {"exp", "iat", "nbf"} & set(data)
    assert data["done"] == "2026-05-04T14:03:22Z"
    assert data["score"] == {"max": 56, "pass": 80, "pct": 87.5, "pts": 49}
    assert data["modules"][0] == {
        "id": "judgment-calls", "max": 20, "pct": 90.0, "pts": 18, "title": "Judgment calls",
    }  # fmt: skip
    # Seeds beyond 2**53 are text, so a JavaScript verifier reads them exactly.
    assert data["seeds"][0] == {"mod": "judgment-calls", "seed": "8812343412341234123"}


def test_times_are_written_in_utc_whatever_their_zone() -> None:
    eastern = timezone(timedelta(hours=-4))
    payload = make_payload(completed=datetime(2026, 5, 4, 10, 3, 22, tzinfo=eastern))
    assert json.loads(payload.to_json())["done"] == "2026-05-04T14:03:22Z"
    assert CertificatePayload.from_json(payload.to_json()).completed == datetime(
        2026, 5, 4, 14, 3, 22, tzinfo=UTC
    )


def test_a_time_without_a_zone_is_refused_when_writing() -> None:
    with pytest.raises(CertificateError, match="must carry a time zone"):
        make_payload(issued=datetime(2026, 5, 4, 14, 3)).to_json()  # noqa: DTZ001


def _broken(change: object) -> bytes:
    data = json.loads(make_payload().to_json())
    assert callable(change)
    change(data)
    return canonical_json(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("agency"), "the certificate data has no 'agency'"),
        (lambda d: d["course"].pop("hash"), "the certificate data has no 'course.hash'"),
        (lambda d: d.update(extra=1), "the certificate data has an unknown field 'extra'"),
        (
            lambda d: d["learner"].update(nick="Z"),
            "the certificate data has an unknown field 'learner.nick'",
        ),
        (lambda d: d.update(agency=7), "'agency' must be non-empty text, not the number 7"),
        (lambda d: d.update(agency="  "), "'agency' must be non-empty text, not the text '  '"),
        (lambda d: d.update(on_task="90"), "'on_task' must be a whole number, not the text '90'"),
        (lambda d: d.update(on_task=True), "'on_task' must be a whole number, not true"),
        (lambda d: d.update(on_task=-1), "'on_task' must be zero or more, not the number -1"),
        (
            lambda d: d["modules"][1].update(pct=101),
            "'modules[1].pct' must be a percent, 0 to 100, not the number 101",
        ),
        (lambda d: d.update(modules={}), "'modules' must be a list, not an object"),
        (lambda d: d["modules"].append(3), "'modules[3]' must be a JSON object, not the number 3"),
        (
            lambda d: d.update(done="2026-05-04T14:03:22"),
            "'done' must be a UTC time like 2026-05-04T14:03:22Z, not the text "
            "'2026-05-04T14:03:22'",
        ),
        (
            lambda d: d.update(expires="2027-02-30T00:00:00Z"),
            "'expires' must be a UTC time like 2026-05-04T14:03:22Z, not the text "
            "'2027-02-30T00:00:00Z'",
        ),
        (
            lambda d: d["course"].update(hash="ABC"),
            "'course.hash' must be a SHA-256 in lower-case hex, not the text 'ABC'",
        ),
        (
            lambda d: d.update(no="7K3M-QX2A-9RTD-E5W6"),
            "'no' must be a certificate number like 7K3M-QX2A-9RTD-E5W5, not the text "
            "'7K3M-QX2A-9RTD-E5W6'",
        ),
        (
            lambda d: d.update(no="7k3mqx2a9rtde5w5"),
            "'no' must be a certificate number like 7K3M-QX2A-9RTD-E5W5, not the text "
            "'7k3mqx2a9rtde5w5'",
        ),
        (
            lambda d: d["seeds"][0].update(seed=12),
            "'seeds[0].seed' must be a seed in decimal digits, as text, not the number 12",
        ),
        (
            lambda d: d.update(kid="short"),
            "'kid' must be 16 Crockford base32 symbols, not the text 'short'",
        ),
        (
            lambda d: d["score"].update({"pass": 80.5}),
            "'score.pass' must be a whole number, not the number 80.5",
        ),
        (
            lambda d: d.update(v=2),
            "the certificate data is format 2; this trainer reads format 1: upgrade trainer",
        ),
    ],
)
def test_malformed_data_is_refused_naming_the_field(change: object, message: str) -> None:
    with pytest.raises(CertificateError) as caught:
        CertificatePayload.from_json(_broken(change))
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the certificate data is not JSON: Expecting value at character 0"),
        (b"[]", "the certificate data must be a JSON object, not a list"),
        (b'{"v":1,"v":1}', "the certificate data is not JSON: the key 'v' appears twice"),
        (b'{"v":NaN}', "the certificate data is not JSON: NaN is not a JSON number"),
        (b"\xff\xfe", "the certificate data is not JSON: not UTF-8 text"),
        (b"[" * 100_000, "the certificate data is not JSON: nested too deeply"),
    ],
)
def test_what_is_not_json_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(CertificateError) as caught:
        CertificatePayload.from_json(raw)
    assert str(caught.value) == message


def test_every_field_of_the_issue_is_held() -> None:
    names = {f.name for f in dataclasses.fields(CertificatePayload)}
    assert names == {
        "number", "learner_name", "badge", "state_officer_id", "agency", "provider_name",
        "provider_number", "course_id", "course_title", "course_version", "content_hash",
        "track", "track_title", "modules", "earned", "maximum", "percent", "pass_mark",
        "credit_hours", "started", "completed", "delivery_method", "attempts", "expires",
        "acknowledged", "time_on_task", "officer_name", "officer_title", "control_number",
        "kid", "issued",
    }  # fmt: skip
