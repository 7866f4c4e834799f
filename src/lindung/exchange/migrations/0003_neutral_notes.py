"""Stored notes in the wording regency staff read: no research references or site names."""

from django.db import migrations

from lindung.core.neutral import neutral_rows

MODELS = ['exchange.ExportProfile']


def forwards(apps, schema_editor):
    neutral_rows(apps, MODELS)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_default_export_profile")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
