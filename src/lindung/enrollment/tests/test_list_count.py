"""The worker and membership lists take their row count from the tallies when the filters
allow it; that count always equals the filtered list's own count."""

import datetime as dt
import itertools

import pytest
from django.test import RequestFactory
from django.utils import timezone

from lindung.core import testing
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.enrollment.views import MembershipListView
from lindung.workers.testing import make_worker
from lindung.workers.views import WorkerListView

S = MembershipStatus


@pytest.fixture
def registry(lotim):
    today = timezone.localdate()
    villages = [testing.VILLAGE_A, testing.VILLAGE_A2, testing.VILLAGE_B]
    statuses = [S.DIDATA, S.DIVERIFIKASI, S.AKTIF, S.AKTIF, S.AKTIF, S.NONAKTIF, S.BERAKHIR]
    for i, (village, status) in enumerate(itertools.product(villages, statuses)):
        worker = make_worker(village, verification_flags=["nik_lahir"] if i % 4 == 0 else [])
        Membership.objects.create(
            worker=worker,
            village_id=village,
            status=status,
            declared_income=1_000_000,
            coverage_start=today - dt.timedelta(days=200),
            paid_until=today + dt.timedelta(days=(i * 17) % 120 - 10),
        )
    make_worker(testing.VILLAGE_A)  # a worker without a membership


def counts(view_class, path, user, params):
    request = RequestFactory().get(path, params)
    request.user = user
    view = view_class()
    view.setup(request)
    values = view.filter_values(warn=False)
    return view.known_count(values), view.filtered_queryset().count()


ROLES = ["admin_kabupaten", "camat", "operator_desa", "viewer", "petugas_bpjs"]
AREAS = ["", testing.KECAMATAN_A, testing.VILLAGE_A2, testing.VILLAGE_B]


@pytest.mark.parametrize("role", ROLES)
def test_worker_list_count(registry, users, role):
    tallied = 0
    for area, verification in itertools.product(AREAS, ["", "perlu", "ok"]):
        params = {"wilayah": area, "verifikasi": verification}
        known, actual = counts(WorkerListView, "/pekerja/", users[role], params)
        if known is not None:
            tallied += 1
            assert known == actual, params
    assert tallied >= 4  # the unfiltered list and «perlu verifikasi» are read from the tallies
    known, _actual = counts(WorkerListView, "/pekerja/", users[role], {"q": "Pekerja"})
    assert known is None  # a search is counted


@pytest.mark.parametrize("role", ROLES)
def test_membership_list_count(registry, users, role):
    tallied = 0
    statuses = ["", "pra_aktif", *S.values]
    for area, status, days in itertools.product(AREAS, statuses, ["", "30", "90"]):
        params = {"wilayah": area, "status": status, "habis": days}
        known, actual = counts(MembershipListView, "/kepesertaan/", users[role], params)
        if known is not None:
            tallied += 1
            assert known == actual, params
    assert tallied >= len(AREAS) * (len(statuses) + 2)
    known, _actual = counts(
        MembershipListView, "/kepesertaan/", users[role], {"funding_type": "DANA_DESA"}
    )
    assert known is None
