"""Seeded texts shown to users no longer cite a research file outside the repository."""

from django.db import migrations

from lindung.core.seed_references import clean_rows


def forwards(apps, schema_editor):
    clean_rows(apps.get_model("workers", "Sector"), ["description"])
    clean_rows(apps.get_model("workers", "EligibilityRule"), ["source", "note"])


class Migration(migrations.Migration):
    dependencies = [("workers", "0007_eligibility_override")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
