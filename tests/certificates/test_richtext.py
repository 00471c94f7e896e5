"""Paragraphs set on the canvas: read as ReportLab reads markup, broken into lines that
fit, and drawn from memory only when nothing that differs between PDFs is in them."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates import richtext, typefaces, typeset
from trainer.certificates.richtext import Line

INK = HexColor("#1B2A41")
SERIF, SANS_BOLD = "DejaVuSerif", "DejaVuSans-Bold"

MARKUP = [
    "has completed the annual refresher training of <b>Social Media and the Sworn Officer</b> "
    "(version 1.2.0), delivered online, self-paced, and passed with a score of 87.5%.",
    "A&amp;B &lt;i&gt;Police&lt;/i&gt; &lt;/para&gt; &#39;one&#39; &#34;two&#34; &quot;q&quot;",
    '<b>Officer</b> &amp; <font name="DroidSansFallback">李 </font>&lt;b&gt;',
    "line one<br/>line <i>two</i> <em>three</em> <strong>four</strong>",
    '<b>bold <font name="DejaVuSans">sans</font> back</b> end',
]


@pytest.fixture(autouse=True)
def _fonts() -> None:
    typefaces.register()


def shown(lines: tuple[Line, ...]) -> list[list[tuple[str, str, float, float]]]:
    return [[(s.text, s.style.font, s.style.size, s.width) for s in line.spans] for line in lines]


@pytest.mark.parametrize("face", [SERIF, SANS_BOLD])
@pytest.mark.parametrize(
    "text",
    [*MARKUP, typeset.paragraph("To verify, <b>scan</b> محمد and 李小龍 here", SERIF, "x")],
)
def test_the_quick_reading_means_what_reportlabs_parser_reads(face: str, text: str) -> None:
    quick = richtext._simple(text, face, 12.5, INK)
    assert quick is not None
    slow = richtext._paraparsed(text, face, 12.5, INK)
    for width in (120.0, 300.0, 10_000.0):
        expected = richtext._lines(richtext._items(slow), width)
        assert shown(richtext._lines(richtext._items(quick), width)) == shown(expected)


@pytest.mark.parametrize(
    "text", ["<u>under</u>", "a<super>2</super>", '<font color="red">x</font>', "&nbsp;x"]
)
def test_anything_else_goes_to_reportlabs_parser(text: str) -> None:
    assert richtext._simple(text, SERIF, 12, INK) is None
    assert richtext.markup(text, SERIF, 12, INK).lines(500)  # and is read all the same


@pytest.mark.parametrize("text", ["<b>x", "x</b>", "<b>x</i>", "<font>x</font>", "<br>x</br>"])
def test_tags_that_do_not_pair_are_left_to_reportlabs_parser(text: str) -> None:
    # (Which refuses them; a template's wording is checked for it when it is loaded.)
    assert richtext._simple(text, SERIF, 12, INK) is None


def test_superscript_and_colour_take_reportlabs_sizes_and_rise() -> None:
    (line,) = richtext.markup(
        'x<super>2</super> <font color="#FF0000" size="20">big</font>', SERIF, 12.5, INK
    ).lines(500)
    styles = {span.text.strip(): span.style for span in line.spans}
    assert styles["2"].size == 10.5
    assert styles["2"].rise == 6.25
    assert styles["big"].size == 20
    assert styles["big"].colour == HexColor("#FF0000")


@pytest.mark.parametrize("text", [*MARKUP[:3], MARKUP[4], "  spaces   at  both ends  "])
def test_the_one_line_shortcut_is_the_line_breaking_would_give(text: str) -> None:
    pieces = richtext._parsed(text, SERIF, 12, INK)
    one = richtext._one_line(pieces)
    assert one is not None
    (broken,) = richtext._lines(richtext._items(pieces), 100_000)
    assert [(s.text, s.style) for s in one.spans] == [(s.text, s.style) for s in broken.spans]
    assert one.width == pytest.approx(broken.width)


def test_lines_fit_and_long_words_break_between_characters() -> None:
    text = richtext.markup(MARKUP[0] + " " + "x" * 120, SERIF, 12.5, INK)
    lines = text.lines(200)
    assert len(lines) > 3
    assert all(line.width <= 200 + 1e-6 for line in lines)
    assert "".join(s.text for s in lines[-1].spans).strip("x") == ""


def test_a_break_starts_a_new_line_and_runs_of_spaces_draw_as_one() -> None:
    lines = richtext.markup("one   two<br/>three", SERIF, 12, INK).lines(1_000)
    assert ["".join(s.text for s in line.spans) for line in lines] == ["one two", "three"]


def test_an_empty_paragraph_has_no_line_and_a_blank_one_has_one() -> None:
    assert richtext.markup("", SERIF, 12, INK).lines(100) == ()
    assert len(richtext.markup("   ", SERIF, 12, INK).lines(100)) == 1


def operators(text: richtext.Text, prepare: str = "") -> str:
    """What drawing ``text`` adds to a fresh PDF's page (after drawing ``prepare``)."""
    canvas = Canvas(io.BytesIO())
    if prepare:
        prepared = richtext.plain(
            typeset.runs(prepare, "DejaVuSans", "x"), 9, INK, bold=True, align="left"
        )
        richtext.draw(canvas, prepared.lines(500), 0, 0, 500, prepared)
    before = len(canvas._code)  # type: ignore[attr-defined]
    richtext.draw(canvas, text.lines(500), 10, 100, 500, text)
    return "\n".join(canvas._code[before:])  # type: ignore[attr-defined]


def test_ascii_wording_is_written_once_and_follows_each_pdfs_font_names() -> None:
    text = richtext.markup("Scan to <b>verify</b>", "DejaVuSans", 7.5, INK)
    assert text.fixed_faces() == ("DejaVuSans", "DejaVuSans-Bold")
    first = operators(text)
    assert operators(text) == first
    assert len(text._memo.drawn) == 1
    # Another PDF that met the bold face first names it differently: drawn anew for it.
    other = operators(text, prepare="Bold first")
    assert other != first
    assert len(text._memo.drawn) == 2
    assert "(Scan to ) Tj" in first
    assert "(Scan to ) Tj" in other


def test_text_whose_codes_differ_between_pdfs_is_never_drawn_from_memory() -> None:
    text = richtext.plain(typeset.runs("Zoë · Reyes", "DejaVuSans", "x"), 9, INK, bold=True)
    assert text.fixed_faces() is None
    plain_first = operators(text)
    # The same letters, after other accented letters took the first codes:
    shifted = operators(text, prepare="ÀÉÎ")
    assert plain_first != shifted
    assert text._memo.drawn == {}
