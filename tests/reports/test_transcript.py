"""Transcripts: every attempt, score and certificate number, as text and as a PDF."""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from department import Department
from population import Population
from pypdf import PdfReader

from trainer.cli import cli
from trainer.records.db import connect
from trainer.records.history import Learner
from trainer.records.log import EventLog
from trainer.records.service import Records
from trainer.reports.transcript import (
    AttemptLine,
    CompletionLine,
    TrackTranscript,
    Transcript,
    transcript_lines,
)
from trainer.reports.transcript_pdf import DEFAULT_COLOURS, render, transcript_pdf


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))


def fonts_of(pdf: bytes) -> set[str]:
    found: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]).split("+")[-1].lstrip("/"))
    return found


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_the_text_transcript_lists_attempts_and_certificate_numbers(dept: Department) -> None:
    population = dept.population
    issued = {(c.badge, c.track, c.completed): c.number for c in population.certificates}
    for person in population.people[:40]:
        lines = transcript_lines(dept.records, person.badge)
        assert lines[0].startswith(f"Transcript of {person.name} (badge {person.badge}, ")
        text = "\n".join(lines)
        attempts = Counter(a.track for a in population.attempts if a.badge == person.badge)
        for track, title in (("onboarding", "Onboarding"), ("refresher", "Refresher")):
            count = attempts[track]
            assert f"{title} track: {count} attempt{'' if count == 1 else 's'}, " in text
        for done in (c for c in population.completions if c.badge == person.badge):
            line = next(x for x in lines if x.startswith(f"  completed {done.time:%Y-%m-%d %H:%M}"))
            number = issued.get((person.badge, done.track, done.time))
            assert line.endswith(f"; certificate {number}" if number else "; no certificate")
        for attempt in (a for a in population.attempts if a.badge == person.badge):
            line = next(x for x in lines if x.startswith(f"  {attempt.started:%Y-%m-%d %H:%M}"))
            if attempt.completed is None:
                assert f"open, {attempt.answers} answer" in line
            else:
                verdict = "passed" if attempt.passed else "not passed"
                assert f"{attempt.earned}/{attempt.maximum} (" in line
                assert f"%) {verdict}" in line


def test_the_pdf_transcript_in_the_certificates_style(dept: Department) -> None:
    population = dept.population
    # 陳美玲 3 needs the CJK fallback face; 4007's name is markup that must print as typed.
    for badge in ("4003", "4007", "4187"):
        person = population.person(badge)
        pdf = transcript_pdf(dept.records, badge, population.now)
        assert pdf.startswith(b"%PDF-")
        text = text_of(pdf)
        assert person.name in text
        assert "Training Transcript" in text
        assert person.agency.upper() in text
        for certificate in (c for c in population.certificates if c.badge == badge):
            assert certificate.number in text
        assert "page 1 of 1" in text
        assert {"DejaVuSerif-Bold", "DejaVuSans", "DejaVuSans-Bold"} <= fonts_of(pdf)
        assert pdf == transcript_pdf(dept.records, badge, population.now)  # deterministic
    assert "DroidSansFallback" in fonts_of(transcript_pdf(dept.records, "4003", population.now))


def test_a_long_transcript_goes_on_over_pages() -> None:
    learner = Learner(
        "4471", "Dana Reyes", "Test PD", "Patrol", None, datetime(2026, 1, 1, tzinfo=UTC)
    )
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    attempts = tuple(
        AttemptLine(
            started=start + timedelta(days=i),
            module="basics",
            module_title="Basics",
            version="1.0.0",
            is_open=False,
            answers=6,
            earned=3,
            maximum=6,
            passed=False,
            confidently_wrong=1,
            time_on_task=timedelta(minutes=7),
            seed=1000 + i,
        )
        for i in range(90)
    )
    done = CompletionLine(
        start + timedelta(days=91), "1.0.0", "ab" * 32, None, "7K3M-QX2A-9RTD-E5W5"
    )
    found = Transcript(
        learner,
        "Test course",
        "1.0.0",
        (TrackTranscript("onboarding", "Onboarding", attempts, (done,)),),
    )
    pdf = render(found, DEFAULT_COLOURS, (612.0, 792.0), start + timedelta(days=100))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    text = text_of(pdf)
    assert f"page {len(pages)} of {len(pages)}" in text
    assert all(str(1000 + i) in text for i in range(90))
    assert text.count("Started (UTC)") == len(pages)  # the header row repeats on each page


def test_bad_transcript_requests_get_one_line(
    built: tuple[Population, str, Path], tmp_path: Path
) -> None:
    _, url, course = built
    options = ["--db", url, "--course", str(course)]
    code, out, err = run("records", "transcript", "9999", *options)
    assert (code, out) == (1, "")
    assert (
        err == "trainer: error: no learner with badge 9999: add one with 'trainer learners add'\n"
    )
    code, out, err = run("records", "transcript", "4003", "--pdf", "/no/such/dir/t.pdf", *options)
    assert (code, err) == (
        1,
        "trainer: error: cannot write /no/such/dir/t.pdf: No such file or directory\n",
    )
    target = tmp_path / "t.pdf"
    code, out, err = run("records", "transcript", "4003", "--pdf", str(target), *options)
    assert (code, err) == (0, f"wrote {target}\n")
    assert target.read_bytes().startswith(b"%PDF-")


def test_a_name_no_font_can_draw_is_refused_by_name(
    tmp_path: Path, built: tuple[Population, str, Path]
) -> None:
    population, _, course = built
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with EventLog(connect(url)) as log:
        Records(log, population.records.bundle).register("Ann \U00013000 Lee", "1", "Test PD")
    code, _, err = run(
        "records",
        "transcript",
        "1",
        "--pdf",
        str(tmp_path / "t.pdf"),
        "--db",
        url,
        "--course",
        str(course),
    )
    assert code == 1
    assert err.startswith("trainer: error: the learner's name holds the character")
    assert "U+13000 EGYPTIAN HIEROGLYPH A001" in err
    assert not (tmp_path / "t.pdf").exists()
