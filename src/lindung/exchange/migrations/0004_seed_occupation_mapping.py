"""Seed OpenSID's occupation list (codes and names) with the sector each is proposed under."""

from django.db import migrations

from lindung.exchange.opensid_ref import OCCUPATIONS


def seed(apps, schema_editor):
    Mapping = apps.get_model("exchange", "OccupationMapping")
    Sector = apps.get_model("workers", "Sector")
    sectors = {s.code: s for s in Sector.objects.all()}
    for code, name, sector in OCCUPATIONS:
        Mapping.objects.get_or_create(
            name=name, defaults={"code": code, "sector": sectors.get(sector or "")}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_occupation_mapping"),
        ("workers", "0003_seed_sectors_and_eligibility"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
