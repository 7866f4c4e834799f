"""Stored notes in the wording regency staff read: no research references or site names."""

from django.db import migrations

from lindung.core.neutral import neutral_rows

MODELS = ['enrollment.DiscountProgramme', 'enrollment.IncomeBracket', 'enrollment.LapseRule', 'enrollment.TariffVersion']


def forwards(apps, schema_editor):
    neutral_rows(apps, MODELS)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0006_clean_seed_texts")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
