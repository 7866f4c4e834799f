"""The exchange pages as generic scoped pages: records of another area are 404, read-only
roles are refused, and no value of any query parameter gives anything but the page."""

import csv
import io

import hypothesis
import pytest
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
from lindung.enrollment.models import Membership
from lindung.exchange import bpjs_export, bpjs_status
from lindung.exchange.models import ExchangeImport, ExportBatch, ExportProfile

from .conftest import verified

pytestmark = pytest.mark.django_db


def bridge_import(village: str, name: str = "") -> ExchangeImport:
    """An OpenSID import preview in `village`, with one skipped row and one problem."""
    return ExchangeImport.objects.create(
        kind="opensid",
        state="preview",
        area_id=village,
        file_name=name or f"penduduk-{village.replace('.', '')}.csv",
        sha256="0" * 64,
        report=[
            {
                "skipped": [{"row": 3, "name": "Inaq Sahnun", "reason": "bukan pekerja informal"}],
                "problems": [{"row": 4, "column": "nik", "code": "nik_invalid", "message": "NIK"}],
            }
        ],
        summary={"rows": 2, "candidates": 0, "skipped": 1, "accepted": 0, "rejected": 1},
    )


def batch_in(village: str) -> ExportBatch:
    m = verified(village, 1)
    return ExportBatch.objects.create(
        area_id=village,
        profile=ExportProfile.objects.get(is_default=True),
        file_format="csv",
        row_count=1,
        sha256="1" * 64,
        membership_ids=[m.pk],
    )


class TestImportRecords(ScopedRecordTests, ReadOnlyRoleTests):
    record_urls = ("/pertukaran/impor/{pk}/", "/pertukaran/impor/{pk}/laporan.csv")
    record_post_urls = ("/pertukaran/impor/{pk}/terapkan/",)
    edit_post_urls = (
        "/pertukaran/impor/{pk}/terapkan/",
        "/pertukaran/kobo/",
        "/pertukaran/opensid/",
    )
    list_url = "/pertukaran/"

    def make_record(self, village_code):
        return bridge_import(village_code)

    def record_label(self, record):
        return record.file_name


class TestBatchRecords(ScopedRecordTests):
    record_urls = ("/pertukaran/bpjs/batch/{pk}/",)

    def make_record(self, village_code):
        return batch_in(village_code)


class TestExchangeFilters(ListFilterTests):
    @pytest.fixture(autouse=True)
    def _records(self, users):
        m = verified(testing.VILLAGE_A, 2)
        Membership.objects.filter(pk=m.pk).update(status="diajukan")
        data = f"NIK,NAMA,STATUS\n{m.worker.nik},{m.worker.name},aktif\n9,X,aktip\n".encode()
        status = bpjs_status.preview(users[Role.ADMIN_KABUPATEN], "bpjs.csv", data)
        batch = batch_in(testing.VILLAGE_A)
        self.filter_urls = (
            "/pertukaran/",
            "/pertukaran/bpjs/ekspor/",
            f"/pertukaran/bpjs/batch/{batch.pk}/",
            f"/pertukaran/impor/{status.pk}/",
        )


def test_export_preview_area_outside_the_scope_is_dropped(client, users):
    """`?area=` of another village shows the operator's own rows, with a warning."""
    mine, theirs = verified(testing.VILLAGE_A, 0), verified(testing.VILLAGE_B, 3)
    client.force_login(users[Role.OPERATOR_DESA])
    body = client.get("/pertukaran/bpjs/ekspor/", {"area": testing.VILLAGE_B}).content.decode()
    assert mine.worker.nik in body and theirs.worker.nik not in body
    assert "Wilayah tidak ditemukan di wilayah Anda" in body
    client.force_login(users[Role.ADMIN_KABUPATEN])
    body = client.get("/pertukaran/bpjs/ekspor/", {"area": testing.VILLAGE_B}).content.decode()
    assert theirs.worker.nik in body and mine.worker.nik not in body


def test_status_rows_only_those_needing_a_look(client, users):
    m = verified(testing.VILLAGE_A, 4)
    Membership.objects.filter(pk=m.pk).update(status="diajukan")
    data = f"NIK,NAMA,STATUS\n{m.worker.nik},{m.worker.name},aktif\n9,Amaq Bogel,aktip\n"
    imp = bpjs_status.preview(users[Role.ADMIN_KABUPATEN], "b.csv", data.encode())
    client.force_login(users[Role.ADMIN_KABUPATEN])
    everything = client.get(f"/pertukaran/impor/{imp.pk}/").content.decode()
    assert m.worker.name in everything and "Amaq Bogel" in everything
    problems = client.get(f"/pertukaran/impor/{imp.pk}/", {"tampil": "masalah"}).content.decode()
    assert m.worker.name not in problems.split("<tbody>")[1] and "Amaq Bogel" in problems
    junk = client.get(f"/pertukaran/impor/{imp.pk}/", {"tampil": "semua'"}).content.decode()
    assert "Amaq Bogel" in junk and 'class="msg warning"' in junk


def test_import_report_csv_for_excel(client, users):
    imp = bridge_import(testing.VILLAGE_A)
    client.force_login(users[Role.OPERATOR_DESA])
    url = reverse("exchange:import_report", args=[imp.pk])
    plain = client.get(url).content.decode("utf-8-sig")
    excel = client.get(url, {"pemisah": "titikkoma"}).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(plain))) == ["Baris", "Nama", "Kolom", "Kode", "Keterangan"]
    rows = list(csv.reader(io.StringIO(excel), delimiter=";"))
    assert rows[0] == ["Baris", "Nama", "Kolom", "Kode", "Keterangan"]
    assert rows[1] == ["3", "Inaq Sahnun", "", "dilewati", "bukan pekerja informal"]
    assert ";" not in plain.splitlines()[0]
    # A separator that is not one of the two is the default comma, never an error.
    assert client.get(url, {"pemisah": "tab"}).content.decode("utf-8-sig") == plain
    assert "pemisah=titikkoma" in client.get(f"/pertukaran/impor/{imp.pk}/").content.decode()


def test_import_report_masks_nik_for_camat(client, users):
    m = verified(testing.VILLAGE_A, 5)
    data = f"NIK,NAMA,STATUS\n{m.worker.nik},Nama Lain Sekali,aktip\n".encode()
    imp = bpjs_status.preview(users[Role.ADMIN_KABUPATEN], "b.csv", data)
    ExchangeImport.objects.filter(pk=imp.pk).update(area_id=testing.VILLAGE_A)
    client.force_login(users[Role.CAMAT])
    report = client.get(f"/pertukaran/impor/{imp.pk}/laporan.csv").content.decode("utf-8-sig")
    assert "aktip" in report and m.worker.nik not in report and m.worker.nik[:6] in report
    client.force_login(users[Role.ADMIN_KABUPATEN])
    report = client.get(f"/pertukaran/impor/{imp.pk}/laporan.csv").content.decode("utf-8-sig")
    assert m.worker.nik in report


def test_tampered_confirmations_are_ignored(client, users):
    """`konfirmasi` values that are no row numbers («²», overflowing digits) change nothing."""
    m = verified(testing.VILLAGE_A, 6)
    Membership.objects.filter(pk=m.pk).update(status="diajukan")
    data = f"NIK,NAMA,STATUS\n{m.worker.nik},{m.worker.name},aktif\n".encode()
    imp = bpjs_status.preview(users[Role.PETUGAS_BPJS], "b.csv", data)
    client.force_login(users[Role.PETUGAS_BPJS])
    response = client.post(
        f"/pertukaran/impor/{imp.pk}/terapkan/", {"konfirmasi": ["²", "9" * 40, "x", "-1"]}
    )
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.state == "applied"


# Every GET route of the app, for a role that sees its own village and for the regency
# admin: whatever the parameters, the answer is a page, a redirect, a file or a refusal.
GET_ROUTES = (
    "/pertukaran/",
    "/pertukaran/bpjs/ekspor/",
    "/pertukaran/bpjs/batch/{batch}/",
    "/pertukaran/bpjs/impor/",
    "/pertukaran/opensid/",
    "/pertukaran/opensid/status.xlsx",
    "/pertukaran/kobo/",
    "/pertukaran/kobo/xlsform.xlsx",
    "/pertukaran/impor/{status}/",
    "/pertukaran/impor/{bridge}/",
    "/pertukaran/impor/{status}/laporan.csv",
    "/pertukaran/profil/",
    "/pertukaran/profil/baru/",
    "/pertukaran/profil/{profile}/",
)
NAMES = ("page", "tampil", "area", "ekspor-desa", "pemisah", "urut", "q", "format", "status")
VALUES = st.one_of(
    st.sampled_from(BAD_FILTER_VALUES),
    st.sampled_from((testing.VILLAGE_A, testing.VILLAGE_B, testing.KECAMATAN_B, "masalah")),
    st.integers().map(str),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20),
)


@pytest.mark.parametrize("role", [Role.OPERATOR_DESA, Role.ADMIN_KABUPATEN, Role.VIEWER])
def test_no_parameter_value_gives_a_500(client, users, role):
    m = verified(testing.VILLAGE_A, 7)
    outside = verified(testing.VILLAGE_B, 0)
    data = f"NIK,NAMA,STATUS\n{m.worker.nik},{m.worker.name},aktif\n9,X,aktip\n".encode()
    status = bpjs_status.preview(users[Role.ADMIN_KABUPATEN], "s.csv", data)
    ExchangeImport.objects.filter(pk=status.pk).update(area_id=testing.VILLAGE_A)
    keys = {
        "batch": bpjs_export.export_batch(users[Role.OPERATOR_DESA], _profile()).batch.pk,
        "status": status.pk,
        "bridge": bridge_import(testing.VILLAGE_A).pk,
        "profile": _profile().pk,
    }
    urls = [route.format(**keys) for route in GET_ROUTES]
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
            # Nothing of the other village shows, whatever `area` or `ekspor-desa` says.
            assert outside.worker.nik not in response.content.decode("utf-8", "replace")

    any_parameters()


def _profile():
    return ExportProfile.objects.get(is_default=True)
