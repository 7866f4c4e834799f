"""Texts seeded into rule tables are shown to users: they never cite files outside the repo."""

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

SHOWN = [
    ("workers", "Sector", ["description"]),
    ("workers", "EligibilityRule", ["source", "note"]),
    ("claims", "BenefitParameter", ["note", "regulation"]),
    ("enrollment", "TariffVersion", ["note", "source"]),
    ("enrollment", "DiscountProgramme", ["condition_note", "open_question", "source"]),
    ("enrollment", "LapseRule", ["open_question", "source"]),
    ("funding", "WeightPolicy", ["source"]),
]


@pytest.mark.parametrize(("app", "model", "fields"), SHOWN)
def test_seeded_texts_cite_no_file_outside_the_repository(app, model, fields):
    rows = list(apps.get_model(app, model).objects.all())
    assert rows
    for row in rows:
        for name in fields:
            text = getattr(row, name) or ""
            for marker in ("domain-research", "riset domain", "anchors", "§", "ref §"):
                assert marker not in text.lower(), (model, name, text)
