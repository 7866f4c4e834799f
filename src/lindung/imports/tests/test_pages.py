"""The import pages as generic scoped pages: jobs of another area are 404, read-only roles are
refused, and no value of any query parameter gives anything but the page."""

import hypothesis
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from lindung.accounts.models import Role
from lindung.core import testing
from lindung.core.testing import (
    BAD_FILTER_VALUES,
    ListFilterTests,
    ReadOnlyRoleTests,
    ScopedRecordTests,
)
from lindung.imports.models import ImportJob, PossibleDuplicate
from lindung.workers.testing import make_worker

from .helpers import csv_bytes, person
from .test_views import _pair

pytestmark = pytest.mark.usefixtures("setup_import", "inline_jobs")


def checked_job(village: str, name: str = "") -> ImportJob:
    """A checked file of `village` (status «Siap disimpan») with one error and one warning."""
    return ImportJob.objects.create(
        original_name=name or f"daftar-{village.replace('.', '')}.csv",
        area_id=village,
        status=ImportJob.Status.VALIDATED,
        rows=2,
        accepted=1,
        rejected=1,
        result={
            "headers": ["NIK", "Nama Lengkap"],
            "errors": [{"row": 3, "column": "NIK", "code": "nik_invalid", "message": "galat-x"}],
            "warnings": [{"row": 2, "column": "No HP", "code": "phone", "message": "saran-y"}],
            "error_count": 1,
        },
    )


JOB_PAGES = ("/impor/{pk}/", "/impor/{pk}/kemajuan/", "/impor/{pk}/pemetaan/")


class TestJobRecords(ScopedRecordTests):
    record_urls = JOB_PAGES
    edit_urls = JOB_PAGES  # every job page is for roles that import
    record_post_urls = ("/impor/{pk}/simpan/",)
    list_url = "/impor/"

    def make_record(self, village_code):
        return checked_job(village_code)

    def record_label(self, record):
        return record.original_name


class TestReadOnlyRoles(ReadOnlyRoleTests):
    edit_urls = ("/impor/", "/impor/{pk}/pemetaan/")
    edit_post_urls = ("/impor/{pk}/simpan/",)

    def make_record(self, village_code):
        return checked_job(village_code)


class TestImportFilters(ListFilterTests):
    @pytest.fixture(autouse=True)
    def _records(self, users):
        job = checked_job(testing.VILLAGE_A)
        self.filter_urls = ("/impor/", "/impor/duplikat/", f"/impor/{job.pk}/")


def test_problem_kind_and_a_bad_kind(client, users):
    job = checked_job(testing.VILLAGE_A)
    client.force_login(users[Role.OPERATOR_DESA])
    errors = client.get(f"/impor/{job.pk}/").content.decode()
    assert "galat-x" in errors and "saran-y" not in errors
    warnings = client.get(f"/impor/{job.pk}/", {"jenis": "warnings"}).content.decode()
    assert "saran-y" in warnings and "galat-x" not in warnings
    junk = client.get(f"/impor/{job.pk}/", {"jenis": "semua", "page": "-3"}).content.decode()
    assert "galat-x" in junk and 'class="msg warning"' in junk


def test_duplicate_queue_by_status(client, users):
    pair = _pair()
    client.force_login(users[Role.OPERATOR_DESA])
    assert "Baiq Nurul Hidayat" in client.get("/impor/duplikat/").content.decode()
    PossibleDuplicate.objects.filter(pk=pair.pk).update(status=PossibleDuplicate.Status.DISTINCT)
    assert "Baiq Nurul Hidayat" not in client.get("/impor/duplikat/").content.decode()
    distinct = client.get("/impor/duplikat/", {"status": "distinct"}).content.decode()
    assert "Baiq Nurul Hidayat" in distinct
    junk = client.get("/impor/duplikat/", {"status": "' OR 1=1 --"}).content.decode()
    assert "Baiq Nurul Hidayat" not in junk and 'class="msg warning"' in junk


# Every GET route of the app: whatever the parameters, the answer is a page, a redirect, a
# file or a refusal, and a village operator never sees a NIK of another village.
GET_ROUTES = (
    "/impor/",
    "/impor/templat.xlsx",
    "/impor/{job}/",
    "/impor/{job}/kemajuan/",
    "/impor/{job}/pemetaan/",
    "/impor/{job}/laporan/",
    "/impor/duplikat/",
    "/impor/duplikat/{pair}/",
)
NAMES = ("page", "jenis", "status", "urut", "q", "wilayah", "format", "pemisah")
VALUES = st.one_of(
    st.sampled_from(BAD_FILTER_VALUES),
    st.sampled_from(("errors", "warnings", "open", "merged", "distinct", testing.VILLAGE_B)),
    st.integers().map(str),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20),
)


@pytest.mark.parametrize("role", [Role.OPERATOR_DESA, Role.ADMIN_KABUPATEN, Role.VIEWER])
def test_no_parameter_value_gives_a_500(client, users, role, django_capture_on_commit_callbacks):
    pair = _pair()
    outside = make_worker(testing.VILLAGE_B)
    client.force_login(users[Role.OPERATOR_DESA])
    rows = [person(serial=21), person(serial=22, **{"Nama Lengkap": ""})]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/impor/", {"file": SimpleUploadedFile("d.csv", csv_bytes(rows))})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED
    urls = [route.format(job=job.pk, pair=pair.pk) for route in GET_ROUTES]
    client.force_login(users[role])

    @hypothesis.given(
        url=st.sampled_from(urls),
        params=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4),
    )
    @hypothesis.settings(max_examples=60, deadline=None, database=None)
    def any_parameters(url, params):
        query: dict[str, list[str]] = {}
        for name, value in params:
            query.setdefault(name, []).append(value)
        response = client.get(url, query)
        assert response.status_code in (200, 302, 403), (url, query)
        if role == Role.OPERATOR_DESA and response.status_code == 200:
            assert outside.nik not in response.content.decode("utf-8", "replace")

    any_parameters()
    assert reverse("imports:report", args=[job.pk]) in urls
