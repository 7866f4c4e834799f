"""Who pays a worker's premium. Lives in `workers` so that eligibility (here) and enrollment
(which builds on workers) share it without `workers` importing `enrollment`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingType(models.TextChoices):
    DANA_DESA = "DANA_DESA", _("Dana Desa / APBDes")
    APBD = "APBD", _("APBD Kabupaten")
    DBHCHT = "DBHCHT", _("DBH Cukai Hasil Tembakau")
    APBD_PROVINSI = "APBD_PROVINSI", _("APBD Provinsi")
    CSR = "CSR", _("CSR / donatur")
    MANDIRI = "MANDIRI", _("Mandiri (bayar sendiri)")
