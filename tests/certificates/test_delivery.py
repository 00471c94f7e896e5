"""Certificates as learners and training officers get them: issued on completion, written
as PDFs, copied later with the same number, batched for a class, verified from the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from course_factory import make_course
from trainer.cli import cli

ITEMS = 3


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def options(tmp_path: Path) -> list[str]:
    course = make_course(tmp_path / "course", onboarding_items=ITEMS)
    # The test course names the 'completion' template: give it the shipped one.
    shipped = Path(__file__).resolve().parents[2] / "certificates"
    (course / "certificates").mkdir()
    (course / "certificates/completion.yaml").write_text(
        (shipped / "completion.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = ["--course", str(course), "--db", str(tmp_path / "r.db")]
    for name, badge in (("José Núñez", "4471"), ("李小龍", "4472")):
        assert (
            run(
                "learners",
                "add",
                "--name",
                name,
                "--badge",
                badge,
                "--agency",
                "Riverton PD",
                *found,
            ).exit_code
            == 0
        )
    return found


def complete(options: list[str], badge: str) -> Result:
    return run(
        "take",
        "--learner",
        badge,
        "--track",
        "onboarding",
        *options,
        input="a\n" * ITEMS + f"{badge}\n",
    )


def test_completing_a_track_issues_the_certificate_pdf(options: list[str], tmp_path: Path) -> None:
    result = complete(options, "4471")
    assert result.exit_code == 0, result.output
    assert "Created the agency's signing key" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("Certificate "))
    number, path = line.removeprefix("Certificate ").split(": ", 1)
    pdf = Path(path)
    assert pdf == tmp_path / "trainer-home" / "certificates" / f"{number}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    verified = run("certificate", "verify", str(pdf))
    assert verified.exit_code == 0, verified.output
    assert "verdict: VALID" in verified.output
    assert "José Núñez, badge 4471" in verified.output
    assert f"Anyone can check it offline: trainer certificate verify {pdf}" in result.output


def test_a_copy_keeps_the_number_and_a_class_comes_in_one_batch(
    options: list[str], tmp_path: Path
) -> None:
    first = complete(options, "4471").output
    complete(options, "4472")
    number = next(x for x in first.splitlines() if x.startswith("Certificate ")).split()[1][:-1]
    copy = tmp_path / "copy.pdf"
    result = run(
        "certificate",
        "issue",
        "--learner",
        "4471",
        "--track",
        "onboarding",
        "--out",
        str(copy),
        "--page",
        "a4",
        *options,
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"certificate {number} for José Núñez (onboarding): {copy}")
    assert run("certificate", "verify", str(copy)).exit_code == 0
    out = tmp_path / "class-24-2"
    result = run("certificate", "batch", "--track", "onboarding", "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2
    assert written[0] == f"4471-{number}.pdf"
    assert result.output.rstrip().endswith(f"2 certificates written to {out}")


def test_nothing_to_issue_is_a_clear_error(options: list[str]) -> None:
    result = run("certificate", "issue", "--learner", "4471", "--track", "onboarding", *options)
    assert result.exit_code == 1
    assert result.output.strip().endswith("4471 has not completed the onboarding track")
    result = run("certificate", "issue", "--learner", "9999", "--track", "onboarding", *options)
    assert result.exit_code == 1
    assert "no learner with badge 9999" in result.output


def test_an_altered_pdf_is_forged(options: list[str], tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    result = complete(options, "4471")
    path = Path(
        next(x for x in result.output.splitlines() if x.startswith("Certificate ")).split(": ", 1)[
            1
        ]
    )
    original = PdfReader(path).attachments["certificate.json"][0].decode()
    assert "José Núñez" in original
    altered = tmp_path / "altered.pdf"
    fresh = PdfWriter(clone_from=PdfReader(path))
    fresh._root_object.pop("/Names")  # drop the original attachment, keep the signed token
    fresh.add_attachment("certificate.json", original.replace("José Núñez", "Joe Nunez"))
    with altered.open("wb") as stream:
        fresh.write(stream)
    result = run("certificate", "verify", str(altered))
    assert result.exit_code == 1
    assert "verdict: FORGED: the embedded certificate.json does not match the signed token" in (
        result.output
    )
