"""Issuing from the record: one certificate per completion, every fact from the record."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from course_factory import Ticker, make_course
from trainer.certificates.errors import CertificateError
from trainer.certificates.issue import certificate, issue, issued_certificates
from trainer.certificates.keys import init_keys, load_signing_key, load_trust
from trainer.certificates.payload import Officer
from trainer.certificates.verify import verify
from trainer.content.course import load_course
from trainer.records.db import connect
from trainer.records.log import EventLog
from trainer.records.service import Records

OFFICER = Officer("Sgt. Ana Ruiz", "Training Officer")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Records, Ticker, Path]:
    ticker = Ticker(step=timedelta(minutes=1))
    root = make_course(tmp_path / "course")
    log = EventLog(connect(f"sqlite:///{tmp_path / 'r.db'}"), clock=ticker)
    records = Records(log, load_course(root), clock=ticker)
    records.register("Zoë Łukasiewicz-O'Brien", "4471", "Riverton PD", officer_id="P-77")
    keys = tmp_path / "keys"
    init_keys(keys)
    return records, ticker, keys


def finish(records: Records, track: str, letters: str = "a") -> None:
    module = "basics" if track == "onboarding" else "review"
    attempt = records.start_attempt("4471", track, module)  # type: ignore[arg-type]
    taught = records.module_of(attempt)
    while (position := records.attempt(attempt.id).position(taught)) is not None:
        records.answer(attempt.id, position[1], position[2], [letters])
    records.complete(attempt.id)


def test_a_completed_track_gets_one_certificate_with_the_record_s_facts(
    setup: tuple[Records, Ticker, Path],
) -> None:
    records, _, keys = setup
    finish(records, "onboarding", "b")  # fails: a failed attempt's seed is certified too
    finish(records, "onboarding")
    records.attest("4471", "onboarding", "4471")
    first = issue(records, "4471", "onboarding", load_signing_key(keys), OFFICER)
    again = issue(records, "4471", "onboarding", load_signing_key(keys), OFFICER)
    assert again.number == first.number  # issued once
    p = first.payload
    assert (p.learner_name, p.badge, p.state_officer_id, p.agency) == (
        "Zoë Łukasiewicz-O'Brien",
        "4471",
        "P-77",
        "Riverton PD",
    )
    assert (p.track, p.credit_hours, p.pass_mark) == ("onboarding", 2.0, 80)
    assert [(m.id, m.earned, m.maximum, m.percent) for m in p.modules] == [("basics", 6, 6, 100.0)]
    assert len(p.attempts) == 2
    assert p.expires is None
    assert p.content_hash == records.bundle.content_hash
    assert p.started < p.completed == p.acknowledged
    assert p.time_on_task == 2 * 7 * 60  # 2 attempts, each 8 events a minute apart
    assert (p.officer_name, p.officer_title) == ("Sgt. Ana Ruiz", "Training Officer")
    verdict = verify(first.token, load_trust(keys), now=p.issued)
    assert verdict.status == "valid"
    assert [c.number for c in issued_certificates(records)] == [first.number]


def test_each_refresher_round_gets_its_own_certificate(
    setup: tuple[Records, Ticker, Path],
) -> None:
    records, ticker, keys = setup
    finish(records, "refresher")
    records.attest("4471", "refresher", "4471")
    first = issue(records, "4471", "refresher", load_signing_key(keys), OFFICER)
    assert first.payload.expires is not None
    ticker.next += timedelta(days=330)
    finish(records, "refresher")
    records.attest("4471", "refresher", "4471")
    second = issue(records, "4471", "refresher", load_signing_key(keys), OFFICER)
    assert second.number != first.number
    assert second.payload.expires > first.payload.expires  # type: ignore[operator]
    assert {a.seed for a in second.payload.attempts}.isdisjoint(
        {a.seed for a in first.payload.attempts}
    )
    assert [c.number for c in issued_certificates(records, track="refresher")] == [
        first.number,
        second.number,
    ]
    assert certificate(records, "4471", "refresher").number == second.number


def test_no_certificate_without_a_completion(setup: tuple[Records, Ticker, Path]) -> None:
    records, _, keys = setup
    finish(records, "onboarding")
    with pytest.raises(CertificateError, match="4471 has not completed the onboarding track"):
        issue(records, "4471", "onboarding", load_signing_key(keys), OFFICER)
    with pytest.raises(CertificateError, match="no certificate has been issued to 4471"):
        certificate(records, "4471", "onboarding")
