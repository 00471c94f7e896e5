"""Policy-change impact between two course versions that differ in exactly one guideline,
on SQLite and PostgreSQL, through the real service and the real command.

The story: course 1.0.0 is taught; then CONF-1's text is reworded in the YAML (1.1.0)
and taught too. Who was trained on the old CONF-1, and is still certified, must be named;
nobody else.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from analysis_support import parse_csv
from click.testing import CliRunner
from population import Clock

from course_factory import make_course
from trainer.cli import cli
from trainer.content.course import load_course
from trainer.content.models import TrackId
from trainer.records.db import connect
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.gather import impact_report
from trainer.reports.text import width

OLD_SENTENCE = "The text of CONF-1."
NEW_SENTENCE = "Never post what you learn only because of your job."


@dataclass(frozen=True)
class Story:
    url: str
    course: Path
    old_hash: str
    new_hash: str
    names: dict[str, str]

    @property
    def options(self) -> list[str]:
        return ["--db", self.url, "--course", str(self.course)]


def _complete(records: Records, badge: str, track: TrackId, module: str, right: bool) -> None:
    attempt = records.start_attempt(badge, track, module)
    taught = records.module_of(attempt)
    while (position := records.attempt(attempt.id).position(taught)) is not None:
        _, scenario, step = position
        records.answer(attempt.id, scenario, step, ["a" if right else "b"])
    records.complete(attempt.id)


def _reword(root: Path, text: str, version: str) -> None:
    policy_file = root / "course" / "guidelines.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy["guidelines"][0]["text"] = text
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    course_file = root / "course" / "course.yaml"
    course = yaml.safe_load(course_file.read_text(encoding="utf-8"))
    course["version"] = version
    course_file.write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")


def tell(url: str, root: Path) -> Story:
    """Write the story's record at ``url``; the course under ``root`` ends as 1.1.0."""
    now = datetime.now(UTC)
    make_course(root, version="1.0.0")
    clock = Clock(now - timedelta(days=500))
    log = EventLog(connect(url), clock)
    names = {
        "4001": "Avery Onboarded-Old",  # onboarding on 1.0.0: named
        "4002": "Blake Retrained",  # onboarding on 1.0.0, refresher on 1.1.0: not named
        "4003": "Casey New",  # onboarding on 1.1.0: not named
        "4004": "Drew Failed",  # failed onboarding on 1.0.0, never certified: not named
        "4005": "Emery Expired",  # refresher only, on 1.0.0, expired: named with --all only
        "4006": "Finley Unattested",  # passed on 1.0.0 but never attested: not named
        "4007": "Harper Twice-Old",  # onboarding and refresher on 1.0.0: named (refresher)
    }
    old = Records(log, load_course(root), clock=clock)
    for badge, name in names.items():
        old.register(name, badge, "Test PD", unit="Patrol")
    clock.set(now - timedelta(days=450))
    _complete(old, "4005", "refresher", "review", right=True)
    old.attest("4005", "refresher", "4005")
    clock.set(now - timedelta(days=300))
    for badge in ("4001", "4002", "4006", "4007"):
        _complete(old, badge, "onboarding", "basics", right=True)
    _complete(old, "4004", "onboarding", "basics", right=False)
    for badge in ("4001", "4002", "4007"):
        old.attest(badge, "onboarding", badge)
    clock.set(now - timedelta(days=200))
    _complete(old, "4007", "refresher", "review", right=True)
    old.attest("4007", "refresher", "4007")
    old_hash = old.bundle.content_hash

    _reword(root, f"{NEW_SENTENCE} {OLD_SENTENCE}", "1.1.0")
    new = Records(log, load_course(root), clock=clock)
    clock.set(now - timedelta(days=50))
    _complete(new, "4002", "refresher", "review", right=True)
    new.attest("4002", "refresher", "4002")
    _complete(new, "4003", "onboarding", "basics", right=True)
    new.attest("4003", "onboarding", "4003")
    log.close()
    return Story(url, root, old_hash, new.bundle.content_hash, names)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def story(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """The story, told once per backend; tests only read it (or copy the course)."""
    folder = tmp_path_factory.mktemp("impact")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'records.db'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    return tell(url, folder / "course")


def _records(story: Story) -> Records:
    return Records(EventLog(connect(story.url)), load_course(story.course))


def test_one_guideline_changed_and_who_was_trained_on_its_old_text(story: Story) -> None:
    records = _records(story)
    try:
        found = impact_report(records, "1.0.0")
        everyone = impact_report(records, "1.0.0", scope="all")
    finally:
        records.log.close()
    (change,) = found.changes
    assert (change.id, change.change) == ("CONF-1", "changed")
    assert f"+{NEW_SENTENCE}" in change.diff
    assert f" {OLD_SENTENCE}" in change.diff
    assert found.since.content_hash == story.old_hash
    assert found.now_hash == story.new_hash
    assert found.now_taught is not None
    named = {p.learner.badge for p in found.affected}
    assert named == {"4001", "4007"}
    # Currently certified: Avery, Blake, Casey, Harper (Emery's refresher has expired).
    assert found.considered == 4
    harper = next(p for p in found.affected if p.learner.badge == "4007")
    (training,) = harper.trained
    assert (training.section, training.version, training.track) == ("CONF-1", "1.0.0", "refresher")
    assert {p.learner.badge for p in everyone.affected} == {"4001", "4005", "4007"}
    assert everyone.considered == 5


def test_the_command_names_them_at_80_columns(story: Story) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "impact", "--since", "1.0.0", *story.options])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(width(line) <= 80 for line in lines), max(lines, key=width)
    assert lines[0].startswith(f"Policy changes since 1.0.0 ({story.old_hash[:12]}, first taught ")
    assert lines[1].startswith(f"to 1.1.0 ({story.new_hash[:12]}, taught since ")
    assert "Sections: 1 changed, 0 added, 0 removed." in lines
    assert "--- CONF-1 in 1.0.0" in lines
    assert "+++ CONF-1 in 1.1.0" in lines
    assert f"+{NEW_SENTENCE}" in lines
    assert "Currently certified learners: 4. Trained on text that has changed since: 2." in (
        " ".join(lines)
    )
    for badge, name in story.names.items():
        assert (name in result.output) == (badge in ("4001", "4007")), name
    everyone = runner.invoke(cli, ["report", "impact", "--since", "1.0.0", "--all", *story.options])
    assert everyone.exit_code == 0, everyone.output
    assert "Emery Expired" in everyone.output
    assert "refresher expired " in everyone.output


def test_csv_parses_back(story: Story) -> None:
    result = CliRunner().invoke(
        cli,
        ["report", "impact", "--since", story.old_hash[:8], "--format", "csv", *story.options],
    )
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.output)
    (section,) = [r for r in rows if r["kind"] == "section"]
    assert (section["section"], section["change"]) == ("CONF-1", "changed")
    assert section["old_text"] == OLD_SENTENCE
    assert section["new_text"] == f"{NEW_SENTENCE} {OLD_SENTENCE}"
    # A diff starts with '---': a spreadsheet would take it for a formula without the '.
    assert section["diff"].startswith("'--- CONF-1 in 1.0.0\n+++ CONF-1 in 1.1.0\n")
    learners = [r for r in rows if r["kind"] == "learner"]
    assert {(r["badge"], r["section"], r["trained_version"]) for r in learners} == {
        ("4001", "CONF-1", "1.0.0"),
        ("4007", "CONF-1", "1.0.0"),
    }
    assert {r["trained_hash"] for r in learners} == {story.old_hash}
    avery = next(r for r in learners if r["badge"] == "4001")
    assert (avery["name"], avery["track"], avery["certificates"]) == (
        "Avery Onboarded-Old",
        "onboarding",
        "onboarding",
    )


def test_versions_are_named_by_number_or_hash(story: Story) -> None:
    runner = CliRunner()
    for since in ("v1.0.0", story.old_hash, story.old_hash[:4].upper()):
        result = runner.invoke(cli, ["report", "impact", "--since", since, *story.options])
        assert result.exit_code == 0, (since, result.output)
        assert "Sections: 1 changed" in result.output
    same = runner.invoke(cli, ["report", "impact", "--since", "1.1.0", *story.options])
    assert same.exit_code == 0, same.output
    assert "Sections: 0 changed, 0 added, 0 removed." in same.output
    assert "nothing has changed since" in same.output


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("0.9.0", "no course version '0.9.0' on record; versions on record: 1.0.0 ("),
        ("ab", "'ab' is too short to name a content hash: give at least 4 digits"),
        ("latest", "no course version 'latest' on record; versions on record: 1.0.0 ("),
    ],
)
def test_an_unknown_version_lists_those_on_record(story: Story, since: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["report", "impact", "--since", since, *story.options])
    assert result.exit_code == 1
    assert result.output.startswith(f"trainer: error: {message}")
    assert f"1.1.0 ({story.new_hash[:12]}, first taught " in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_change_not_yet_taught(story: Story, tmp_path: Path) -> None:
    """The YAML moves on again (PROF-1 reworded, ACCT-1 replaced): the course as it is, not
    taught yet, is compared with the version on record."""
    shutil.copytree(story.course, tmp_path / "course")
    story = replace(story, course=tmp_path / "course")
    policy_file = story.course / "course" / "guidelines.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy["guidelines"][1]["text"] = "A new text of PROF-1."
    del policy["guidelines"][2]
    policy["guidelines"].append(
        {"id": "SAFE-1", "group": "g", "title": "Safety", "text": "Mind your safety."}
    )
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    # ACCT-1 is gone: the scenarios citing it now cite SAFE-1.
    for module in (story.course / "scenarios").rglob("*.yaml"):
        module.write_text(module.read_text(encoding="utf-8").replace("ACCT-1", "SAFE-1"))
    result = CliRunner().invoke(cli, ["report", "impact", "--since", "1.1.0", *story.options])
    assert result.exit_code == 0, result.output
    assert "the course as it is, not taught yet" in result.output
    assert "Sections: 1 changed, 1 added, 1 removed." in result.output
    heads = [line for line in result.output.splitlines() if line.startswith("══ ")]
    assert [h.split(" · ")[0][3:] + " " + h.split(" · ")[-1].split()[0] for h in heads[:3]] == [
        "PROF-1 changed",
        "SAFE-1 added",
        "ACCT-1 removed",
    ]
    assert "New since 1.1.0: no one trained on 1.1.0 was trained on it." in result.output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_latest_training_counts_only_within_the_certificates_in_scope(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    """Onboarded on the old CONF-1, then a refresher on the new text that has since
    expired: certified now only by the onboarding, so named; over every certificate ever,
    the refresher is the latest training, on today's text, so not named."""
    url = (
        f"sqlite:///{tmp_path / 'records.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_server").new_database()
    )
    now = datetime.now(UTC)
    root = tmp_path / "course"
    make_course(root, version="1.0.0")
    clock = Clock(now - timedelta(days=900))
    log = EventLog(connect(url), clock)
    old = Records(log, load_course(root), clock=clock)
    old.register("Jo Lapsed", "4100", "Test PD")
    _complete(old, "4100", "onboarding", "basics", right=True)
    old.attest("4100", "onboarding", "4100")
    _reword(root, NEW_SENTENCE, "1.1.0")
    new = Records(log, load_course(root), clock=clock)
    clock.set(now - timedelta(days=600))
    _complete(new, "4100", "refresher", "review", right=True)
    new.attest("4100", "refresher", "4100")
    log.close()
    records = Records(EventLog(connect(url)), load_course(root))
    try:
        current = impact_report(records, "1.0.0")
        everyone = impact_report(records, "1.0.0", scope="all")
    finally:
        records.log.close()
    (jo,) = current.affected
    (training,) = jo.trained
    assert (training.section, training.version, training.track) == ("CONF-1", "1.0.0", "onboarding")
    assert [c.track for c in jo.certificates] == ["onboarding"]
    assert (current.considered, everyone.considered) == (1, 1)
    assert everyone.affected == ()


def test_item_analysis_by_course_version(story: Story) -> None:
    """The same record read by item analysis: the two versions taught side by side."""
    result = CliRunner().invoke(
        cli, ["report", "items", "--by", "version", "--min-answers", "2", *story.options]
    )
    assert result.exit_code == 0, result.output
    assert ", by version: 1.0.0 " in result.output
    assert "  1.0.0 " in result.output
    assert "  1.1.0 " in result.output
    # Only the guideline's text changed, not the items: nothing is marked as reworded.
    assert "worded differently" not in result.output
