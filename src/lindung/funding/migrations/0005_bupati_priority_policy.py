"""Priority as the Bupati stated it: tobacco farmers, then UMKM, dapur MBG workers, marbot
masjid (the sector priorities of the workers app); poverty (DTSEN desil) orders people within
a tier; an unknown desil is neutral (between desil 5 and 6), not last.

Tier sizes: one sector tier step (at least 1000) exceeds the widest desil spread (100 - 10),
so sector always outranks desil. The earlier policy (desil before sector) stays, inactive.
"""

from django.db import migrations

POLICY = {
    "code": "bupati-2026",
    "name": "Prioritas Bupati Lombok Timur: tembakau, UMKM, dapur MBG, marbot; desil dalam tingkat",
    "tobacco_sector_codes": ["petani-tembakau", "buruh-tani-tembakau"],
    "tobacco_weight": 0,  # tobacco sectors are priority 1, the top tier already
    "desil_weights": [100, 90, 80, 70, 60, 50, 40, 30, 20, 10],
    "unknown_desil_weight": 55,
    "sector_priority_weights": {
        "1": 50000, "2": 40000, "3": 30000, "4": 20000, "5": 10000,
        "6": 5000, "7": 3000, "8": 2000, "9": 1000,
    },
    "source": (
        "Arahan Bupati Lombok Timur: petani tembakau lebih dulu, lalu pelaku UMKM, pekerja "
        "dapur MBG dan marbot masjid; kemiskinan (desil DTSEN) mengurutkan dalam satu tingkat. "
        "DBHCHT diutamakan untuk petani tembakau (PMK 72/2024). Bobot dapat diubah di admin."
    ),
    "is_active": True,
}


def seed(apps, schema_editor):
    WeightPolicy = apps.get_model("funding", "WeightPolicy")
    WeightPolicy.objects.update_or_create(code=POLICY["code"], defaults=POLICY)
    WeightPolicy.objects.exclude(code=POLICY["code"]).update(is_active=False)


def unseed(apps, schema_editor):
    WeightPolicy = apps.get_model("funding", "WeightPolicy")
    WeightPolicy.objects.filter(code="lotim-2026").update(is_active=True)
    WeightPolicy.objects.filter(code=POLICY["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_commitment_payment")]
    operations = [migrations.RunPython(seed, unseed)]
