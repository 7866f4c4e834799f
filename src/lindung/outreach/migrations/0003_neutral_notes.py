"""Stored notes in the wording regency staff read: no research references or site names."""

from django.db import migrations

from lindung.core.neutral import neutral_rows

MODELS = ['outreach.OutreachPolicy']


def forwards(apps, schema_editor):
    neutral_rows(apps, MODELS)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_seed_policy")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
