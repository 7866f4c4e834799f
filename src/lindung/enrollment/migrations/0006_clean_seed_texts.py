"""Seeded texts shown to users no longer cite a research file outside the repository."""

from django.db import migrations

from lindung.core.seed_references import clean_rows


def forwards(apps, schema_editor):
    clean_rows(apps.get_model("enrollment", "TariffVersion"), ["note", "source"])
    clean_rows(
        apps.get_model("enrollment", "DiscountProgramme"),
        ["condition_note", "open_question", "source"],
    )
    clean_rows(apps.get_model("enrollment", "LapseRule"), ["open_question", "source"])


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0005_lapse_rule_reading")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
