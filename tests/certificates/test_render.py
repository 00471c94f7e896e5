"""The certificate PDF, rendered for real (ReportLab, pypdf, poppler or pdfium, zxing-cpp)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from certificate_support import KEY, NUMBER, TRUST, make_payload
from pdf_support import REPO, fonts_of, page_image, qr_texts, shipped_template, text_of
from PIL import Image
from pypdf import PdfReader

from trainer.certificates import qrcode, typeset
from trainer.certificates.errors import CertificateError
from trainer.certificates.payload import AttemptSeed, CertificatePayload, ModuleScore
from trainer.certificates.pdffile import read_pdf
from trainer.certificates.render import NAME_MAX, PAGE_SIZES, name_font_size, render_pdf
from trainer.certificates.template import load_template
from trainer.certificates.token import sign
from trainer.certificates.verify import verify

TEMPLATE = shipped_template()
NAMES = {
    "polish-irish": "Zoë Łukasiewicz-O'Brien",
    "spanish": "José Núñez",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "chinese": "李小龍",
    "arabic": "فاطمة الزهراء",
    "arabic-2": "محمد بن سلمان",
}
LONG_NAME = (
    "Maximiliana Alexandra Konstantinopoulou-Vanderbilt de la Cruz y Montenegro III" + "x" * 2
)


def certificate(
    **changes: object,
) -> tuple[CertificatePayload, str, bytes]:
    payload = make_payload(**changes)
    token = sign(payload, KEY)
    return payload, token, render_pdf(payload, token, TEMPLATE)


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_each_name_number_hours_and_dates_are_in_the_text(name: str) -> None:
    _, _, pdf = certificate(learner_name=name)
    text = text_of(pdf)
    assert unicodedata.normalize("NFKC", name) in text
    for fact in (
        NUMBER,
        "CREDIT HOURS",
        "1.5",
        "May 1, 2026",  # training began
        "12:03 UTC",
        "May 4, 2026",  # completed
        "14:03 UTC",
        "May 4, 2027",  # valid until
        "87.5%",
        "49 of 56 points; pass mark 80%",
        "Sgt. Dana Reyes",
        "Training Officer",
        "Social Media and the Sworn Officer",
        "annual refresher",
        "Riverton Police Department".upper(),
    ):
        assert fact in text, fact


def test_a_chinese_name_is_drawn_with_the_cjk_font() -> None:
    _, _, pdf = certificate(learner_name=NAMES["chinese"])
    assert "DroidSansFallback" in fonts_of(pdf)
    _, _, latin = certificate(learner_name=NAMES["spanish"])
    assert "DroidSansFallback" not in fonts_of(latin)


@pytest.mark.parametrize("name", [NAMES["arabic"], NAMES["arabic-2"]])
def test_an_arabic_name_is_shaped_and_drawn_right_to_left(name: str) -> None:
    runs = typeset.runs(name, typeset.typefaces.SERIF.name, "the name")
    drawn = "".join(run.text for run in runs)
    # Joined letter forms (presentation forms), not the isolated letters as typed ...
    assert all(0xFE70 <= ord(c) <= 0xFEFF or c == " " for c in drawn)
    # ... in display order: the name's last letter is drawn first (leftmost).
    assert unicodedata.normalize("NFKC", drawn[0]) == name[-1]
    assert [run.family for run in runs] == ["DejaVuSans"]  # the serif has no Arabic
    _, _, pdf = certificate(learner_name=name)
    assert "DejaVuSans-Bold" in fonts_of(pdf)


def test_names_typed_with_combining_accents_are_drawn_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", NAMES["vietnamese"])
    assert decomposed != NAMES["vietnamese"]
    _, _, pdf = certificate(learner_name=decomposed)
    assert NAMES["vietnamese"] in text_of(pdf)


def test_an_80_character_name_shrinks_to_fit_on_one_line() -> None:
    assert len(LONG_NAME) == 80
    for page_size in ("letter", "a4"):
        size = name_font_size(LONG_NAME, page_size)  # type: ignore[arg-type]
        assert size < NAME_MAX
        drawn = typeset.width(typeset.runs(LONG_NAME, "DejaVuSerif", "the name"), size, bold=True)
        page_width = PAGE_SIZES[page_size][0]
        # Centred on the page, the name stays inside the border (25 pt in) with room over.
        assert drawn <= page_width - 2 * 46
    _, _, pdf = certificate(learner_name=LONG_NAME)
    assert LONG_NAME in text_of(pdf).splitlines()  # one line, not wrapped


def test_a_short_name_is_set_large() -> None:
    assert name_font_size("José Núñez") == NAME_MAX


def test_a_name_too_long_for_any_size_wraps_inside_the_page() -> None:
    name = "Alexandra " * 40
    _, token, pdf = certificate(learner_name=name.strip())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert read_pdf(pdf).token == token


def test_markup_in_the_name_and_agency_prints_literally() -> None:
    name = "<b>Bold</b> & <font size=200>Big</font> </para>"
    agency = "A&B <i>Police</i> </para><para>"
    _, _, pdf = certificate(learner_name=name, agency=agency, officer_title="<br/>Chief & Co")
    text = text_of(pdf)
    assert name in text
    assert agency.upper() in text  # the shipped heading upper-cases the agency
    assert "<br/>Chief & Co" in text


def test_the_qr_code_decodes_to_the_exact_token(tmp_path: Path) -> None:
    _, token, pdf = certificate()
    assert qr_texts(page_image(pdf, 150, tmp_path)) == [token]


def test_the_qr_code_of_a_long_token_on_a4_decodes_at_150_dpi(tmp_path: Path) -> None:
    # 24 modules with ids, titles and seeds that do not compress: the QR code is version 34
    # or more, kept within its box by smaller modules, the hardest case for a scanner.
    def noise(i: int, what: str) -> str:
        return hashlib.sha256(f"{what}{i}".encode()).hexdigest()[:16]

    modules = tuple(
        ModuleScore(f"module-{noise(i, 'id')}", f"Module {noise(i, 'title')}", 9, 10, 90.0)
        for i in range(24)
    )
    seeds = tuple(AttemptSeed(m.id, int(noise(i, "seed"), 16) >> 1) for i, m in enumerate(modules))
    payload = make_payload(modules=modules, attempts=seeds, learner_name=NAMES["vietnamese"] * 2)
    token = sign(payload, KEY)
    assert len(token) >= 2_000
    code = qrcode.encode(token)
    assert code.size >= 150
    assert code.module < qrcode.MODULE
    assert code.outer == pytest.approx(qrcode.MAX_OUTER)
    pdf = render_pdf(payload, token, TEMPLATE, page_size="a4")
    assert qr_texts(page_image(pdf, 150, tmp_path)) == [token]


def test_machine_readable_copies_round_trip() -> None:
    payload, token, pdf = certificate()
    contents = read_pdf(pdf)
    assert contents.token == token
    assert contents.certificate_json == payload.to_json().decode("utf-8")
    assert CertificatePayload.from_json(contents.certificate_json) == payload
    assert verify(contents.token, TRUST, now=datetime(2026, 6, 1, tzinfo=UTC)).valid
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info["/TrainerCertificateNumber"] == NUMBER
    assert info["/CreationDate"] == "D:20260504140422Z"  # the issue time
    assert "Zoë Łukasiewicz-O'Brien" in str(info["/Title"])


def test_the_same_certificate_is_the_same_bytes() -> None:
    payload = make_payload()
    token = sign(payload, KEY)
    assert render_pdf(payload, token, TEMPLATE) == render_pdf(payload, token, TEMPLATE)


def test_page_sizes_are_landscape_letter_and_a4() -> None:
    payload = make_payload()
    token = sign(payload, KEY)
    for page_size, (width, height) in (("letter", (792, 612)), ("a4", (841.89, 595.28))):
        pdf = render_pdf(payload, token, TEMPLATE, page_size=page_size)  # type: ignore[arg-type]
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == (width, height)


def test_a_certificate_without_expiry_says_nothing_of_one() -> None:
    _, _, pdf = certificate(expires=None, state_officer_id=None, control_number=None)
    text = text_of(pdf)
    assert "VALID UNTIL" not in text
    assert "State officer ID" not in text
    assert "course control number" not in text


def test_a_logo_is_drawn(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 80), (20, 60, 140)).save(logo)
    payload = make_payload()
    token = sign(payload, KEY)
    pdf = render_pdf(payload, token, TEMPLATE, logo=logo)
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    assert "/XObject" in resources
    # The top left corner holds the logo's blue.
    image = page_image(pdf, 30, tmp_path).convert("RGB")
    pixel = image.getpixel((30, 30))
    assert isinstance(pixel, tuple)
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, (20, 60, 140), strict=True))


def test_a_logo_that_is_not_an_image_is_a_clear_error(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_text("not a picture")
    payload = make_payload()
    with pytest.raises(CertificateError, match=r"cannot use the logo .*logo\.png"):
        render_pdf(payload, sign(payload, KEY), TEMPLATE, logo=logo)
    with pytest.raises(CertificateError, match=r"missing\.png: no such file"):
        render_pdf(payload, sign(payload, KEY), TEMPLATE, logo=tmp_path / "missing.png")


@pytest.mark.parametrize(
    ("field", "what"),
    [
        ("learner_name", "the learner's name"),
        ("officer_name", "the training officer's name"),
        ("course_title", "the statement"),
    ],
)
def test_a_character_no_shipped_font_has_is_named(field: str, what: str) -> None:
    # Thai is a script no shipped font has (nor Devanagari): a clear error, never boxes.
    payload = make_payload(**{field: "Somchai สมชาย"})
    with pytest.raises(CertificateError) as caught:
        render_pdf(payload, sign(payload, KEY), TEMPLATE)
    message = str(caught.value)
    assert message.startswith(what)
    assert "'ส' (U+0E2A THAI CHARACTER SO SUA)" in message
    assert "\n" not in message


def test_an_unknown_page_size_is_refused() -> None:
    payload = make_payload()
    with pytest.raises(CertificateError, match="unknown page size 'legal'"):
        render_pdf(payload, sign(payload, KEY), TEMPLATE, page_size="legal")  # type: ignore[arg-type]


def test_bidi_overrides_cannot_reverse_a_name() -> None:
    # U+202E RIGHT-TO-LEFT OVERRIDE would draw "Smith" as "htimS".
    payload = dataclasses.replace(make_payload(), learner_name="Dana \u202eSmith")
    _, _, pdf = certificate(learner_name=payload.learner_name)
    assert "Dana Smith" in text_of(pdf)


def test_what_one_certificate_leaves_in_memory_never_changes_the_next() -> None:
    # A Latin name, then an Arabic, a Chinese and an accented one, then the first again:
    # fonts, wording and seal are drawn from memory, and the first comes out the same.
    first = certificate()[2]
    for name in (NAMES["arabic"], NAMES["chinese"], NAMES["spanish"]):
        certificate(learner_name=name, agency="Policía Municipal de Ñuñoa")
    assert certificate()[2] == first


def seal_letters(pdf: bytes) -> str:
    """The letters drawn turned (the seal's), in drawing order, as a PDF reader reads
    them through each font's character map."""
    letters: list[str] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text and abs(tm[1]) > 1e-6:
            letters.append(text)

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return "".join(letters)


def test_the_seal_reads_right_whatever_codes_each_pdf_gives_its_letters() -> None:
    # An accented heading takes the bold sans face's first codes before the seal's dot
    # and accents are coded: the seal written from memory must follow each PDF's codes.
    for agency, provider in (
        ("Riverton Police Department", "Riverton Police Academy"),
        ("Policía Municipal de Ñuñoa", "Academia Núñez"),
        ("Riverton Police Department", "Academia Núñez"),
    ):
        _, _, pdf = certificate(agency=agency, provider_name=provider)
        assert seal_letters(pdf) == f"{provider.upper()} · 2026 ·"


def test_wording_too_long_for_its_region_shrinks_to_fit_above_the_facts(tmp_path: Path) -> None:
    source = (REPO / "certificates" / "completion.yaml").read_text(encoding="utf-8")
    long = "statement: >-\n" + "".join(
        f"  sentence {i} of a statement far too long for its place on the page.\n"
        for i in range(60)
    )
    start = source.index("statement: >-")
    end = source.index("footer:")
    path = tmp_path / "certificates" / "completion.yaml"
    path.parent.mkdir()
    path.write_text(source[:start] + long + source[end:], encoding="utf-8")
    template = load_template(path)
    payload = make_payload()
    pdf = render_pdf(payload, sign(payload, KEY), template)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    heights: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        y = cm[3] * tm[5] + cm[5]  # the regions are only moved and scaled
        for word in ("sentence 59", "CERTIFICATE NUMBER"):
            if word in text:
                heights[word] = y

    reader.pages[0].extract_text(visitor_text=visit)
    # The statement's last line, shrunk, still stands above the facts' first.
    assert heights["sentence 59"] > heights["CERTIFICATE NUMBER"] + 10
