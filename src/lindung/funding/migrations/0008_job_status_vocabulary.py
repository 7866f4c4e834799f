"""Scenario statuses move to the shared job vocabulary (lindung.core.jobstatus): the stored
Indonesian codes become the English ones reports and imports already store."""

from django.db import migrations, models

# Old stored value -> new stored value.
RENAMES = {"antre": "queued", "berjalan": "running", "selesai": "done", "gagal": "failed"}


def _rename(apps, mapping: dict[str, str]) -> None:
    scenario = apps.get_model("funding", "Scenario")
    for old, new in mapping.items():
        scenario.objects.filter(status=old).update(status=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMES)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [("funding", "0007_neutral_notes")]

    operations = [
        migrations.AlterField(
            model_name="scenario",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Menunggu"),
                    ("running", "Sedang diproses"),
                    ("done", "Selesai"),
                    ("failed", "Gagal"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
