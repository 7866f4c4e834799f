"""Seed the default priority weights: tobacco first, then poverty desil, then sector priority.

Order from domain-research §5.2 (DBHCHT "first to tobacco farmers", Dinsos Tegal; Bupati Lombok
Timur's 17 ribu petani tembakau) and the sector priorities seeded by the workers app. Tier sizes:
the tobacco bonus (100000) exceeds the largest desil + sector sum (1000 + 90), and one desil step
(100) exceeds the largest sector weight (90), so the order is lexicographic per person.
"""

from django.db import migrations

POLICY = {
    "code": "lotim-2026",
    "name": "Prioritas Lombok Timur: tembakau, desil, sektor",
    "tobacco_sector_codes": ["petani-tembakau", "buruh-tani-tembakau"],
    "tobacco_weight": 100000,
    # desil 1 (poorest) .. 10
    "desil_weights": [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100],
    "unknown_desil_weight": 50,
    # workers.Sector.priority (1 = first) -> weight
    "sector_priority_weights": {str(p): 100 - 10 * p for p in range(1, 10)},
    "source": (
        "domain-research §5.2 (DBHCHT diutamakan untuk petani tembakau; PMK 72/2024), §7.2 "
        "(target 17 ribu petani tembakau), prioritas sektor dari data sektor pekerjaan. "
        "Bobot dapat diubah di admin."
    ),
}


def seed(apps, schema_editor):
    WeightPolicy = apps.get_model("funding", "WeightPolicy")
    WeightPolicy.objects.update_or_create(code=POLICY["code"], defaults=POLICY)


def unseed(apps, schema_editor):
    apps.get_model("funding", "WeightPolicy").objects.filter(code=POLICY["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
