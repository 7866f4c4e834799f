"""Seed grade bands (thresholds not sourced: marked unverified), national targets (§4.2)
and the default coverage settings."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

BAND_SOURCE = (
    "Ambang sementara: nama kategori dari monev UCJ (Lampung Tengah), batas angka TIDAK "
    "ditemukan di sumber resmi (domain-research §4). Ubah di Admin > Kategori cakupan."
)
BANDS = [
    ("sangat_rendah", "Sangat rendah", "0", "#c0392b"),
    ("rendah", "Rendah", "25", "#e67e22"),
    ("sedang", "Sedang", "50", "#f1c40f"),
    ("tinggi", "Tinggi", "75", "#27ae60"),
]
TARGETS = [
    (2025, "32.15", "RPJMN 2025–2029 (Dirjen Bina Bangda Kemendagri, kabaran.id 15 Mei 2025; "
     "domain-research §4.2)"),
    (2026, "34.99", "RKP 2026 (kabaran.id 15 Mei 2025; domain-research §4.2)"),
    (2029, "43.92", "RPJMN 2025–2029 (kabaran.id 15 Mei 2025; domain-research §4.2)"),
    (2045, "99.50", "RPJPN 2025–2045 (ayonusa.com; kabaran.id; domain-research §4.2)"),
]


def seed(apps, schema_editor):
    GradeBand = apps.get_model("coverage", "GradeBand")
    CoverageTarget = apps.get_model("coverage", "CoverageTarget")
    CoverageConfig = apps.get_model("coverage", "CoverageConfig")
    for code, label, low, colour in BANDS:
        GradeBand.objects.get_or_create(
            code=code,
            valid_from=dt.date(2021, 1, 1),
            defaults={
                "label": label,
                "min_percent": Decimal(low),
                "colour": colour,
                "source": BAND_SOURCE,
                "source_verified": False,
            },
        )
    for year, pct, source in TARGETS:
        CoverageTarget.objects.get_or_create(
            area=None,
            year=year,
            defaults={"percent": Decimal(pct), "source": source, "note": "Target nasional"},
        )
    if not CoverageConfig.objects.exists():
        CoverageConfig.objects.create()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
