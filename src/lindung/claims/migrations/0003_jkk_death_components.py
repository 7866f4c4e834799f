"""JKK death from a work accident: the fixed amounts beside 48 × income, as dated rules.

PP 44/2015 Lampiran III (manfaat JKK, santunan kematian dan biaya pemakaman) and the same
annex as replaced by PP 82/2019: santunan berkala 24 months paid at once, and funeral costs.
The 48 × multiplier applies to the income contributions are paid on (the Lampiran II bracket).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

PP44 = "PP 44/2015 Lampiran III (berlaku 1 Jul 2015)"
PP82 = "PP 82/2019 Lampiran III (perubahan PP 44/2015), ditetapkan 2 Des 2019"
ROWS = [
    ("jkk_death_periodic", "JKK meninggal: santunan berkala 24 × Rp200.000 (sekaligus)",
     4_800_000, dt.date(2015, 7, 1), PP44, ""),
    ("jkk_death_periodic", "JKK meninggal: santunan berkala 24 × Rp500.000 (sekaligus)",
     12_000_000, dt.date(2019, 12, 2), PP82, ""),
    ("jkk_death_funeral", "JKK meninggal: biaya pemakaman", 3_000_000, dt.date(2015, 7, 1),
     PP44, ""),
    ("jkk_death_funeral", "JKK meninggal: biaya pemakaman", 10_000_000, dt.date(2019, 12, 2),
     PP82, ""),
]
MULTIPLIER_NOTE = (
    "Dikalikan penghasilan dasar iuran menurut jenjang Lampiran II (penghasilan yang "
    "dilaporkan di bawah jenjang terendah dibulatkan ke jenjang itu). Batas minimum santunan "
    "kematian JKK belum dikonfirmasi dari teks lampiran; lihat docs/domain.md."
)


def seed(apps, schema_editor):
    BenefitParameter = apps.get_model("claims", "BenefitParameter")
    for code, label, value, start, regulation, note in ROWS:
        BenefitParameter.objects.update_or_create(
            code=code,
            effective_from=start,
            defaults={"label": label, "value": Decimal(value), "unit": "Rp",
                      "regulation": regulation, "note": note},
        )  # fmt: skip
    BenefitParameter.objects.filter(code="jkk_death_multiplier").update(
        label="JKK meninggal: kelipatan penghasilan dasar iuran", note=MULTIPLIER_NOTE
    )


def unseed(apps, schema_editor):
    BenefitParameter = apps.get_model("claims", "BenefitParameter")
    BenefitParameter.objects.filter(code__in=["jkk_death_periodic", "jkk_death_funeral"]).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_seed_rules"), ("enrollment", "0003_seed_tariffs")]
    operations = [migrations.RunPython(seed, unseed)]
