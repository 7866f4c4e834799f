"""Seeded texts shown to users no longer cite a research file outside the repository."""

from django.db import migrations

from lindung.core.seed_references import clean_rows


def forwards(apps, schema_editor):
    clean_rows(apps.get_model("funding", "WeightPolicy"), ["source"])


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_bupati_priority_policy")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
