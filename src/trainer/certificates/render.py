"""The certificate as a PDF: one landscape page a person would frame, carrying the signed
token for machines.

Text is laid out by ReportLab's platypus in three frames (the wording at the top; the
facts, signature and seal at the lower left; the small print at the bottom), each wrapped
in a shrink-to-fit box, so no wording, however long, spills off the page or onto a second
one. The border and the QR code are drawn by the page callback at fixed places: the QR
code is never scaled by the layout, so a scanner always sees modules of the same size.

The learner's name is set as large as fits on one line (at most 40 pt). Rendering is
deterministic: ReportLab's invariant mode, and the issue time as the file's creation date,
make the same certificate the same bytes every time it is issued.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from trainer.certificates import qrcode, typefaces, typeset
from trainer.certificates.embedding import carry
from trainer.certificates.errors import CertificateError
from trainer.certificates.payload import CertificatePayload
from trainer.certificates.pdffile import PdfContents, read_pdf
from trainer.certificates.template import CertificateTemplate, PageSize, render_wording
from trainer.certificates.variables import day, moment_text, number_text

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
_TOP, _BOTTOM = 44.0, 38.0
_GAP = 10.0
_LOGO = 56.0
_TOKEN_SIZE, _TOKEN_LEADING = 4.0, 4.7  # the token in small print, in Courier
_COURIER_ADVANCE = 0.6  # Courier's every character is 0.6 em wide


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class _Layout:
    """Where everything goes on a page of ``size`` with a QR code of ``code``'s size."""

    size: tuple[float, float]
    main: _Box
    lower: _Box
    small: _Box
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
        small = _Box(_MARGIN, _BOTTOM, text_width, small_height)
        lower_y = small.y + small.height + _GAP
        lower_height = code.outer + 12
        qr_x = width - _MARGIN - code.outer + qrcode.QUIET * qrcode.MODULE
        lower = _Box(_MARGIN, lower_y, text_width - code.outer - _GAP, lower_height)
        main_y = lower_y + lower_height + _GAP / 2
        main = _Box(_MARGIN, main_y, text_width, height - _TOP - main_y)
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
    # A hair under the exact fit: ReportLab must not wrap the last character.
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
    styles = _Styles.of(template)
    story = [
        _boxed(
            layout.main,
            _main(payload, template, wording, styles, layout, image is not None),
            "CENTER",
            "MIDDLE",
        ),
        FrameBreak(),
        _boxed(layout.lower, _lower(payload, template, wording, styles, layout), "LEFT", "BOTTOM"),
        FrameBreak(),
        _boxed(layout.small, _small_print(wording, styles, layout), "LEFT", "BOTTOM"),
    ]
    out = io.BytesIO()
    document = _Document(
        out,
        partial(
            carry,
            token=token,
            payload_json=payload.to_json(),
            number=payload.number,
            issued=payload.issued,
        ),
        pagesize=layout.size,
        invariant=1,
        title=f"Certificate {payload.number}: {payload.learner_name}",
        author=payload.agency,
        subject=f"{payload.course_title}, {payload.track_title}",
        keywords=f"certificate {payload.number}",
        creator="trainer",
        lang="en",
        leftMargin=0,
        rightMargin=0,
        topMargin=0,
        bottomMargin=0,
    )
    frames = [
        Frame(
            b.x,
            b.y,
            b.width,
            b.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )
        for name, b in (("main", layout.main), ("lower", layout.lower), ("small", layout.small))
    ]
    decorate = partial(
        _decorate, template=template, code=code, layout=layout, image=image, styles=styles
    )
    document.addPageTemplates([PageTemplate("certificate", frames=frames, onPage=decorate)])
    document.build(story)
    if document.page != 1:  # pragma: no cover - the shrinking boxes make this impossible
        raise CertificateError("the certificate did not fit on one page")
    return out.getvalue()


def _boxed(box: _Box, story: list[Flowable], across: str, down: str) -> KeepInFrame:
    """``story`` in ``box``, shrunk to fit: text never spills onto a second page."""
    return KeepInFrame(box.width, box.height, story, mode="shrink", hAlign=across, vAlign=down)


class _Document(BaseDocTemplate):
    """A document that writes the certificate's machine-readable copy as it starts."""

    def __init__(self, out: io.BytesIO, carried: Callable[[Canvas], None], **options: Any) -> None:
        super().__init__(out, **options)
        self._carried = carried

    def beforeDocument(self) -> None:
        self._carried(self.canv)


# --- styles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    heading: ParagraphStyle
    title: ParagraphStyle
    preamble: ParagraphStyle
    name: ParagraphStyle
    badge: ParagraphStyle
    statement: ParagraphStyle
    footer: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    number: ParagraphStyle
    note: ParagraphStyle
    officer: ParagraphStyle
    officer_title: ParagraphStyle
    scan: ParagraphStyle
    verify: ParagraphStyle
    token: ParagraphStyle

    @staticmethod
    def of(template: CertificateTemplate) -> _Styles:
        ink, accent, muted = (
            HexColor(c)
            for c in (template.colours.ink, template.colours.accent, template.colours.muted)
        )

        def style(
            name: str,
            font: str,
            size: float,
            colour: Color,
            *,
            leading: float | None = None,
            alignment: Literal[0, 1] = TA_CENTER,
            spaceBefore: float = 0,
            spaceAfter: float = 0,
        ) -> ParagraphStyle:
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=size,
                leading=leading if leading is not None else size * 1.25,
                textColor=colour,
                alignment=alignment,
                spaceBefore=spaceBefore,
                spaceAfter=spaceAfter,
            )

        return _Styles(
            heading=style("heading", SANS.bold_name, 12, ink, spaceAfter=8),
            title=style("title", SERIF.bold_name, 30, accent, leading=36, spaceAfter=10),
            preamble=style("preamble", SERIF.name, 13, muted, spaceAfter=6),
            name=style("name", SERIF.bold_name, NAME_MAX, ink),
            badge=style("badge", SANS.name, 9, muted, spaceBefore=3, spaceAfter=10),
            statement=style("statement", SERIF.name, 12.5, ink, leading=16.5, spaceAfter=6),
            footer=style("footer", SANS.name, 8, muted),
            label=style("label", SANS.bold_name, 7.5, muted, leading=9),
            value=style("value", SERIF.bold_name, 12.5, ink, leading=15),
            number=style("number", SANS.bold_name, 11.5, ink, leading=15),
            note=style("note", SANS.name, 7.5, muted, leading=9),
            officer=style("officer", SERIF.bold_name, 12, ink, leading=15, spaceBefore=3),
            officer_title=style("officer title", SANS.name, 8.5, muted, leading=10.5),
            scan=style("scan", SANS.bold_name, 7.5, muted, leading=9),
            verify=style("verify", SANS.name, 7, muted, leading=8.5, alignment=TA_LEFT),
            token=ParagraphStyle(
                "token",
                fontName="Courier",
                fontSize=_TOKEN_SIZE,
                leading=_TOKEN_LEADING,
                textColor=muted,
                alignment=TA_LEFT,
            ),
        )


def _with_indent(style: ParagraphStyle, indent: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"{style.name} beside logo", parent=style, leftIndent=indent, rightIndent=indent
    )


# --- the three frames -----------------------------------------------------------------


def _main(
    p: CertificatePayload,
    template: CertificateTemplate,
    wording: dict[str, str],
    styles: _Styles,
    layout: _Layout,
    has_logo: bool,
) -> list[Flowable]:
    serif, sans = SERIF.name, SANS.name
    heading, title = styles.heading, styles.title
    if has_logo:
        # The logo sits in the top left corner; the lines beside it keep clear of it.
        heading = _with_indent(heading, _LOGO + _GAP)
        title = _with_indent(title, _LOGO + _GAP)
    name_runs = typeset.runs(p.learner_name, serif, "the learner's name")
    size = _fitted(name_runs, layout.main.width)
    name_style = ParagraphStyle(
        "name fitted", parent=styles.name, fontSize=size, leading=size * 1.22
    )
    who = [f"{template.labels['badge']} {p.badge}"]
    if p.state_officer_id:
        who.append(f"{template.labels['state_id']} {p.state_officer_id}")
    story: list[Flowable] = [
        Paragraph(typeset.paragraph(wording["heading"], sans, "the heading"), heading),
        Paragraph(typeset.paragraph(wording["title"], serif, "the title"), title),
        Paragraph(typeset.paragraph(wording["preamble"], serif, "the preamble"), styles.preamble),
        Paragraph(typeset.plain(p.learner_name, serif, "the learner's name"), name_style),
        HRFlowable(
            width="55%", thickness=0.8, color=template.colours.accent, spaceBefore=5, spaceAfter=0
        ),
        Paragraph(typeset.plain("  ·  ".join(who), sans, "the badge number"), styles.badge),
        Paragraph(
            typeset.paragraph(wording["statement"], serif, "the statement"), styles.statement
        ),
    ]
    if wording["footer"]:
        story.append(
            Paragraph(typeset.paragraph(wording["footer"], sans, "the footer"), styles.footer)
        )
    return story


def _lower(
    p: CertificatePayload,
    template: CertificateTemplate,
    wording: dict[str, str],
    styles: _Styles,
    layout: _Layout,
) -> list[Flowable]:
    labels, zone, dates = template.labels, template.time_zone, template.dates
    sans, serif = SANS.name, SERIF.name

    def cell(
        label: str, value: str, note: str | None = None, style: ParagraphStyle | None = None
    ) -> list[Flowable]:
        parts: list[Flowable] = [
            Paragraph(typeset.plain(label.upper(), sans, f"the label {label!r}"), styles.label),
            Paragraph(typeset.plain(value, serif, f"the {label.lower()}"), style or styles.value),
        ]
        if note:
            parts.append(Paragraph(typeset.plain(note, sans, f"the {label.lower()}"), styles.note))
        return parts

    def when(label: str, moment: datetime) -> list[Flowable]:
        date = day(moment, dates, zone)
        return cell(label, date, moment_text(moment, dates, zone).removeprefix(date).lstrip(", "))

    width = layout.lower.width
    # The number must read as one unbroken line: shrink it to its column rather than wrap.
    column = width / 3 - 2 * _CELL_PADDING
    natural = stringWidth(p.number, SANS.bold_name, styles.number.fontSize)
    size = min(styles.number.fontSize, styles.number.fontSize * column / natural)
    number_style = ParagraphStyle(
        "number fitted", parent=styles.number, fontSize=size, leading=max(size * 1.3, 12)
    )
    first = [
        cell(labels["number"], p.number, style=number_style),
        cell(labels["hours"], number_text(p.credit_hours), p.delivery_method),
        cell(
            labels["score"],
            f"{number_text(p.percent)}%",
            f"{p.earned} of {p.maximum} points; pass mark {p.pass_mark}%",
        ),
    ]
    second = [when(labels["started"], p.started), when(labels["completed"], p.completed)]
    if p.expires is not None:
        second.append(when(labels["expires"], p.expires))
    else:
        second.append([])
    facts = Table([first, second], colWidths=[width / 3] * 3, hAlign="LEFT")
    facts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.4, template.colours.accent),
            ]
        )
    )
    signature: list[Flowable] = [
        Spacer(1, 22),
        HRFlowable(width="90%", thickness=0.7, color=template.colours.ink, spaceAfter=1),
        Paragraph(
            typeset.plain(p.officer_name, serif, "the training officer's name"), styles.officer
        ),
        Paragraph(
            typeset.plain(p.officer_title, sans, "the training officer's title"),
            styles.officer_title,
        ),
    ]
    seal = _Seal(wording["seal"], template, radius=min(44.0, width / 7))
    bottom = Table([[signature, seal]], colWidths=[width * 0.55, width * 0.45], hAlign="LEFT")
    bottom.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [facts, Spacer(1, 4), bottom]


def _small_print(wording: dict[str, str], styles: _Styles, layout: _Layout) -> list[Flowable]:
    return [
        Paragraph(
            typeset.paragraph(wording["verify"], SANS.name, "the verify instruction"), styles.verify
        ),
        Spacer(1, 2),
        Paragraph("<br/>".join(layout.token_lines), styles.token),
    ]


# --- the page: border, logo, QR code --------------------------------------------------


def _decorate(
    canvas: Canvas,
    _document: BaseDocTemplate,
    *,
    template: CertificateTemplate,
    code: qrcode.QrCode,
    layout: _Layout,
    image: ImageReader | None,
    styles: _Styles,
) -> None:
    width, height = layout.size
    accent = template.colours.accent
    canvas.saveState()
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(2.2)
    canvas.rect(_OUTER, _OUTER, width - 2 * _OUTER, height - 2 * _OUTER, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(_INNER, _INNER, width - 2 * _INNER, height - 2 * _INNER, stroke=1, fill=0)
    canvas.setFillColor(accent)
    for x, y in (
        (_INNER, _INNER),
        (width - _INNER, _INNER),
        (_INNER, height - _INNER),
        (width - _INNER, height - _INNER),
    ):
        _diamond(canvas, x, y, 5.0)
    canvas.restoreState()
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
        canvas,
        code,
        layout.qr_x - qrcode.QUIET * qrcode.MODULE,
        layout.qr_y - qrcode.QUIET * qrcode.MODULE,
        template.colours.ink,
    )
    caption = Paragraph(
        typeset.plain(template.labels["scan"], SANS.name, "the scan label"), styles.scan
    )
    _, caption_height = caption.wrapOn(canvas, code.side, 20)
    caption.drawOn(canvas, layout.qr_x, layout.qr_y - caption_height - 2)


def _diamond(canvas: Canvas, x: float, y: float, r: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


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


# --- the seal -------------------------------------------------------------------------


class _Seal(Flowable):
    """A round seal: a serrated disc in the accent colour, the seal wording around its
    ring and a star at its centre."""

    def __init__(self, text: str, template: CertificateTemplate, radius: float) -> None:
        super().__init__()
        self.radius = radius
        self.colour = template.colours.accent
        plain = _text_of(text)
        self.runs = typeset.runs(plain, SANS.name, "the seal") if plain else []
        self.width = self.height = 2 * radius + 4

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        r = self.radius
        cx = cy = r + 2
        canvas.saveState()
        canvas.setFillColor(self.colour)
        points = 48
        path = canvas.beginPath()
        for index in range(points * 2):
            angle = math.pi * index / points
            reach = r if index % 2 == 0 else r * 0.94
            x, y = cx + reach * math.cos(angle), cy + reach * math.sin(angle)
            if index == 0:
                path.moveTo(x, y)
            else:
                path.lineTo(x, y)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setStrokeColor("#FFFFFF")
        canvas.setLineWidth(0.8)
        canvas.circle(cx, cy, r * 0.86, stroke=1, fill=0)
        canvas.circle(cx, cy, r * 0.58, stroke=1, fill=0)
        canvas.setFillColor("#FFFFFF")
        _star(canvas, cx, cy, r * 0.36, r * 0.15)
        self._ring_text(canvas, cx, cy, r * 0.72)
        canvas.restoreState()

    def _ring_text(self, canvas: Canvas, cx: float, cy: float, reach: float) -> None:
        chars = [(run.family, char) for run in self.runs for char in run.text]
        if not chars:
            return
        size = 7.0
        widths = [
            typeset.width([typeset.Run(family, char)], size, bold=True) for family, char in chars
        ]
        total = sum(widths) + size * 0.6 * 3
        circumference = 2 * math.pi * reach
        if total > circumference * 0.92:
            size *= circumference * 0.92 / total
            widths = [w * circumference * 0.92 / total for w in widths]
            total = circumference * 0.92
        # Centred on the top of the ring, read clockwise.
        angle = math.pi / 2 + (total / reach) / 2
        for (family, char), advance in zip(chars, widths, strict=True):
            middle = angle - (advance / 2) / reach
            canvas.saveState()
            canvas.translate(cx + reach * math.cos(middle), cy + reach * math.sin(middle))
            canvas.rotate(math.degrees(middle) - 90)
            canvas.setFont(typefaces.face_of(family, True), size)
            canvas.drawCentredString(0, -size * 0.35, char)
            canvas.restoreState()
            angle -= advance / reach


def _star(canvas: Canvas, cx: float, cy: float, outer: float, inner: float) -> None:
    path = canvas.beginPath()
    for index in range(10):
        angle = math.pi / 2 + math.pi * index / 5
        reach = outer if index % 2 == 0 else inner
        x, y = cx + reach * math.cos(angle), cy + reach * math.sin(angle)
        if index == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _text_of(markup: str) -> str:
    """The text of rendered wording, without tags or entities (the seal draws characters,
    not paragraphs)."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup)).strip()
