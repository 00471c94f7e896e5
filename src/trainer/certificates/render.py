"""The certificate as a PDF: one landscape page a person would frame, carrying the signed
token for machines.

The page has three regions (the wording at the top; the facts, signature and seal at the
lower left; the small print at the bottom), each filled with blocks and shrunk to fit
(blocks.py), so no wording, however long, spills off the page. Everything is drawn
straight on one ReportLab canvas: a certificate is one fixed page, so it needs none of
Platypus's document machinery, which was most of the time a certificate took. The border
and the QR code are drawn at fixed places: the QR code is never scaled by the layout.

The learner's name is set as large as fits on one line (at most 40 pt). Rendering is
deterministic: ReportLab's invariant mode, and the issue time as the file's creation date,
make the same certificate the same bytes every time it is issued.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates import blocks, qrcode, richtext, seal, typefaces, typeset
from trainer.certificates.blocks import Box
from trainer.certificates.embedding import carry
from trainer.certificates.errors import CertificateError
from trainer.certificates.payload import CertificatePayload
from trainer.certificates.pdffile import PdfContents, read_pdf
from trainer.certificates.template import CertificateTemplate, PageSize, render_wording
from trainer.certificates.variables import day, moment_text, number_text
from trainer.certificates.written import Written

__all__ = ["PAGE_SIZES", "PageSize", "PdfContents", "name_font_size", "read_pdf", "render_pdf"]

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": landscape(LETTER),
    "a4": landscape(A4),
}
NAME_MAX = 40.0
"""The learner's name in points, when it fits."""
NAME_MIN = 9.0
"""Below this a name wraps onto a second line instead of shrinking further."""
SERIF, SANS = typefaces.SERIF, typefaces.SANS

_OUTER, _INNER = 18.0, 25.0  # the border's two rules, in from the page edge
_MARGIN = 46.0  # text starts this far in from the left and right edges
_CELL_PADDING = 4.0
_NUMBER_SIZE = 11.5  # the certificate number, at most
_PAGE_LEVEL = 1  # zlib's fastest: the page's drawing is new in every certificate
_TOP, _BOTTOM = 44.0, 38.0
_GAP = 10.0
_LOGO = 56.0
_TOKEN_SIZE, _TOKEN_LEADING = 4.0, 4.7  # the token in small print, in Courier
_COURIER_ADVANCE = 0.6  # Courier's every character is 0.6 em wide


@dataclass(frozen=True)
class _Layout:
    """Where everything goes on a page of ``size`` with a QR code of ``code``'s size."""

    size: tuple[float, float]
    main: Box
    lower: Box
    small: Box
    qr_x: float
    qr_y: float
    token_lines: tuple[str, ...]

    @staticmethod
    def of(size: tuple[float, float], code: qrcode.QrCode, token: str) -> _Layout:
        width, height = size
        text_width = width - 2 * _MARGIN
        per_line = int(text_width / (_TOKEN_SIZE * _COURIER_ADVANCE))
        lines = tuple(token[i : i + per_line] for i in range(0, len(token), per_line))
        small_height = 20 + len(lines) * _TOKEN_LEADING
        small = Box(_MARGIN, _BOTTOM, text_width, small_height)
        lower_y = small.y + small.height + _GAP
        lower_height = code.outer + 12
        qr_x = width - _MARGIN - code.outer + code.quiet
        lower = Box(_MARGIN, lower_y, text_width - code.outer - _GAP, lower_height)
        main_y = lower_y + lower_height + _GAP / 2
        main = Box(_MARGIN, main_y, text_width, height - _TOP - main_y)
        return _Layout(size, main, lower, small, qr_x, lower_y + 12, lines)


def name_font_size(name: str, page_size: PageSize = "letter") -> float:
    """The size the learner's name is set in: the largest up to 40 pt at which it fits on
    one line of the page's text width (or 9 pt, wrapping, for a name too long for that)."""
    width = PAGE_SIZES[page_size][0] - 2 * _MARGIN
    return _fitted(typeset.runs(name, SERIF.name, "the learner's name"), width)


def _fitted(runs: Sequence[typeset.Run], width: float) -> float:
    natural = typeset.width(runs, 1.0, bold=True)
    if natural <= 0:
        return NAME_MAX
    # A hair under the exact fit: rounding must not wrap the last character.
    return max(NAME_MIN, min(NAME_MAX, width * 0.995 / natural))


def render_pdf(
    payload: CertificatePayload,
    token: str,
    template: CertificateTemplate,
    *,
    page_size: PageSize = "letter",
    logo: Path | None = None,
) -> bytes:
    """The certificate PDF of ``payload``, carrying ``token`` (its signed form) in a QR
    code, in small print, in the document information and (as the payload) in an embedded
    ``certificate.json``. Raises :class:`CertificateError` for a character no shipped font
    can draw, an unreadable logo, or wording that fails to render."""
    if page_size not in PAGE_SIZES:
        raise CertificateError(f"unknown page size {page_size!r}: use letter or a4")
    typefaces.register()
    wording = render_wording(template, payload)
    code = qrcode.encode(token)
    layout = _Layout.of(PAGE_SIZES[page_size], code, token)
    image = _logo(logo)
    look = _Look.of(template.colours.ink, template.colours.accent, template.colours.muted)
    main = _main(payload, template, wording, look, layout, image is not None)
    lower = _lower(payload, template, wording, look, layout)
    small = _small_print(wording, look, layout)
    out = io.BytesIO()
    # Courier, which the token is printed in, as the canvas's first font: ReportLab writes
    # that font into every PDF, used or not.
    canvas = Canvas(
        out,
        pagesize=layout.size,
        invariant=1,
        lang="en",
        initialFontName="Courier",  # type: ignore[arg-type]  # the stubs say a number
    )
    canvas.setTitle(f"Certificate {payload.number}: {payload.learner_name}")
    canvas.setAuthor(payload.agency)
    canvas.setSubject(f"{payload.course_title}, {payload.track_title}")
    canvas.setKeywords(f"certificate {payload.number}")
    canvas.setCreator("trainer")
    carry(
        canvas,
        token=token,
        payload_json=payload.to_json(),
        number=payload.number,
        issued=payload.issued,
    )
    _decorate(canvas, template, code, layout, image, look)
    blocks.fill(canvas, layout.main, main)
    blocks.fill(canvas, layout.lower, lower)
    blocks.fill(canvas, layout.small, small)
    canvas.showPage()
    _compress_page(canvas)
    canvas.save()
    return out.getvalue()


def _compress_page(canvas: Canvas) -> None:
    """Give the page its drawing as a deflated stream, made here: ReportLab's own also
    wraps it in ASCII85 (a quarter bigger, from when PDFs went through email), and uses
    zlib's default level where the fastest costs a few hundred bytes and half the time.
    (A page with its Contents set is written as it is; the document's compression stays
    on for the fonts.)"""
    page = canvas._doc.Pages.pages[-1]  # type: ignore[attr-defined]
    data = zlib.compress(page.stream.encode("utf-8"), _PAGE_LEVEL)
    head = b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
    page.Contents = Written(head + data + b"\nendstream\n", indirect=True)


# --- the look -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """The template's colours, ready to draw with."""

    ink: Color
    accent: Color
    muted: Color

    @staticmethod
    @lru_cache(maxsize=16)
    def of(ink: str, accent: str, muted: str) -> _Look:
        return _Look(HexColor(ink), HexColor(accent), HexColor(muted))


def _para(
    wording: str,
    family: typefaces.Family,
    bold: bool,
    size: float,
    colour: Color,
    what: str,
    **how: Any,
) -> blocks.Para:
    """A paragraph of template wording (markup) in ``family``."""
    face = family.bold_name if bold else family.name
    marked = typeset.paragraph(wording, family.name, what)
    indent = how.pop("indent", 0.0)
    return blocks.Para(richtext.markup(marked, face, size, colour, **how), indent)


def _line(
    text: str,
    family: typefaces.Family,
    bold: bool,
    size: float,
    colour: Color,
    what: str,
    **how: Any,
) -> blocks.Para:
    """A paragraph of learner or course text (never markup) in ``family``."""
    runs = typeset.runs(text, family.name, what)
    return blocks.Para(richtext.plain(runs, size, colour, bold=bold, **how))


# --- the three regions ----------------------------------------------------------------


def _main(
    p: CertificatePayload,
    template: CertificateTemplate,
    wording: dict[str, str],
    look: _Look,
    layout: _Layout,
    has_logo: bool,
) -> list[blocks.Block]:
    # The logo sits in the top left corner; the lines beside it keep clear of it.
    indent = _LOGO + _GAP if has_logo else 0.0
    name_runs = typeset.runs(p.learner_name, SERIF.name, "the learner's name")
    size = _fitted(name_runs, layout.main.width)
    who = [f"{template.labels['badge']} {p.badge}"]
    if p.state_officer_id:
        who.append(f"{template.labels['state_id']} {p.state_officer_id}")
    story: list[blocks.Block] = [
        _para(
            wording["heading"],
            SANS,
            True,
            12,
            look.ink,
            "the heading",
            space_after=8,
            indent=indent,
        ),
        _para(
            wording["title"],
            SERIF,
            True,
            30,
            look.accent,
            "the title",
            leading=36,
            space_after=10,
            indent=indent,
        ),
        _para(wording["preamble"], SERIF, False, 13, look.muted, "the preamble", space_after=6),
        blocks.Para(richtext.plain(name_runs, size, look.ink, bold=True, leading=size * 1.22)),
        blocks.Rule(0.55, 0.8, look.accent, space_before=5),
        _line(
            "  ·  ".join(who),
            SANS,
            False,
            9,
            look.muted,
            "the badge number",
            space_before=3,
            space_after=10,
        ),
        _para(
            wording["statement"],
            SERIF,
            False,
            12.5,
            look.ink,
            "the statement",
            leading=16.5,
            space_after=6,
        ),
    ]
    if wording["footer"]:
        story.append(_para(wording["footer"], SANS, False, 8, look.muted, "the footer"))
    return story


def _lower(
    p: CertificatePayload,
    template: CertificateTemplate,
    wording: dict[str, str],
    look: _Look,
    layout: _Layout,
) -> list[blocks.Block]:
    labels, zone, dates = template.labels, template.time_zone, template.dates

    def cell(
        label: str, value: str, note: str | None = None, value_block: blocks.Para | None = None
    ) -> list[blocks.Block]:
        parts: list[blocks.Block] = [
            _line(label.upper(), SANS, True, 7.5, look.muted, f"the label {label!r}", leading=9),
            value_block
            or _line(value, SERIF, True, 12.5, look.ink, f"the {label.lower()}", leading=15),
        ]
        if note:
            parts.append(
                _line(note, SANS, False, 7.5, look.muted, f"the {label.lower()}", leading=9)
            )
        return parts

    def when(label: str, moment: datetime) -> list[blocks.Block]:
        date = day(moment, dates, zone)
        return cell(label, date, moment_text(moment, dates, zone).removeprefix(date).lstrip(", "))

    width = layout.lower.width
    # The number must read as one unbroken line: shrink it to its column rather than wrap.
    column = width / 3 - 2 * _CELL_PADDING
    natural = stringWidth(p.number, SANS.bold_name, _NUMBER_SIZE)
    size = min(_NUMBER_SIZE, _NUMBER_SIZE * column / natural)
    number = _line(
        p.number, SANS, True, size, look.ink, "the certificate number", leading=max(size * 1.3, 12)
    )
    first = [
        cell(labels["number"], p.number, value_block=number),
        cell(labels["hours"], number_text(p.credit_hours), p.delivery_method),
        cell(
            labels["score"],
            f"{number_text(p.percent)}%",
            f"{p.earned} of {p.maximum} points; pass mark {p.pass_mark}%",
        ),
    ]
    second = [when(labels["started"], p.started), when(labels["completed"], p.completed)]
    second.append(when(labels["expires"], p.expires) if p.expires is not None else [])
    facts = blocks.Grid(
        [first, second],
        columns=(1 / 3, 1 / 3, 1 / 3),
        padding=(3, 5, _CELL_PADDING, _CELL_PADDING),
        valign="top",
        cell_align=("center", "center", "center"),
        rule=(0.4, look.accent),
    )
    signature: list[blocks.Block] = [
        blocks.Gap(22),
        blocks.Rule(0.9, 0.7, look.ink, space_after=1, align="left"),
        _line(
            p.officer_name,
            SERIF,
            True,
            12,
            look.ink,
            "the training officer's name",
            leading=15,
            space_before=3,
        ),
        _line(
            p.officer_title,
            SANS,
            False,
            8.5,
            look.muted,
            "the training officer's title",
            leading=10.5,
        ),
    ]
    stamp = seal.Seal(wording["seal"], look.accent, radius=min(44.0, width / 7))
    bottom = blocks.Grid(
        [[signature, [stamp]]],
        columns=(0.55, 0.45),
        padding=(3, 3, 0, 0),
        valign="bottom",
        cell_align=("left", "center"),
    )
    return [facts, blocks.Gap(4), bottom]


def _small_print(wording: dict[str, str], look: _Look, layout: _Layout) -> list[blocks.Block]:
    verify = _para(
        wording["verify"],
        SANS,
        False,
        7,
        look.muted,
        "the verify instruction",
        leading=8.5,
        align="left",
    )
    return [verify, blocks.Gap(2), _TokenLines(layout.token_lines, look.muted)]


@dataclass(frozen=True)
class _TokenLines:
    """The token in small print, in Courier (every character as wide as the next)."""

    lines: tuple[str, ...]
    colour: Color
    space_before: float = 0.0
    space_after: float = 0.0
    align: blocks.Align = "left"

    def wrap(self, width: float) -> tuple[float, float]:
        return width, len(self.lines) * _TOKEN_LEADING

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        # Courier is the canvas's first font (see render_pdf), so already in the PDF.
        courier = canvas._doc.getInternalFontName("Courier")  # type: ignore[attr-defined]
        top = y + len(self.lines) * _TOKEN_LEADING - _TOKEN_SIZE
        ops = [
            f"q BT {courier} {fp_str(_TOKEN_SIZE)} Tf {fp_str(_TOKEN_LEADING)} TL",
            f"{fp_str(*self.colour.rgb())} rg 1 0 0 1 {fp_str(x, top)} Tm",
            *(f"({escapePDF(line)}) Tj T*" for line in self.lines),
            "ET Q",
        ]
        canvas.addLiteral("\n".join(ops))


# --- the page: border, logo, QR code --------------------------------------------------


def _decorate(
    canvas: Canvas,
    template: CertificateTemplate,
    code: qrcode.QrCode,
    layout: _Layout,
    image: ImageReader | None,
    look: _Look,
) -> None:
    width, height = layout.size
    canvas.addLiteral(_border(width, height, look.accent.hexval()))
    if image is not None:
        canvas.drawImage(
            image,
            _MARGIN,
            height - _TOP - _LOGO,
            _LOGO,
            _LOGO,
            preserveAspectRatio=True,
            anchor="nw",
            mask="auto",
        )
    qrcode.draw(
        canvas, code, layout.qr_x - code.quiet, layout.qr_y - code.quiet, template.colours.ink
    )
    caption = _line(
        template.labels["scan"], SANS, True, 7.5, look.muted, "the scan label", leading=9
    )
    _, caption_height = caption.wrap(code.side)
    caption.draw(canvas, layout.qr_x, layout.qr_y - caption_height - 2)


@lru_cache(maxsize=16)
def _border(width: float, height: float, colour: str) -> str:
    """The two rules around the page and the diamonds at their corners, as PDF operators
    in a saved graphics state (the same for every certificate of a page size)."""
    rgb = fp_str(*(int(colour[i : i + 2], 16) / 255 for i in (2, 4, 6)))
    ops = [
        "q",
        f"{rgb} RG 2.2 w",
        f"{fp_str(_OUTER, _OUTER, width - 2 * _OUTER, height - 2 * _OUTER)} re S",
        ".6 w",
        f"{fp_str(_INNER, _INNER, width - 2 * _INNER, height - 2 * _INNER)} re S",
        f"{rgb} rg",
    ]
    r = 5.0
    for x, y in (
        (_INNER, _INNER),
        (width - _INNER, _INNER),
        (_INNER, height - _INNER),
        (width - _INNER, height - _INNER),
    ):
        ops += [
            f"{fp_str(x, y + r)} m",
            f"{fp_str(x + r, y)} l",
            f"{fp_str(x, y - r)} l",
            f"{fp_str(x - r, y)} l",
            "h f",
        ]
    ops.append("Q")
    return "\n".join(ops)


def _logo(path: Path | None) -> ImageReader | None:
    if path is None:
        return None
    if not path.is_file():
        raise CertificateError(f"cannot use the logo {path}: no such file")
    try:
        image = ImageReader(str(path))
        image.getSize()
    except Exception as exc:  # Pillow and ReportLab raise many kinds; one message says it
        reason = getattr(exc, "strerror", None) or "not an image file ReportLab can read"
        raise CertificateError(f"cannot use the logo {path}: {reason}") from None
    return image
