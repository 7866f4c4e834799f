"""Funding pages through the shared view-test mixins, and their query parameters."""

from __future__ import annotations

import hypothesis
import pytest
from django.urls import reverse
from hypothesis import strategies as st

from lindung.accounts.models import Role
from lindung.audit.models import AccessLog
from lindung.core import testing
from lindung.core.filters import current_year
from lindung.core.jobstatus import JobStatus
from lindung.funding import services
from lindung.funding.filters import MAX_ID, IdListField, ScenarioCompareForm
from lindung.funding.models import Scenario

from .conftest import member, source

pytestmark = pytest.mark.django_db


def dana_desa(village: str):
    return source("DANA_DESA", village, name=f"DD {village}", amount=10**7)


def scenario(area: str, *, status: str = JobStatus.DONE, name: str | None = None):
    return Scenario.objects.create(
        name=name or f"Skenario {area}",
        fiscal_year=2026,
        area_id=area,
        weight_policy=services.active_policy(),
        status=status,
    )


class TestSourcePages(testing.ScopedRecordTests, testing.ReadOnlyRoleTests):
    record_urls = (
        "/pendanaan/sumber/{pk}/",
        "/pendanaan/sumber/{pk}/ubah/",
        "/pendanaan/sumber/{pk}/alokasi/",
        "/pendanaan/sumber/{pk}/komitmen/ekspor/",
    )
    edit_urls = ("/pendanaan/sumber/{pk}/ubah/", "/pendanaan/sumber/{pk}/alokasi/")
    list_url = "/pendanaan/"

    def make_record(self, village_code):
        return dana_desa(village_code)

    def record_label(self, record):
        return record.name


class TestCommitmentActions(testing.ScopedRecordTests, testing.ReadOnlyRoleTests):
    record_post_urls = ("/pendanaan/komitmen/{pk}/batal/", "/pendanaan/komitmen/{pk}/dibayar/")
    edit_post_urls = record_post_urls

    def make_record(self, village_code):
        return services.commit(member(village_code), dana_desa(village_code))


class TestScenarioPages(testing.ScopedRecordTests):
    record_urls = (
        "/pendanaan/skenario/{pk}/",
        "/pendanaan/skenario/{pk}/status/",
        "/pendanaan/skenario/{pk}/ekspor/",
    )
    record_post_urls = ("/pendanaan/skenario/{pk}/terapkan/",)
    list_url = "/pendanaan/skenario/"

    def make_record(self, village_code):
        return scenario(village_code)

    def record_label(self, record):
        return record.name


@pytest.mark.usefixtures("lotim")
class TestFundingFilters(testing.ListFilterTests):
    """Every paginated funding page, its parameters from its filter form."""

    @property
    def filter_urls(self):
        if not hasattr(self, "_urls"):
            src = dana_desa(testing.VILLAGE_A)
            sc = scenario(testing.REGENCY)
            self._urls = (
                "/pendanaan/",
                f"/pendanaan/sumber/{src.pk}/",
                f"/pendanaan/sumber/{src.pk}/alokasi/",
                "/pendanaan/perpanjangan/",
                "/pendanaan/skenario/",
                f"/pendanaan/skenario/{sc.pk}/",
            )
        return self._urls


def test_list_pages_expose_their_filter_form(client, users):
    src, sc = dana_desa(testing.VILLAGE_A), scenario(testing.REGENCY)
    client.force_login(users[Role.ADMIN_KABUPATEN])
    for url in (
        "/pendanaan/",
        f"/pendanaan/sumber/{src.pk}/",
        f"/pendanaan/sumber/{src.pk}/alokasi/",
        "/pendanaan/perpanjangan/",
        "/pendanaan/skenario/",
        f"/pendanaan/skenario/{sc.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["filter_form"] is not None, url


@pytest.mark.parametrize("year", ["-1", "0", "99999999999999999999", "abc", "1e9"])
def test_renewal_year_out_of_range_is_the_default_year(client, users, year):
    """`?tahun=-1` once raised «year -1 is out of range»; now the next fiscal year applies."""
    client.force_login(users[Role.ADMIN_KABUPATEN])
    page = client.get("/pendanaan/perpanjangan/", {"tahun": year})
    assert page.status_code == 200
    assert page.context["year"] == current_year() + 1
    assert 'class="msg warning"' in page.content.decode()
    download = client.get("/pendanaan/perpanjangan/ekspor/", {"tahun": year})
    assert download.status_code == 200
    assert f"perlu-diperpanjang-{page.context['year']}-" in download["Content-Disposition"]


def test_renewal_village_outside_area_is_ignored(client, users, other_village_operator):
    mine = member(testing.VILLAGE_A, name="Amaq Ahmad")
    member(testing.VILLAGE_B, name="Inaq Bulan")
    client.force_login(users[Role.OPERATOR_DESA])
    year = mine.paid_until.year + 1
    page = client.get("/pendanaan/perpanjangan/", {"tahun": year, "desa": testing.VILLAGE_B})
    body = page.content.decode()
    assert "Amaq Ahmad" in body and "Inaq Bulan" not in body
    assert "Wilayah tidak ditemukan di wilayah Anda" in body
    page = client.get("/pendanaan/perpanjangan/", {"tahun": year, "desa": testing.VILLAGE_A})
    assert page.context["village"] == testing.VILLAGE_A


def test_source_filters_apply_and_bad_values_are_warnings(client, users):
    dana_desa(testing.VILLAGE_A)
    source("APBD", name="APBD 2027", year=2027)
    client.force_login(users[Role.ADMIN_KABUPATEN])
    body = client.get("/pendanaan/", {"tahun": "2027"}).content.decode()
    assert "APBD 2027" in body and f"DD {testing.VILLAGE_A}" not in body
    body = client.get("/pendanaan/", {"jenis": "DANA_DESA"}).content.decode()
    assert "APBD 2027" not in body and f"DD {testing.VILLAGE_A}" in body
    response = client.get("/pendanaan/", {"tahun": "-1", "jenis": "DANA_DESA"})
    body = response.content.decode()
    # The bad year is dropped with a warning; the good filter still applies.
    assert 'class="msg warning"' in body and "APBD 2027" not in body
    assert f"DD {testing.VILLAGE_A}" in body


def test_exports_offer_csv_for_excel_with_semicolons(client, users):
    src = dana_desa(testing.VILLAGE_A)
    services.commit(member(testing.VILLAGE_A, name="Amaq Ahmad"), src)
    sc = scenario(testing.REGENCY)
    client.force_login(users[Role.ADMIN_KABUPATEN])
    pages = {
        "/pendanaan/": reverse("funding:source_export"),
        f"/pendanaan/sumber/{src.pk}/": reverse("funding:commitment_export", args=[src.pk]),
        "/pendanaan/perpanjangan/": reverse("funding:renewal_export"),
        f"/pendanaan/skenario/{sc.pk}/": reverse("funding:scenario_export", args=[sc.pk]),
    }
    for page, export_url in pages.items():
        body = client.get(page).content.decode()
        assert "CSV untuk Excel" in body, page
        assert "pemisah=titikkoma" in body, page
        response = client.get(export_url, {"pemisah": "titikkoma", "format": "csv"})
        header = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()[0]
        assert ";" in header and "," not in header, export_url
    response = client.get(reverse("funding:source_export"), {"format": "csv"})
    header = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()[0]
    assert "," in header and ";" not in header


def test_export_of_a_junk_format_is_csv_and_logged(client, users):
    src = dana_desa(testing.VILLAGE_A)
    client.force_login(users[Role.ADMIN_KABUPATEN])
    url = reverse("funding:commitment_export", args=[src.pk])
    response = client.get(url, {"format": "99999999999999999999"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    log = AccessLog.objects.get(action="export")
    assert log.what.startswith(f"Komitmen sumber dana {src.pk} (DD {testing.VILLAGE_A}) (CSV)")


def test_compare_keeps_only_finished_scenarios_in_the_users_area(client, users):
    a1, a2 = scenario(testing.VILLAGE_A, name="A satu"), scenario(testing.VILLAGE_A, name="A dua")
    b = scenario(testing.VILLAGE_B, name="B lain")
    running = scenario(testing.VILLAGE_A, status=JobStatus.RUNNING, name="A jalan")
    client.force_login(users[Role.OPERATOR_DESA])
    url = reverse("funding:scenario_compare")
    junk = ["abc", "-3", "99999999999999999999", str(MAX_ID + 1), str(b.pk), str(running.pk)]
    response = client.get(url, {"s": [*junk, str(a1.pk), str(a2.pk)]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A satu" in body and "A dua" in body and "B lain" not in body
    # Only one of the user's finished scenarios left: back to the list with a message.
    response = client.get(url, {"s": [str(a1.pk), str(b.pk)]})
    assert response.status_code == 302 and response["Location"] == reverse("funding:scenario_list")


@hypothesis.given(st.lists(st.one_of(st.text(max_size=25), st.integers().map(str)), max_size=8))
def test_id_list_field_keeps_only_database_ids(values):
    ids = IdListField(max_count=4).clean(values)
    assert len(ids) <= 4 and len(set(ids)) == len(ids)
    assert all(isinstance(i, int) and 0 < i <= MAX_ID for i in ids)
    expected = []
    for v in values:
        if v.isascii() and v.isdecimal() and 0 < int(v) <= MAX_ID and int(v) not in expected:
            expected.append(int(v))
    assert ids == expected[:4]


def test_compare_form_drops_ids_outside_scope(users):
    mine = scenario(testing.VILLAGE_A)
    other = scenario(testing.VILLAGE_B)
    form = ScenarioCompareForm({"s": [str(other.pk), str(mine.pk)]}, user=users["operator_desa"])
    assert form.values["s"] == [mine.pk]


def test_renewal_batch_preview_reads_only_its_form(client, users):
    new = source("DANA_DESA", testing.VILLAGE_A, year=2027, name="DD 2027")
    client.force_login(users[Role.OPERATOR_DESA])
    url = reverse("funding:renewal_batch")
    quiet = client.get(url, {"page": "2", "tahun": "-1"})
    assert quiet.status_code == 200 and not quiet.context["form"].is_bound
    for junk in ("abc", "99999999999999999999", "-1"):
        response = client.get(url, {"source": junk})
        assert response.status_code == 200
        assert response.context["form"].errors and response.context["plan"] is None
    preview = client.get(url, {"source": new.pk, "page": "2"})
    assert preview.context["plan"] is not None


def test_allocation_with_junk_ids_commits_nothing(client, users):
    src = dana_desa(testing.VILLAGE_A)
    ok = member(testing.VILLAGE_A)
    client.force_login(users[Role.OPERATOR_DESA])
    url = reverse("funding:commit_add", args=[src.pk])
    for junk in ("abc", "99999999999999999999", "-1", str(MAX_ID + 1)):
        data = {"m": [str(ok.pk), junk], "start_month": "2026-01", "months": 12}
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "Sebagian peserta yang dipilih tidak dapat didanai" in response.content.decode()
    assert not src.commitments.exists()
    client.post(url, {"m": [str(ok.pk)], "start_month": "2026-01", "months": 12})
    assert src.commitments.get().membership == ok
