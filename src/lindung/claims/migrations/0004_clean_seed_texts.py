"""Seeded texts shown to users no longer cite a research file outside the repository."""

from django.db import migrations

from lindung.core.seed_references import clean_rows


def forwards(apps, schema_editor):
    clean_rows(apps.get_model("claims", "BenefitParameter"), ["note", "regulation"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_jkk_death_components")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
