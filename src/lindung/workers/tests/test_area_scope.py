import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.accounts.models import Role
from lindung.accounts.scoping import area_q, scoped
from lindung.core import testing
from lindung.workers.models import Worker
from lindung.workers.testing import make_worker


@pytest.fixture
def workers(lotim):
    return {
        code: make_worker(code, nik=f"52030701019{i:05d}")
        for i, code in enumerate(
            [testing.VILLAGE_A, testing.VILLAGE_A2, testing.VILLAGE_B], start=1
        )
    }


@pytest.mark.parametrize(
    ("role", "area", "seen"),
    [
        (Role.OPERATOR_DESA, testing.VILLAGE_A, {testing.VILLAGE_A}),
        (Role.CAMAT, testing.KECAMATAN_A, {testing.VILLAGE_A, testing.VILLAGE_A2}),
        (
            Role.ADMIN_KABUPATEN,
            testing.REGENCY,
            {testing.VILLAGE_A, testing.VILLAGE_A2, testing.VILLAGE_B},
        ),
    ],
)
def test_scope_keeps_the_records_of_the_area_and_below(workers, role, area, seen):
    user = testing.make_user(role, area)
    assert {w.village_id for w in scoped(Worker.objects.all(), user)} == seen


def test_a_village_is_matched_by_equality_so_its_index_serves_it(workers):
    # With "= code OR LIKE 'code.%'" SQLite scanned the whole list's sort index (by name) to
    # find one village's rows: 36 ms of 20k workers, growing with the regency.
    user = testing.make_user(Role.OPERATOR_DESA, testing.VILLAGE_A)
    with CaptureQueriesContext(connection) as queries:
        list(scoped(Worker.objects.order_by("name"), user))
    sql = queries.captured_queries[-1]["sql"]
    assert "LIKE" not in sql.upper()
    assert f"\"village_id\" = '{testing.VILLAGE_A}'" in sql
    # A kecamatan still reaches the villages below it.
    assert "startswith" in str(area_q("village", testing.KECAMATAN_A))
