"""`trainer take` and the records commands, typed as a learner or training officer would."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course_factory import make_course
from trainer.cli import cli
from trainer.records.log import EventLog

ITEMS = 6


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list[str], Path]:
    """Course and database options, with learner 4471 registered."""
    course = make_course(tmp_path / "course", onboarding_items=ITEMS)
    db = tmp_path / "records.db"
    options = ["--course", str(course), "--db", str(db)]
    result = invoke(
        "learners",
        "add",
        "--name",
        "Dana Reyes",
        "--badge",
        "4471",
        "--agency",
        "Test PD",
        *options,
    )
    assert result[0] == 0, result[1]
    return options, db


def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def take(options: list[str], answers: str) -> tuple[int, str]:
    return invoke("take", "--learner", "4471", "--track", "onboarding", *options, input=answers)


def test_a_whole_track_then_attestation(setup: tuple[list[str], Path]) -> None:
    options, _ = setup
    code, out = take(options, "a\n" * ITEMS + "4471\n")
    assert code == 0
    assert out.count("✓ Correct (1 of 1 points)") == ITEMS
    assert "[1/6] Item" in out
    assert "[6/6] Item" in out
    assert "Basics: PASSED, 6 of 6 points (100%; pass mark 80%)" in out
    assert "I have read the policy." in out
    assert "Track complete: onboarding." in out
    code, out = take(options, "")
    assert (code, out.splitlines()[-1]) == (0, "The onboarding track is complete. Nothing to do.")


def test_a_malformed_answer_gets_one_line_and_the_question_again(
    setup: tuple[list[str], Path],
) -> None:
    options, _ = setup
    code, out = take(options, "z\na,b\n\nb\n")
    assert code == 0
    assert "! 'z' is not one of the letters here: a, b, c" in out
    assert "! choose exactly one letter" in out
    assert "! type a letter" in out
    first_item = out.split("[2/6]")[0]
    assert first_item.count("Question ") == 4  # asked, then asked again after each mistake
    assert "✗ Incorrect (0 of 1 points)" in out


def test_end_of_input_saves_and_the_next_run_resumes(setup: tuple[list[str], Path]) -> None:
    options, db = setup
    code, out = take(options, "a\nb\n")
    assert code == 0
    assert out.rstrip().endswith(
        "End of input: every answer so far is saved. Run the same command to go on from here."
    )
    code, out = take(options, "a\n")
    assert "Resuming Basics: 2 of 6 items done." in out
    assert "[3/6]" in out
    assert "[1/6]" not in out
    with EventLog.open(str(db)) as log:
        assert len(log.events(kinds=["answer_recorded"])) == 3


def test_unknown_learner_is_a_clear_error(setup: tuple[list[str], Path]) -> None:
    options, _ = setup
    code, out = invoke("take", "--learner", "9999", "--track", "onboarding", *options, input="a\n")
    assert (code, out.strip()) == (
        1,
        "trainer: error: no learner with badge 9999: add one with 'trainer learners add'",
    )


def test_records_check_names_a_tampered_event(setup: tuple[list[str], Path]) -> None:
    options, db = setup
    take(options, "a\na\n")
    code, out = invoke("records", "check", *options)
    assert code == 0
    assert re.match(r"ok: \d+ events, chain intact; head [0-9a-f]{64}", out)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE events SET payload = replace(payload, '\"points\":0', '\"points\":1') "
            "WHERE kind = 'answer_recorded'"
        )
        conn.execute(
            'UPDATE events SET payload = replace(payload, \'"verdict":"correct"\', '
            '\'"verdict":"partly"\') WHERE seq = (SELECT min(seq) FROM events '
            "WHERE kind = 'answer_recorded')"
        )
    code, out = invoke("records", "check", *options)
    assert code == 1
    assert re.search(r"the record has been altered: event \d+ \(answer_recorded, ", out)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"these are my notes, not a database" * 100)
    code, out = invoke("records", "check", "--db", str(bad))
    assert code == 1
    assert out.startswith(f"trainer: error: {bad} is not a trainer database")
    assert bad.read_bytes() == b"these are my notes, not a database" * 100


def test_transcript_and_due_commands(setup: tuple[list[str], Path]) -> None:
    options, _ = setup
    take(options, "a\n" * ITEMS + "4471\n")
    code, out = invoke("records", "transcript", "4471", *options)
    assert code == 0
    assert out.startswith("Transcript of Dana Reyes (badge 4471, Test PD)")
    assert "6/6 (100%) passed" in out
    code, out = invoke("records", "due", "--within", "30d", *options)
    assert (code, out.splitlines()[0].split(",")[0]) == (0, "Due within 30 days or overdue")
    code, out = invoke("records", "due", "--within", "soon", *options)
    assert (code, out.strip()) == (
        1,
        "trainer: error: 'soon' is not a number of days: write it like 30d or 6w",
    )


def _take_process(options: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trainer",
            "take",
            "--learner",
            "4471",
            "--track",
            "onboarding",
            *options,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    assert process.stdout is not None
    seen = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("take ended early:\n" + "".join(seen))
        seen.append(line)
        if line.startswith(marker):
            return "".join(seen)


@pytest.mark.parametrize("trial", range(20))
def test_killed_mid_module_resumes_with_nothing_lost_or_twice(
    setup: tuple[list[str], Path], trial: int
) -> None:
    """SIGKILL after k answers (and, at random, while the next one is being recorded):
    the next run resumes at the first unanswered item with every committed answer."""
    options, db = setup
    rng = random.Random(trial)
    k = rng.randint(1, ITEMS - 1)
    process = _take_process(options)
    assert process.stdin is not None
    for _ in range(k):
        _read_until(process, "Your answer")
        process.stdin.write("a\n")
        process.stdin.flush()
        _read_until(process, "✓ Correct")
    if rng.random() < 0.5:  # kill while the next answer may be mid-commit
        _read_until(process, "Your answer")
        process.stdin.write("a\n")
        process.stdin.flush()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    with EventLog.open(str(db)) as log:
        committed = [e.payload["scenario"] for e in log.events(kinds=["answer_recorded"])]
        assert log.check().ok
    assert len(committed) in (k, k + 1)
    assert len(set(committed)) == len(committed)

    code, out = take(options, "a\n" * (ITEMS - len(committed)) + "4471\n")
    assert code == 0
    assert f"Resuming Basics: {len(committed)} of {ITEMS} items done." in out
    assert f"[{len(committed) + 1}/{ITEMS}]" in out
    assert "Track complete: onboarding." in out
    with EventLog.open(str(db)) as log:
        answers = [e.payload["scenario"] for e in log.events(kinds=["answer_recorded"])]
    assert answers[: len(committed)] == committed
    assert len(answers) == len(set(answers)) == ITEMS


def test_a_course_changed_mid_attempt_keeps_the_attempt_on_its_version(
    setup: tuple[list[str], Path],
) -> None:
    options, db = setup
    take(options, "a\na\n")
    course_file = Path(options[1]) / "course/course.yaml"
    course_file.write_text(course_file.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    code, out = take(options, "a\n" * (ITEMS - 2) + "4471\n")
    assert code == 0
    assert "The course has changed since this attempt began; it continues on version 1.0.0" in out
    assert "Track complete: onboarding." in out
    with EventLog.open(str(db)) as log:
        versions = [e.payload["version"] for e in log.events(kinds=["course_version"])]
        attested = log.events(kinds=["policy_acknowledged"])[0].payload
    assert versions == ["1.0.0", "1.1.0"]  # both texts stay readable from the record
    assert attested["version"] == "1.1.0"  # the learner attests to the policy as it is now


def test_one_module_at_a_time(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course", onboarding_items=2)
    options = ["--course", str(course), "--db", str(tmp_path / "r.db")]
    invoke("learners", "add", "--name", "A", "--badge", "1", "--agency", "T", *options)
    code, out = invoke(
        "take", "--learner", "1", "--track", "refresher", "--module", "basics", *options, input=""
    )
    assert (code, out.strip()) == (
        1,
        "trainer: error: track 'refresher' has no module 'basics' (it has: review)",
    )
    args = ["take", "--learner", "1", "--track", "onboarding", "--module", "basics", *options]
    code, out = invoke(*args, input="a\na\n")
    assert "Basics: PASSED" in out
    # The track's only module is passed, so the attestation is offered at once.
    assert "Type your badge number to attest:" in out
    code, out = invoke(*args, input="1\n")
    assert "Track complete: onboarding." in out


def test_certainty_is_asked_recorded_and_a_confident_mistake_called_out(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course", onboarding_items=2, ask_certainty=True)
    options = ["--course", str(course), "--db", str(tmp_path / "r.db")]
    invoke("learners", "add", "--name", "A", "--badge", "1", "--agency", "T", *options)
    code, out = invoke(
        "take", "--learner", "1", "--track", "onboarding", *options, input="b\nmaybe\ns\na\ng\n"
    )
    assert code == 0
    assert "How sure are you? (s) sure, (f) fairly sure, (g) guessing:" in out
    assert "! answer s, f or g" in out
    assert out.count("You were sure, and this was wrong: read this one twice.") == 1
    with EventLog.open(str(tmp_path / "r.db")) as log:
        answers = [e.payload for e in log.events(kinds=["answer_recorded"])]
    assert [(a["verdict"], a["certainty"]) for a in answers] == [
        ("incorrect", "sure"),
        ("correct", "guessing"),
    ]
    code, out = invoke("records", "transcript", "1", *options)
    assert "1 confidently wrong" in out
