"""Seed the default BPJS batch profile: inferred columns (domain-research §8), unconfirmed."""

from django.db import migrations

from lindung.exchange.columns import DEFAULT_COLUMNS, DEFAULT_NOTE, DEFAULT_PROFILE_NAME


def seed(apps, schema_editor):
    ExportProfile = apps.get_model("exchange", "ExportProfile")
    ExportProfile.objects.get_or_create(
        name=DEFAULT_PROFILE_NAME,
        defaults={
            "columns": DEFAULT_COLUMNS,
            "is_default": True,
            "confirmed_by_branch": False,
            "note": DEFAULT_NOTE,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("exchange", "ExportProfile").objects.filter(name=DEFAULT_PROFILE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
