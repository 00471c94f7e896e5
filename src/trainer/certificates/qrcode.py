"""The QR code that carries the signed token, drawn as one 1-bit image on the page.

A token is about a thousand characters (its payload is compressed), which takes a QR code
of version 20 to 23 (97 to 109 modules a side) at error correction level L. Level L is
chosen because the token is signed: a misread is caught by the signature, so the code's
room is better spent on bigger modules than on error correction. Each module is 1.75 pt
(0.62 mm; 3.6 pixels in a 150-dpi scan), so the code is about 190 pt a side; a longer
token (a course of many modules) keeps the code within 220 pt with smaller modules.

The modules are computed by zxing-cpp's encoder (C++) with the data mask fixed to mask 4,
``(row / 2 + column / 3) mod 2``. The standard has an encoder try all eight masks and keep
the one whose result has the fewest patterns that confuse a scanner (long runs, blocks,
look-alikes of the finder squares); trying them is seven eighths of the encoding time.
A token is base64url text in byte mode, so every token has the same bit structure, and for
it mask 4 is the one that search picks most often and within a few percent of the best
score otherwise (tests/certificates/test_qrcode.py scores all eight on sample tokens).

The code is drawn as an image mask: one bit per module, painted in the ink colour, without
interpolation, scaled to the module size. That is a few hundred bytes to write, where a
vector path is thousands of rectangles, and every viewer draws it with square modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import zxingcpp
from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from trainer.certificates.errors import CertificateError
from trainer.certificates.written import Written

MODULE = 1.75
"""Points per module, for a code of up to 117 modules a side (version 25)."""
MAX_OUTER = 220.0
"""The most a code with its quiet zone may measure across, in points."""
QUIET = 4
"""Light modules around the code, as the QR standard asks."""
MASK = 4
"""The data mask every code is encoded with (see above)."""
_NAME = "TrainerQR"
_BITS = bytes.maketrans(b"\x00\xff", b"01")  # zxing's dark and light pixels as binary digits


@dataclass(frozen=True)
class QrCode:
    """A QR code's modules: ``size`` rows of ``size`` modules, top row first, as the
    samples of a 1-bit image mask (1 for a light module, each row padded to whole bytes)."""

    size: int
    bits: bytes

    @property
    def module(self) -> float:
        """The drawn width of one module, in points."""
        return min(MODULE, MAX_OUTER / (self.size + 2 * QUIET))

    @property
    def side(self) -> float:
        """The drawn width of the code without its quiet zone, in points."""
        return self.size * self.module

    @property
    def quiet(self) -> float:
        """The drawn width of the quiet zone, in points."""
        return QUIET * self.module

    @property
    def outer(self) -> float:
        """The drawn width with the quiet zone."""
        return self.side + 2 * self.quiet

    def dark(self, row: int, column: int) -> bool:
        """Whether the module at ``row`` (from the top) and ``column`` is dark."""
        stride = (self.size + 7) // 8
        return not self.bits[row * stride + column // 8] >> (7 - column % 8) & 1


def encode(text: str) -> QrCode:
    """The QR code of ``text`` at error correction level L."""
    try:
        barcode = zxingcpp.create_barcode(
            text, zxingcpp.BarcodeFormat.QRCode, ec_level="L", data_mask=MASK
        )
    except ValueError as exc:
        raise CertificateError(
            f"the certificate token is too long for a QR code ({len(text):,} characters): {exc}"
        ) from None
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer, unannotated
    pad = b"1" * (-size % 8)
    digits = pad.join(pixels[row * size : (row + 1) * size] for row in range(size)) + pad
    stride = (size + 7) // 8
    return QrCode(size, int(digits.translate(_BITS), 2).to_bytes(stride * size, "big"))


def draw(canvas: Canvas, code: QrCode, x: float, y: float, colour: str = "#000000") -> None:
    """Draw ``code`` with its quiet zone (on white) with its lower left corner at (x, y)."""
    document = canvas._doc  # type: ignore[attr-defined]
    name = document.getXObjectName(_NAME)
    document.Reference(_image(code), name)
    inner = (code.side, 0, 0, code.side, x + code.quiet, y + code.quiet)
    canvas.addLiteral(
        f"q\n1 1 1 rg\n{fp_str(x, y, code.outer, code.outer)} re f\n{_fill(colour)}\n"
        f"{fp_str(*inner)} cm\n/{name} Do\nQ"
    )
    # ReportLab lists on the page the XObjects it drew itself; this one is ours, so the
    # page is told of it as canvas.drawImage tells it of an image.
    canvas._formsinuse.append(_NAME)  # type: ignore[attr-defined]


@lru_cache(maxsize=16)
def _fill(colour: str) -> str:
    return f"{fp_str(*HexColor(colour).rgb())} rg"


def _image(code: QrCode) -> Written:
    """The code as a PDF image XObject: a stencil painted in the current fill colour."""
    head = (
        f"<< /Type /XObject /Subtype /Image /Width {code.size} /Height {code.size} "
        f"/ImageMask true /BitsPerComponent 1 /Interpolate false /Length {len(code.bits)} >>"
    )
    stream = head.encode("ascii") + b"\nstream\n" + code.bits + b"\nendstream\n"
    return Written(stream, indirect=True)
