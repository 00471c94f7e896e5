"""The certificates layer is headless: a verifier needs no terminal toolkit."""

from __future__ import annotations

import subprocess
import sys


def test_importing_certificates_loads_no_click_or_textual() -> None:
    code = (
        "import sys, trainer.certificates, trainer.certificates.verify, "
        "trainer.certificates.facts; "
        "print(sorted(m for m in ('click', 'textual') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
