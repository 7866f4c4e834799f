"""funding 0008 moves stored scenario statuses to the shared job vocabulary, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lindung.core import testing
from lindung.funding import services
from lindung.funding.models import Scenario

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("funding", "0007_neutral_notes")
AFTER = ("funding", "0008_job_status_vocabulary")
OLD_TO_NEW = {"antre": "queued", "berjalan": "running", "selesai": "done", "gagal": "failed"}


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _stored() -> dict[str, str]:
    return dict(Scenario.objects.values_list("name", "status"))


def test_scenario_statuses_convert_forward_and_back(lotim):
    _migrate(BEFORE)
    # Rows as the old code stored them (the column is unchanged, only its values).
    for old in OLD_TO_NEW:
        Scenario.objects.create(
            name=old,
            fiscal_year=2026,
            area_id=testing.REGENCY,
            weight_policy=services.active_policy(),
            status=old,
        )
    try:
        _migrate(AFTER)
        assert _stored() == OLD_TO_NEW

        _migrate(BEFORE)
        assert _stored() == {old: old for old in OLD_TO_NEW}
    finally:
        _migrate(AFTER)  # later tests expect the latest schema
