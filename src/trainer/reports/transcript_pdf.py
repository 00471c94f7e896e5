"""The transcript as a PDF in the certificates' style: their typefaces (DejaVu Serif for
names and headings, DejaVu Sans for the facts, with the same fallback for any script a
name is written in), the agency's colours from the certificate template, the double rule
around the page.

Every text from a learner or the course goes through the certificates' typesetting, which
escapes it before ReportLab reads its markup and picks a font for each character; a
character no shipped font has is refused with its name rather than drawn as a box.
Rendering is deterministic (ReportLab's invariant mode), so the same record gives the
same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from trainer.certificates import typefaces, typeset
from trainer.certificates.errors import CertificateError
from trainer.certificates.template import Colours, load_template, template_path
from trainer.records.history import minutes_text
from trainer.records.service import Records
from trainer.reports.transcript import TrackTranscript, Transcript, transcript

SERIF, SANS = typefaces.SERIF, typefaces.SANS
PAGE_SIZES = {"letter": LETTER, "a4": A4}
DEFAULT_COLOURS = Colours(ink="#1B2A41", accent="#8C6A1F", muted="#5A6270")
"""The certificate template's own defaults, for a course whose template cannot be read."""

_OUTER, _INNER = 18.0, 23.0  # the double rule, in from the page edge
_MARGIN = 48.0
_FOOTER = 40.0


def transcript_pdf(records: Records, badge: str, now: datetime) -> bytes:
    """The PDF transcript of ``badge`` as of ``now``. Raises RecordsError for an unknown
    badge and CertificateError for a character no shipped font can draw."""
    found = transcript(records, badge)
    colours, size = _look(records)
    return render(found, colours, size, now, provider=_provider(records))


def render(
    found: Transcript,
    colours: Colours,
    page_size: tuple[float, float],
    now: datetime,
    *,
    provider: str = "",
) -> bytes:
    typefaces.register()
    styles = _Styles.of(colours)
    name = found.learner.name
    story: list[Flowable] = [
        _p(found.learner.agency.upper(), SANS.name, styles.heading, "the agency"),
        _p("Training Transcript", SERIF.name, styles.title, "the title"),
        _p(name, SERIF.name, styles.name, "the learner's name"),
        HRFlowable(width="100%", thickness=0.8, color=HexColor(colours.accent), spaceAfter=4),
        _p(found.identity(), SANS.name, styles.identity, "the learner's details"),
        _p(
            f"{found.course_title}, version {found.course_version}"
            + (f" · {provider}" if provider else ""),
            SERIF.name,
            styles.course,
            "the course",
        ),
        _p(f"As of {now:%Y-%m-%d %H:%M} UTC", SANS.name, styles.note, "the date"),
        Spacer(1, 10),
    ]
    for track in found.tracks:
        story += _track(track, styles, colours, page_size[0] - 2 * _MARGIN)
    out = io.BytesIO()
    document = BaseDocTemplate(
        out,
        pagesize=page_size,
        invariant=1,
        title=f"Transcript: {name}",
        author=found.learner.agency,
        subject=found.course_title,
        creator="trainer",
        lang="en",
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + _FOOTER / 2,
    )
    frame = Frame(
        document.leftMargin,
        document.bottomMargin,
        document.width,
        document.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    footer = f"Transcript of {name} · badge {found.learner.badge} · {now:%Y-%m-%d}"
    document.addPageTemplates(
        [PageTemplate("transcript", frames=[frame], onPage=lambda c, d: _border(c, d, colours))]
    )
    document.build(story, canvasmaker=_numbered(footer, colours))
    return out.getvalue()


def _track(
    track: TrackTranscript, styles: _Styles, colours: Colours, width: float
) -> list[Flowable]:
    count = len(track.attempts)
    heading = _p(
        f"{track.title} track",
        SERIF.name,
        styles.track,
        "the track's title",
    )
    summary = _p(
        f"{count} attempt{'' if count == 1 else 's'}, {minutes_text(track.time_on_task)} on task",
        SANS.name,
        styles.note,
        "the track's summary",
    )
    parts: list[Flowable] = []
    if track.completions:
        rows = [["Completed (UTC)", "Version", "Valid until", "Certificate"]]
        for done in track.completions:
            rows.append(
                [
                    f"{done.time:%Y-%m-%d %H:%M}",
                    f"{done.version} ({done.content_hash[:12]})",
                    f"{done.valid_until:%Y-%m-%d}" if done.valid_until else "no expiry",
                    done.certificate or "not issued",
                ]
            )
        parts += [_table(rows, [0.22, 0.3, 0.18, 0.3], width, styles, colours), Spacer(1, 6)]
    else:
        parts.append(_p("Not completed.", SANS.name, styles.cell, "a note"))
    if track.attempts:
        rows = [["Started (UTC)", "Module", "Result", "Time", "Seed"]]
        for a in track.attempts:
            rows.append(
                [
                    f"{a.started:%Y-%m-%d %H:%M}",
                    a.module_title,
                    a.result(),
                    minutes_text(a.time_on_task),
                    str(a.seed),
                ]
            )
        parts.append(_table(rows, [0.17, 0.3, 0.25, 0.1, 0.18], width, styles, colours))
    else:
        parts.append(_p("No attempts.", SANS.name, styles.cell, "a note"))
    return [KeepTogether([heading, summary, *parts[:1]]), *parts[1:], Spacer(1, 14)]


def _table(
    rows: Sequence[Sequence[str]],
    shares: Sequence[float],
    width: float,
    styles: _Styles,
    colours: Colours,
) -> Table:
    cells = [
        [
            _p(text, SANS.name, styles.label if r == 0 else styles.cell, "a table cell")
            for text in row
        ]
        for r, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=[width * s for s in shares], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(colours.accent)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, HexColor(colours.muted)),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _p(text: str, family: str, style: ParagraphStyle, what: str) -> Paragraph:
    """A paragraph of plain text: escaped, and set in ``family`` with font fallback."""
    return Paragraph(typeset.plain(text, family, what), style)


class _Styles:
    def __init__(self, **styles: ParagraphStyle) -> None:
        self.heading = styles["heading"]
        self.title = styles["title"]
        self.name = styles["name"]
        self.identity = styles["identity"]
        self.course = styles["course"]
        self.note = styles["note"]
        self.track = styles["track"]
        self.label = styles["label"]
        self.cell = styles["cell"]

    @staticmethod
    def of(colours: Colours) -> _Styles:
        ink, accent, muted = (HexColor(c) for c in (colours.ink, colours.accent, colours.muted))

        def style(name: str, font: str, size: float, colour: Color, **more: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=size,
                leading=more.pop("leading", size * 1.25),
                textColor=colour,
                alignment=more.pop("alignment", TA_LEFT),
                **more,
            )

        return _Styles(
            heading=style("heading", SANS.bold_name, 10, ink, spaceAfter=4),
            title=style("title", SERIF.bold_name, 22, accent, leading=27, spaceAfter=8),
            name=style("name", SERIF.bold_name, 18, ink, leading=23, spaceAfter=2),
            identity=style("identity", SANS.name, 9, muted, spaceAfter=4),
            course=style("course", SERIF.name, 11, ink, spaceAfter=2),
            note=style("note", SANS.name, 8, muted, spaceAfter=4),
            track=style("track", SERIF.bold_name, 13, accent, spaceBefore=4, spaceAfter=1),
            label=style("label", SANS.bold_name, 7.5, muted, leading=9),
            cell=style("cell", SANS.name, 8.5, ink, leading=10.5),
        )


def _border(canvas: Canvas, document: BaseDocTemplate, colours: Colours) -> None:
    width, height = document.pagesize
    canvas.saveState()
    canvas.setStrokeColor(HexColor(colours.accent))
    canvas.setLineWidth(1.6)
    canvas.rect(_OUTER, _OUTER, width - 2 * _OUTER, height - 2 * _OUTER, stroke=1, fill=0)
    canvas.setLineWidth(0.5)
    canvas.rect(_INNER, _INNER, width - 2 * _INNER, height - 2 * _INNER, stroke=1, fill=0)
    canvas.restoreState()


def _numbered(footer: str, colours: Colours) -> type[Canvas]:
    """A canvas that holds its pages back to print 'page N of M' in each footer."""
    runs = typeset.runs(footer, SANS.name, "the footer")

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize  # type: ignore[attr-defined]
            y = _INNER + 9
            self.saveState()
            self.setFillColor(HexColor(colours.muted))
            x = _MARGIN
            for run in runs:
                self.setFont(typefaces.face_of(run.family, False), 7.5)
                self.drawString(x, y, run.text)
                x += typeset.width([run], 7.5, bold=False)
            self.setFont(SANS.name, 7.5)
            self.drawRightString(width - _MARGIN, y, f"page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def _look(records: Records) -> tuple[Colours, tuple[float, float]]:
    """The colours and paper of the first track's certificate template (portrait)."""
    course = records.bundle.course
    _, first = course.tracks.items()[0]
    try:
        template = load_template(template_path(records.bundle.root, first.certificate))
    except CertificateError:
        return DEFAULT_COLOURS, LETTER
    return template.colours, PAGE_SIZES.get(template.page_size, LETTER)


def _provider(records: Records) -> str:
    provider = records.bundle.course.provider
    return f"{provider.name} (provider {provider.number})"
