"""Font subsets written once per process: the PDF is what ReportLab itself would write."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates import fontfiles, typefaces
from trainer.certificates.fontfiles import EmbeddedFont

LINES = ("Zoë Łukasiewicz-O'Brien · 李", "plain ASCII (with parentheses)", "Nguyễn Thị Minh Khai")


@pytest.fixture(scope="module")
def stock_serif() -> str:
    """DejaVu Serif registered as ReportLab's own TTFont, under a name of its own."""
    typefaces.register()
    name = "StockDejaVuSerifForTests"
    pdfmetrics.registerFont(TTFont(name, str(typefaces.FONT_DIR / "DejaVuSerif.ttf")))
    return name


def pdf(face: str, lines: tuple[str, ...] = LINES) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(face, 12)
    for index, line in enumerate(lines):
        canvas.drawString(72, 700 - 20 * index, line)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_the_pdf_is_byte_for_byte_what_reportlab_writes(stock_serif: str) -> None:
    expected = pdf(stock_serif)
    assert pdf(typefaces.SERIF.name) == expected  # the subset cut and cached
    assert pdf(typefaces.SERIF.name) == expected  # and written from the cache


def test_each_subset_is_cut_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    typefaces.register()
    font = pdfmetrics.getFont(typefaces.SANS.name)
    assert isinstance(font, EmbeddedFont)
    cut: list[int] = []
    make: Callable[..., bytes] = font.face.makeSubset

    def counted(subset: list[int]) -> bytes:
        cut.append(len(subset))
        return make(subset)

    monkeypatch.setattr(font.face, "makeSubset", counted)
    unusual = ("Ωmega ÿ ₩ once",)  # characters no other test draws in this face
    first = pdf(typefaces.SANS.name, unusual)
    assert len(cut) == 1
    assert pdf(typefaces.SANS.name, unusual) == first
    assert len(cut) == 1  # the second PDF's subset came from the cache
    pdf(typefaces.SANS.name, ("Ωmega ÿ ₩ once, and ŵ",))
    assert len(cut) == 2  # another character: another subset


def test_the_cache_is_bounded() -> None:
    typefaces.register()
    for code in range(fontfiles.CACHED_SUBSETS + 5):
        pdf(typefaces.SERIF.name, (f"only {chr(0x100 + code)}",))
    assert len(fontfiles._cache) <= fontfiles.CACHED_SUBSETS


@pytest.mark.parametrize("text", ["plain words (1)", "Zoë · x", "tab\there", "李"])
def test_encoded_is_what_split_string_gives(text: str) -> None:
    typefaces.register()
    font = pdfmetrics.getFont(typefaces.SERIF.name)
    assert isinstance(font, EmbeddedFont)
    assert font.ascii_readable
    document = Canvas(io.BytesIO())._doc  # type: ignore[attr-defined]
    expected = [
        (font.getSubsetInternalName(subset, document), data.decode("latin-1"))
        for subset, data in font.splitString(text, document)
    ]
    found = [
        (name, data if isinstance(data, str) else data.decode("latin-1"))
        for name, data in font.encoded(text, document)
    ]
    assert found == expected
