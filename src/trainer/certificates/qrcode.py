"""The QR code that carries the signed token, drawn as vector squares on the page.

A token is 1.4 to 2.4 thousand characters, which needs a QR code of version 27 to 38
(125 to 169 modules a side) even at error correction level L. Level L is chosen because
the token is signed: a misread is caught by the signature, so the code's room is better
spent on bigger modules than on error correction. Each module is 1.25 pt (0.44 mm; 2.6
pixels in a 150-dpi scan), so the code is 156 to 212 pt a side.

The modules are computed by zxing-cpp's encoder (C++, about 4 ms) rather than ReportLab's
pure-Python one, which takes 0.3 s for a code this size: a class of 500 certificates
would spend two and a half minutes on QR codes alone. The drawing is ours: one path of
rectangles, a run of dark modules per rectangle, written in module units under a scaling
transform, so the page carries small integers instead of thousands of decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import zxingcpp
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates.errors import CertificateError

MODULE = 1.25
"""Points per module."""
QUIET = 4
"""Light modules around the code, as the QR standard asks."""
_DARK_RUN = re.compile(rb"\x00+")


@dataclass(frozen=True)
class QrCode:
    """A QR code's modules: ``rows`` of bytes, 0 for dark, 255 for light, top row first."""

    size: int
    rows: tuple[bytes, ...]

    @property
    def side(self) -> float:
        """The drawn width of the code without its quiet zone, in points."""
        return self.size * MODULE

    @property
    def outer(self) -> float:
        """The drawn width with the quiet zone."""
        return (self.size + 2 * QUIET) * MODULE


def encode(text: str) -> QrCode:
    """The QR code of ``text`` at error correction level L."""
    try:
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    except ValueError as exc:
        raise CertificateError(
            f"the certificate token is too long for a QR code ({len(text):,} characters): {exc}"
        ) from None
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    data = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer, unannotated
    return QrCode(size, tuple(data[row * size : (row + 1) * size] for row in range(size)))


def draw(canvas: Canvas, code: QrCode, x: float, y: float, colour: str = "#000000") -> None:
    """Draw ``code`` with its quiet zone (on white) with its lower left corner at (x, y)."""
    canvas.saveState()
    canvas.setFillColor("#FFFFFF")
    canvas.rect(x, y, code.outer, code.outer, stroke=0, fill=1)
    canvas.translate(x + QUIET * MODULE, y + QUIET * MODULE)
    canvas.scale(MODULE, MODULE)
    canvas.setFillColor(colour)
    top = code.size - 1
    ops: list[str] = []
    for number, row in enumerate(code.rows):
        row_y = f" {top - number} "
        for run in _DARK_RUN.finditer(row):
            start, end = run.span()
            ops.append(f"{start}{row_y}{end - start} 1 re")
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
