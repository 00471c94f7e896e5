"""The training officer role: recorded in the log, set at registration or later, listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from course_factory import Ticker, make_course
from trainer.cli import cli
from trainer.content.course import load_course
from trainer.records.db import RecordsError, connect
from trainer.records.events import NewEvent
from trainer.records.log import EventLog
from trainer.records.service import Records


@pytest.fixture
def records(empty_url: str, tmp_path: Path) -> Records:
    log = EventLog(connect(empty_url), Ticker())
    return Records(log, load_course(make_course(tmp_path / "course")), clock=Ticker())


def test_a_role_is_set_at_registration_and_changed_later(records: Records) -> None:
    assert records.register("Dana Reyes", "4471", "Test PD", role="officer").is_officer
    sam = records.register("Sam Kim", "4472", "Test PD")
    assert (sam.role, sam.is_officer) == ("learner", False)
    assert records.set_role("4472", "officer").role == "officer"
    assert records.set_role("4471", "learner").role == "learner"
    assert {x.badge: x.role for x in records.learners()} == {"4471": "learner", "4472": "officer"}
    assert records.learner("4472").is_officer
    kinds = [e.kind for e in records.log.events()]
    assert kinds == ["learner_registered"] * 2 + ["learner_role_changed"] * 2
    records.set_role("4472", "officer")  # already: nothing recorded
    assert len(records.log.events()) == 4
    assert records.log.check().ok


def test_bad_roles_and_unknown_learners_are_refused(records: Records) -> None:
    records.register("Dana Reyes", "4471", "Test PD")
    with pytest.raises(RecordsError, match="unknown role 'chief': use learner or officer"):
        records.set_role("4471", "chief")  # type: ignore[arg-type]
    with pytest.raises(RecordsError, match="unknown role 'chief'"):
        records.register("Sam Kim", "4472", "Test PD", role="chief")  # type: ignore[arg-type]
    with pytest.raises(RecordsError, match="no learner with badge 9999"):
        records.set_role("9999", "officer")
    assert [e.kind for e in records.log.events()] == ["learner_registered"]


def test_registrations_from_before_roles_read_as_learners(records: Records) -> None:
    """A record written before roles existed has registrations without one."""
    old = {"name": "Ann Lee", "badge": "17", "agency": "Old PD", "unit": None, "officer_id": None}
    records.log.append(NewEvent("learner_registered", old, learner="17"))
    assert records.learner("17").role == "learner"
    assert records.set_role("17", "officer").is_officer
    assert records.learner("17").name == "Ann Lee"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_learners_commands(tmp_path: Path) -> None:
    options = ["--course", str(make_course(tmp_path / "course")), "--db", str(tmp_path / "r.db")]
    add = ["learners", "add", "--agency", "Test PD", *options]
    code, out = invoke(*add, "--name", "Dana Reyes", "--badge", "4471", "--role", "officer")
    assert (code, out) == (0, "registered Dana Reyes, badge 4471, Test PD, training officer\n")
    code, out = invoke(*add, "--name", "Sam Kim", "--badge", "4472", "--unit", "Patrol")
    assert (code, out) == (0, "registered Sam Kim, badge 4472, Test PD\n")
    code, out = invoke("learners", "list", *options)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["badge", "name", "agency", "unit", "role"]
    assert lines[1].split() == ["4471", "Dana", "Reyes", "Test", "PD", "officer"]
    assert lines[2].split() == ["4472", "Sam", "Kim", "Test", "PD", "Patrol", "learner"]
    code, out = invoke("learners", "role", "4472", "officer", *options)
    assert (code, out) == (0, "Sam Kim (4472) is now a training officer\n")
    code, out = invoke("learners", "role", "4472", "officer", *options)
    assert (code, out) == (0, "Sam Kim (4472) is already a training officer: nothing recorded\n")
    code, out = invoke("learners", "role", "4471", "learner", *options)
    assert (code, out) == (0, "Dana Reyes (4471) is now a learner (not a training officer)\n")
    code, out = invoke("learners", "list", "--role", "officer", *options)
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["4472"]
    code, out = invoke("learners", "role", "9999", "officer", *options)
    assert (code, out) == (
        1,
        "trainer: error: no learner with badge 9999: add one with 'trainer learners add'\n",
    )
    code, out = invoke("learners", "role", "4471", "chief", *options)
    assert code == 2  # click names the choices
    assert "'chief' is not one of 'learner', 'officer'" in out
