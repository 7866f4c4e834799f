"""Seed the import rule used when the owning apps have no row of their own.

Age bounds match workers.EligibilityRule's general rule; the income floor is the lowest
income level of the BPU JKK table (Rp1.000.000, JKK Rp10.000; domain-research §1.1).
"""

import datetime as dt

from django.db import migrations

SOURCE = (
    "Usia minimum 15 tahun: penduduk usia kerja/angkatan kerja BPS (domain-research §7.2). "
    "Usia maksimum BPU BELUM TERKONFIRMASI (§3, §9.4: 56 tahun pada 2017, BPJSTK mengusulkan "
    "61) — kosong sampai ada ketentuan resmi. Penghasilan terendah Rp1.000.000 = jenjang "
    "terendah tabel JKK BPU, PP 44/2015 Lampiran II (§1.1; tabel lengkap belum ditemukan, §9.1)."
)


def seed(apps, schema_editor):
    Rule = apps.get_model("imports", "ImportRule")
    if not Rule.objects.exists():
        Rule.objects.create(
            effective_from=dt.date(2015, 7, 1),
            min_age=15,
            max_age=None,
            income_floor=1_000_000,
            regulation=SOURCE,
            note="Dipakai bila workers.EligibilityRule / enrollment.tariffs belum berisi data.",
        )


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
