"""Reading a certificate back out of a PDF: whatever the file, a clear answer."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from certificate_support import KEY, make_payload
from pdf_support import shipped_template
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates.embedding import text
from trainer.certificates.errors import CertificateError
from trainer.certificates.pdffile import read_pdf
from trainer.certificates.render import render_pdf
from trainer.certificates.token import sign


def plain_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Not a certificate")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a PDF file"),
        (b"eyJhbGciOi.not-a-pdf", "not a PDF file"),
        (os.urandom(4096).replace(b"%PDF-", b""), "not a PDF file"),
        (b"%PDF-1.4\n" + os.urandom(2048), "the PDF is damaged and cannot be read"),
        (plain_pdf(), "this PDF holds no trainer certificate"),
    ],
    ids=["empty", "text", "random", "pdf header then noise", "pdf without certificate"],
)
def test_garbage_gets_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(CertificateError) as caught:
        read_pdf(data)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_truncated_certificate_is_damaged_or_still_read() -> None:
    payload = make_payload()
    token = sign(payload, KEY)
    pdf = render_pdf(payload, token, shipped_template())
    for cut in (len(pdf) // 3, len(pdf) // 2, len(pdf) - 200):
        outcome: object
        try:
            outcome = read_pdf(pdf[:cut]).token
        except CertificateError as exc:
            outcome = str(exc)
        # The genuine token, nothing, or one line saying the file is damaged.
        assert outcome in (None, token) or (
            isinstance(outcome, str) and outcome.startswith("the PDF") and "\n" not in outcome
        )


def test_poppler_lists_the_embedded_file(tmp_path: Path) -> None:
    pdfdetach = shutil.which("pdfdetach")
    if pdfdetach is None:
        pytest.skip("poppler-utils is not installed (.ci/run installs it)")
    payload = make_payload()
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_pdf(payload, sign(payload, KEY), shipped_template()))
    listed = subprocess.run(
        [pdfdetach, "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "certificate.json" in listed
    subprocess.run(
        [pdfdetach, "-save", "1", "-o", str(tmp_path / "out.json"), str(path)], check=True
    )
    assert (tmp_path / "out.json").read_bytes() == payload.to_json()


def test_reading_a_pdf_loads_no_reportlab() -> None:
    code = (
        "import sys, trainer.certificates.pdffile; "
        "print(sorted(m for m in ('reportlab', 'jinja2', 'click') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "agency",
    ["Riverton (North) Police \\ Sheriff", "Policía Municipal de Ñuñoa", "Agence « Québec »"],
)
def test_the_document_information_reads_back_as_written(agency: str) -> None:
    payload = make_payload(agency=agency)
    pdf = render_pdf(payload, sign(payload, KEY), shipped_template())
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info["/Author"] == agency
    assert info["/Title"] == f"Certificate {payload.number}: {payload.learner_name}"
    assert read_pdf(pdf).token == sign(payload, KEY)


def test_pdf_text_strings_are_literal_for_ascii_and_utf16_otherwise() -> None:
    assert text("a (b) \\ c") == b"(a \\(b\\) \\\\ c)"
    assert text("Zoë") == b"<FEFF005A006F00EB>"
    assert (
        text("tab\there")
        == b"<FEFF" + "tab\there".encode("utf-16-be").hex().upper().encode() + b">"
    )
