"""Stored notes in the wording regency staff read: no research references or site names."""

from django.db import migrations

from lindung.core.neutral import neutral_rows

MODELS = ['coverage.CoverageConfig', 'coverage.CoverageTarget', 'coverage.GradeBand']


def forwards(apps, schema_editor):
    neutral_rows(apps, MODELS)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0004_file_retention")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
