"""Text made ready for ReportLab: fonts per run, Arabic shaping, cleaning, coverage."""

from __future__ import annotations

import unicodedata

import pytest

from trainer.certificates import typeset
from trainer.certificates.errors import CertificateError

SERIF = "DejaVuSerif"


def test_latin_text_stays_in_its_family() -> None:
    assert typeset.runs("Zoë Łukasiewicz-O'Brien", SERIF, "x") == (
        typeset.Run(SERIF, "Zoë Łukasiewicz-O'Brien"),
    )


def test_cjk_characters_fall_back_to_the_cjk_font() -> None:
    assert typeset.runs("Li 李小龍 Jr", SERIF, "x") == (
        typeset.Run(SERIF, "Li "),
        typeset.Run("DroidSansFallback", "李小龍 "),
        typeset.Run(SERIF, "Jr"),
    )


def test_paragraph_markup_wraps_fallback_runs_and_keeps_author_tags() -> None:
    markup = "<b>Officer</b> &amp; 李 &lt;b&gt;"
    assert typeset.paragraph(markup, SERIF, "x") == (
        '<b>Officer</b> &amp; <font name="DroidSansFallback">李 </font>&lt;b&gt;'
    )


def test_arabic_is_joined_and_reversed_for_display() -> None:
    (run,) = typeset.runs("محمد", SERIF, "x")
    assert run.family == "DejaVuSans"
    # Joined forms (initial meem, medial hah, ...), drawn left to right: last letter first.
    assert len(run.text) == 4
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in run.text)
    assert unicodedata.normalize("NFKC", run.text[::-1]) == "محمد"


def test_an_arabic_name_inside_latin_text_keeps_the_latin_order() -> None:
    runs = typeset.runs("Officer محمد Khan", SERIF, "x")
    assert runs[0] == typeset.Run(SERIF, "Officer ")
    assert runs[-1] == typeset.Run(SERIF, "Khan")


def test_controls_become_spaces_and_invisible_formatting_goes() -> None:
    assert typeset.runs("Dana\tRe\u200byes\u202e", SERIF, "x") == (
        typeset.Run(SERIF, "Dana Reyes"),
    )


def test_a_character_no_font_has_is_named_with_its_field() -> None:
    with pytest.raises(CertificateError) as caught:
        typeset.runs("नमस्ते", SERIF, "the learner's name")
    assert str(caught.value).startswith(
        "the learner's name holds the character 'न' (U+0928 DEVANAGARI LETTER NA)"
    )


def test_width_grows_with_size() -> None:
    runs = typeset.runs("José Núñez 李", SERIF, "x")
    assert typeset.width(runs, 20, bold=True) == pytest.approx(
        2 * typeset.width(runs, 10, bold=True)
    )


def test_text_its_family_draws_whole_is_one_run() -> None:
    assert typeset.runs("Badge 4471  ·  État", "DejaVuSans", "x") == (
        typeset.Run("DejaVuSans", "Badge 4471  ·  État"),
    )
    # A no-break space and a joiner are kept (they mean something); an override goes.
    assert typeset.runs("Dana\u00a0Re\u200dyes\u202e", SERIF, "x") == (
        typeset.Run(SERIF, "Dana\u00a0Re\u200dyes"),
    )
