import datetime as dt

from django.db import migrations

SOURCE = (
    "Kebijakan lokal (bukan regulasi): arahan Bupati Lombok Timur agar tiap desa punya tim "
    "sosialisasi aktif (SE 400.10.2.4/112/PMD/2026, domain-research §5.1); ambang 30 hari "
    "dan jendela atribusi 30 hari dari Disnakertrans."
)


def seed(apps, schema_editor):
    Policy = apps.get_model("outreach", "OutreachPolicy")
    Policy.objects.get_or_create(
        effective_from=dt.date(2025, 1, 1),
        defaults={"inactive_days": 30, "attribution_window_days": 30, "source": SOURCE},
    )


def unseed(apps, schema_editor):
    apps.get_model("outreach", "OutreachPolicy").objects.filter(
        effective_from=dt.date(2025, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
