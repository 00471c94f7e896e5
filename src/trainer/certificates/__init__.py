"""Certificates: what is certified, signed with the agency's Ed25519 key, and verified.

Headless: no Textual, no click. The PDF that shows a certificate to people is built on
this; the signed token is what makes it trustworthy. The PDF modules are imported from
their own names (``trainer.certificates.render``, ``.template``, ``.pdffile``), not from
here, so that verifying a token never loads ReportLab.
"""

from trainer.certificates.errors import CertificateError, TemplateError
from trainer.certificates.keys import (
    SigningKey,
    Trust,
    export_public,
    init_keys,
    keys_dir,
    load_key_file,
    load_signing_key,
    load_trust,
)
from trainer.certificates.numbers import new_number, normalize_number
from trainer.certificates.payload import AttemptSeed, CertificatePayload, ModuleScore
from trainer.certificates.revocation import Revocation, RevocationList, load_list, revoke
from trainer.certificates.token import read_token, sign
from trainer.certificates.verify import Verdict, verify

__all__ = [
    "AttemptSeed",
    "CertificateError",
    "CertificatePayload",
    "ModuleScore",
    "Revocation",
    "RevocationList",
    "SigningKey",
    "TemplateError",
    "Trust",
    "Verdict",
    "export_public",
    "init_keys",
    "keys_dir",
    "load_key_file",
    "load_list",
    "load_signing_key",
    "load_trust",
    "new_number",
    "normalize_number",
    "read_token",
    "revoke",
    "sign",
    "verify",
]
