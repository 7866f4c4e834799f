"""BPJSTK "jenis kepesertaan" codes for vulnerable-worker wadah (docs/domain.md, PROBIS p.67).

SC korporasi/UMB, SB perbankan/UMB, SG pemerintah, SD desa (APBDes), SA desa (APBD),
SL desa (dana lain). The mapping to our funding types is the one the PROBIS booklet implies; a
source may choose any allowed code (e.g. an APBD budget for village workers uses SA).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WadahCode(models.TextChoices):
    SC = "SC", _("SC – Korporasi/UMB (CSR)")
    SB = "SB", _("SB – Perbankan/UMB")
    SG = "SG", _("SG – Pemerintah")
    SD = "SD", _("SD – Desa (APBDes)")
    SA = "SA", _("SA – Desa (APBD)")
    SL = "SL", _("SL – Desa (dana lain)")


# funding type -> (default code, allowed codes). MANDIRI is paid by the worker: no wadah.
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    "DANA_DESA": ("SD", ("SD", "SL")),
    "APBD": ("SG", ("SG", "SA")),
    "DBHCHT": ("SG", ("SG", "SA")),
    "APBD_PROVINSI": ("SG", ("SG", "SA")),
    "CSR": ("SC", ("SC", "SB", "SL")),
    "MANDIRI": ("", ()),
}


def default_code(funding_type: str) -> str:
    return ALLOWED.get(funding_type, ("", ()))[0]


def allowed_codes(funding_type: str) -> tuple[str, ...]:
    return ALLOWED.get(funding_type, ("", ()))[1]
