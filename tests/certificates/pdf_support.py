"""Looking at a certificate PDF as a person and a phone would: its text, its fonts, its
page as pixels, and the QR code read back from those pixels."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from trainer.certificates.template import CertificateTemplate, load_template, template_path

REPO = Path(__file__).resolve().parents[2]


def shipped_template() -> CertificateTemplate:
    return load_template(template_path(REPO, "completion"))


def text_of(pdf: bytes) -> str:
    """The page's text as pypdf extracts it, NFKC-normalised: Arabic presentation forms
    (the shaped letters drawn) read back as the letters typed."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return unicodedata.normalize("NFKC", page.extract_text())


def fonts_of(pdf: bytes) -> set[str]:
    """The base names of the fonts the page uses, without subset prefixes."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]).split("+")[-1].lstrip("/") for f in fonts.values()}


def page_image(pdf: bytes, dpi: int, folder: Path) -> Image.Image:
    """The page rendered at ``dpi``: by poppler's pdftoppm when installed (CI installs it),
    else by pdfium (pypdfium2)."""
    path = folder / "certificate.pdf"
    path.write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is not None:
        subprocess.run(
            [pdftoppm, "-png", "-r", str(dpi), "-singlefile", str(path), str(folder / "page")],
            check=True,
            capture_output=True,
        )
        return Image.open(folder / "page.png")
    try:
        import pypdfium2
    except ImportError:  # pragma: no cover - the test group installs it
        pytest.skip("neither pdftoppm nor pypdfium2 is installed to render the page")
    document = pypdfium2.PdfDocument(pdf)
    image: Image.Image = document[0].render(scale=dpi / 72).to_pil()
    return image


def qr_texts(image: Image.Image) -> list[str]:
    """The text of every QR code zxing-cpp finds in ``image``."""
    return [
        found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]
