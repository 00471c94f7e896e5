"""The QR code: its fixed data mask is a good one for tokens, its bits are zxing's
modules, and the PDF holds it as one crisp 1-bit image."""

from __future__ import annotations

import hashlib
import io

import pytest
import zxingcpp
from certificate_support import KEY, make_payload
from pdf_support import shipped_template
from pypdf import PdfReader

from trainer.certificates import qrcode
from trainer.certificates.errors import CertificateError
from trainer.certificates.render import render_pdf
from trainer.certificates.token import sign

Matrix = list[list[bool]]


def modules(text: str, mask: int | None = None) -> Matrix:
    """zxing's modules for ``text`` (True for dark), with the mask given or its own."""
    options = {} if mask is None else {"data_mask": mask}
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="L", **options)
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]
    return [[pixels[r * size + c] == 0 for c in range(size)] for r in range(size)]


def penalty(m: Matrix) -> int:
    """The QR standard's mask penalty (ISO/IEC 18004, 7.8.3), scored as zxing scores it:
    runs of five or more, 2x2 blocks, finder look-alikes, and dark balance."""
    n = len(m)
    score = 0
    for lines in (m, [list(column) for column in zip(*m, strict=True)]):
        for line in lines:
            run = 1
            for i in range(1, n + 1):
                if i < n and line[i] == line[i - 1]:
                    run += 1
                    continue
                score += run - 2 if run >= 5 else 0
                run = 1
            bits = "".join("1" if dark else "0" for dark in line)
            for pattern in ("10111010000", "00001011101"):
                found = bits.find(pattern)
                while found != -1:
                    score += 40
                    found = bits.find(pattern, found + 1)
    for r in range(n - 1):
        for c in range(n - 1):
            if m[r][c] == m[r][c + 1] == m[r + 1][c] == m[r + 1][c + 1]:
                score += 3
    dark = sum(map(sum, m))
    return score + abs(dark * 20 // (n * n) - 10) * 10


def sample_tokens() -> list[str]:
    """Real tokens of three lengths (the payload's seeds and names make them differ)."""
    tokens = []
    for modules_count in (1, 3, 6):
        payload = make_payload(
            learner_name=f"Learner {hashlib.sha256(bytes([modules_count])).hexdigest()[:12]}",
            modules=make_payload().modules[:1] * modules_count,
        )
        tokens.append(sign(payload, KEY))
    return tokens


def test_our_penalty_picks_the_mask_zxing_picks() -> None:
    """The scoring below is the standard's, checked against zxing's own choice."""
    token = sample_tokens()[0]
    scores = [penalty(modules(token, mask)) for mask in range(8)]
    chosen = zxingcpp.create_barcode(token, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    found = zxingcpp.read_barcode(chosen.to_image(scale=3))
    assert found is not None
    assert found.extra["DataMask"] == scores.index(min(scores))


def test_mask_4_scores_within_a_few_percent_of_the_best_for_tokens() -> None:
    for token in sample_tokens():
        scores = [penalty(modules(token, mask)) for mask in range(8)]
        assert scores[qrcode.MASK] <= min(scores) * 1.05, scores
        # ... where the checkerboard mask, say, would be far worse:
        assert scores[0] > min(scores) * 1.1, scores


def test_the_bits_are_zxings_modules_with_mask_4() -> None:
    token = sample_tokens()[1]
    code = qrcode.encode(token)
    expected = modules(token, qrcode.MASK)
    assert code.size == len(expected)
    assert len(code.bits) == (code.size + 7) // 8 * code.size
    assert all(
        code.dark(r, c) == expected[r][c] for r in range(code.size) for c in range(code.size)
    )


def test_a_token_has_big_modules_and_a_long_one_stays_in_its_box() -> None:
    short = qrcode.encode(sign(make_payload(), KEY))
    assert short.module == qrcode.MODULE
    assert short.outer < qrcode.MAX_OUTER
    long = qrcode.encode("x" * 2_500)
    assert long.module < qrcode.MODULE
    assert long.outer == pytest.approx(qrcode.MAX_OUTER)


def test_a_token_too_long_for_any_qr_code_is_a_clear_error() -> None:
    with pytest.raises(CertificateError, match="too long for a QR code"):
        qrcode.encode("x" * 3_000)


def test_the_pdf_holds_the_code_as_a_1_bit_image_mask_without_interpolation() -> None:
    payload = make_payload()
    token = sign(payload, KEY)
    page = PdfReader(io.BytesIO(render_pdf(payload, token, shipped_template()))).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    images = [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 1
    image = images[0]
    code = qrcode.encode(token)
    assert (image["/Width"], image["/Height"]) == (code.size, code.size)
    assert image["/ImageMask"].value is True
    assert image["/BitsPerComponent"] == 1
    assert image["/Interpolate"].value is False
    assert image.get_data() == code.bits
