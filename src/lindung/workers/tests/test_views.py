"""Worker pages: scoping, masking per role, form messages, export, home card and worklist."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lindung.accounts.masking import mask_nik, mask_phone
from lindung.audit.models import AccessLog
from lindung.enrollment.models import Membership
from lindung.workers import testing
from lindung.workers.models import Sector, Worker
from lindung.workers.nik import compose_nik


@pytest.fixture
def pair(lotim):
    """One worker in the operator's village, one in another kecamatan's village."""
    mine = testing.make_worker(testing.VILLAGE_A, name="Inaq Mine", phone="081234567890")
    other = testing.make_worker(testing.VILLAGE_B, name="Amaq Other", phone="081299998888")
    return mine, other


def login(client, user):
    client.force_login(user)
    return client


# --- scoping ---------------------------------------------------------------------------------


class TestWorkerPages(
    testing.ScopedRecordTests,
    testing.ReadOnlyRoleTests,
    testing.MaskedPersonalDataTests,
    testing.ListFilterTests,
):
    record_urls = ("/pekerja/{pk}/", "/pekerja/{pk}/ubah/")
    record_post_urls = ("/pekerja/{pk}/verifikasi/", "/pekerja/{pk}/meninggal/")
    list_url = "/pekerja/"
    edit_urls = ("/pekerja/tambah/", "/pekerja/{pk}/ubah/")
    edit_post_urls = ("/pekerja/{pk}/verifikasi/", "/pekerja/{pk}/meninggal/")
    post_data = {"version": 1, "deceased_date": "2026-01-01"}
    masked_urls = ("/pekerja/", "/pekerja/{pk}/")
    filter_urls = ("/pekerja/",)

    def make_record(self, village_code):
        worker = testing.make_worker(village_code, phone="081234567890")
        worker.verification_flags = ["nik_birthdate_mismatch"]
        worker.save()
        return worker

    def record_label(self, worker):
        return worker.name


def test_list_never_shows_other_villages(client, users, pair):
    login(client, users["operator_desa"])
    body = client.get("/pekerja/").content.decode()
    assert "Inaq Mine" in body and "Amaq Other" not in body
    # Not even when asking for the other village explicitly, or searching its NIK.
    body = client.get("/pekerja/", {"wilayah": testing.VILLAGE_B}).content.decode()
    assert "Amaq Other" not in body
    body = client.get("/pekerja/", {"q": pair[1].nik}).content.decode()
    assert "Amaq Other" not in body


def test_admin_list_has_both_and_filters_by_area(client, users, pair):
    login(client, users["admin_kabupaten"])
    body = client.get("/pekerja/").content.decode()
    assert "Inaq Mine" in body and "Amaq Other" in body
    body = client.get("/pekerja/", {"wilayah": testing.KECAMATAN_B}).content.decode()
    assert "Amaq Other" in body and "Inaq Mine" not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_never_includes_other_villages_and_is_logged(client, users, pair, fmt):
    login(client, users["operator_desa"])
    response = client.get(f"/pekerja/ekspor.{fmt}")
    assert response.status_code == 200
    names = [row[1] for row in _export_rows(response, fmt)[1:]]
    assert names == ["Inaq Mine"]
    log = AccessLog.objects.get()
    assert log.action == "export" and log.record_count == 1
    assert log.user == users["operator_desa"] and log.area_code == testing.VILLAGE_A


def _export_rows(response, fmt):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,masked",
    [("admin_kabupaten", False), ("operator_desa", False), ("camat", True), ("viewer", True)],
)
def test_export_masks_per_role(client, users, pair, role, masked):
    mine, _ = pair
    login(client, users[role])
    rows = _export_rows(client.get("/pekerja/ekspor.csv"), "csv")
    row = next(r for r in rows if r[1] == "Inaq Mine")
    assert row[0] == (mask_nik(mine.nik) if masked else mine.nik)
    assert row[8] == (mask_phone(mine.phone) if masked else mine.phone)


def test_masked_role_sees_age_not_birth_date_and_no_nik_dates_in_flags(client, users, lotim):
    worker = testing.make_worker(testing.VILLAGE_A, birth_date=dt.date(1985, 3, 14))
    worker.birth_date = dt.date(1986, 4, 15)  # differs from the NIK: a flag naming both dates
    worker.verification_flags = ["nik_birthdate_mismatch"]
    worker.save()
    login(client, users["camat"])
    for url in ["/pekerja/", f"/pekerja/{worker.pk}/"]:
        body = client.get(url).content.decode()
        assert "Mar 1985" not in body and "Apr 1986" not in body, url
        assert "tahun" in body
    login(client, users["admin_kabupaten"])
    body = client.get(f"/pekerja/{worker.pk}/").content.decode()
    assert "15 Apr 1986" in body and "14 Mar 1985" in body


def test_login_required(client, pair):
    response = client.get("/pekerja/")
    assert response.status_code == 302 and "/masuk/" in response["Location"]


# --- forms -----------------------------------------------------------------------------------


def _form(**over):
    base = {
        "nik": "5203 0757 0590 0012",
        "name": "Baiq Sumiati",
        "sex": "",
        "birth_date": "",
        "village": testing.VILLAGE_A,
        "address": "Dusun Lendang",
        "phone": "+62 812-3456-7890",
        "sector": Sector.objects.get(code="buruh-tani").pk,
        "monthly_income": "900000",
        "poverty_desil": "",
    }
    base.update(over)
    return base


def test_create_derives_from_nik_and_normalises(client, users, lotim):
    login(client, users["operator_desa"])
    response = client.post("/pekerja/tambah/", _form())
    worker = Worker.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerja/{worker.pk}/"
    assert worker.nik == "5203075705900012"
    assert (worker.sex, worker.birth_date) == ("P", dt.date(1990, 5, 17))
    assert worker.phone == "081234567890"
    assert worker.created_by == users["operator_desa"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("nik", "5.20307E+15", "Format kolom NIK sebagai Teks"),
        ("nik", "520307", "NIK harus 16 digit angka (ditemukan: 520307)"),
        ("nik", "5203073205900012", "Tanggal lahir di dalam NIK tidak valid (32-05-90)"),
        ("nik", "5203075705900000", "tidak boleh 0000"),
        ("phone", "12345", "Nomor HP tidak valid"),
        ("poverty_desil", "11", "Desil DTSEN harus antara 1 dan 10."),
        ("name", "", "Bidang ini tidak boleh kosong."),
    ],
)
def test_form_validation_messages(client, users, lotim, field, value, message):
    login(client, users["operator_desa"])
    response = client.post("/pekerja/tambah/", _form(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Worker.objects.exists()


def test_operator_cannot_pick_another_village(client, users, lotim):
    login(client, users["operator_desa"])
    page = client.get("/pekerja/tambah/").content.decode()
    assert testing.VILLAGE_A in page and testing.VILLAGE_A2 not in page
    response = client.post("/pekerja/tambah/", _form(village=testing.VILLAGE_B))
    assert "village" in response.context["form"].errors
    assert not Worker.objects.exists()


def test_duplicate_nik_message(client, users, lotim):
    testing.make_worker(testing.VILLAGE_B, nik="5203075705900012", sex="P")
    login(client, users["operator_desa"])
    response = client.post("/pekerja/tambah/", _form())
    assert "sudah terdaftar" in " ".join(response.context["form"].errors["nik"])
    assert Worker.objects.count() == 1


def test_mismatch_is_saved_with_warning_and_verified_by_editor(client, users, lotim):
    login(client, users["operator_desa"])
    response = client.post("/pekerja/tambah/", _form(birth_date="1990-05-18"), follow=True)
    worker = Worker.objects.get()
    assert worker.verification_flags == ["nik_birthdate_mismatch"]
    assert "perlu verifikasi" in response.content.decode()
    login(client, users["petugas_bpjs"])
    client.post(f"/pekerja/{worker.pk}/verifikasi/", {"version": worker.version})
    worker.refresh_from_db()
    assert worker.verification_flags == [] and worker.verified_by == users["petugas_bpjs"]


def test_stale_edit_shows_message_and_keeps_input(client, users, lotim):
    worker = testing.make_worker(testing.VILLAGE_A, name="Amaq Lama")
    login(client, users["operator_desa"])
    stale_version = worker.version
    worker.address = "Diubah orang lain"
    worker.version += 1
    worker.save()
    data = _form(nik=worker.nik, name="Amaq Baru", version=stale_version)
    response = client.post(f"/pekerja/{worker.pk}/ubah/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "sudah diubah" in body and "Diubah orang lain" in body
    assert 'value="Amaq Baru"' in body  # the operator's typing is still in the form
    worker.refresh_from_db()
    assert worker.name == "Amaq Lama"
    # Saving again after seeing the newer data succeeds.
    data["version"] = worker.version
    assert client.post(f"/pekerja/{worker.pk}/ubah/", data).status_code == 302
    worker.refresh_from_db()
    assert worker.name == "Amaq Baru" and worker.version == stale_version + 2


def test_mark_deceased_from_detail(client, users, pair):
    mine, _ = pair
    login(client, users["operator_desa"])
    client.post(f"/pekerja/{mine.pk}/meninggal/", {"deceased_date": "2026-01-05"})
    mine.refresh_from_db()
    assert mine.deceased_date == dt.date(2026, 1, 5)
    body = client.get(f"/pekerja/{mine.pk}/").content.decode()
    assert "Meninggal" in body and "meninggal pada 5 Jan 2026" in body


# --- filters, export safety, detail content --------------------------------------------------


def test_filters_sector_status_funding_priority_search(client, users, lotim):
    tobacco = Sector.objects.get(code="petani-tembakau")
    a = testing.make_worker(name="Petani Satu", sector=tobacco, priority_group=tobacco.priority)
    b = testing.make_worker(name="Buruh Dua")
    Membership.objects.create(
        worker=a, village_id=a.village_id, declared_income=1_000_000, funding_type="DBHCHT"
    )
    login(client, users["admin_kabupaten"])

    def names(**params):
        page = client.get("/pekerja/", params).context["page"]
        return {w.name for w in page.object_list}

    assert names(sektor="petani-tembakau") == {"Petani Satu"}
    assert names(status="didata") == {"Petani Satu"}
    assert names(status="belum") == {"Buruh Dua"}
    assert names(dana="DBHCHT") == {"Petani Satu"}
    assert names(prioritas=tobacco.priority) == {"Petani Satu"}
    assert names(q="buruh") == {"Buruh Dua"}
    assert names(q=b.nik) == {"Buruh Dua"}
    assert names(q=b.nik[:10]) == {"Buruh Dua", "Petani Satu"}  # NIK prefix search
    assert names(q="tidak ada") == set()
    assert "Tidak ada pekerja yang cocok" in client.get("/pekerja/", {"q": "zzz"}).content.decode()


def test_pagination(client, users, lotim):
    for i in range(53):
        testing.make_worker(name=f"Pekerja {i:02d}")
    login(client, users["admin_kabupaten"])
    first = client.get("/pekerja/").context["page"]
    assert len(first.object_list) == 50 and first.paginator.num_pages == 2
    second = client.get("/pekerja/", {"page": 2}).context["page"]
    assert len(second.object_list) == 3


def test_export_is_formula_safe_and_keeps_nik_as_text(client, users, lotim):
    testing.make_worker(name='=HYPERLINK("http://x")', address="+62 jalan", phone="+6281234567")
    login(client, users["admin_kabupaten"])
    rows = _export_rows(client.get("/pekerja/ekspor.csv"), "csv")
    assert rows[1][1].startswith("'=") and rows[1][7].startswith("'+")
    assert isinstance(rows[1][0], str) and len(rows[1][0]) == 16
    # XLSX: text cells as typed (no apostrophe a person would see), never formulas.
    response = client.get("/pekerja/ekspor.xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    row = [(c.value, c.data_type) for c in sheet[2]]
    assert row[1] == ('=HYPERLINK("http://x")', "s") and row[7] == ("+62 jalan", "s")
    assert row[8] == ("+6281234567", "s") and row[0][1] == "s" and len(row[0][0]) == 16


def test_detail_shows_flags_eligibility_and_memberships(client, users, lotim):
    woman_nik = compose_nik("52.03.07", dt.date(1985, 3, 14), "P", 77)
    worker = testing.make_worker(nik=woman_nik, sex="L", verification_flags=["nik_sex_mismatch"])
    Membership.objects.create(
        worker=worker, village_id=worker.village_id, declared_income=1_000_000, funding_type="APBD"
    )
    login(client, users["operator_desa"])
    body = client.get(f"/pekerja/{worker.pk}/").content.decode()
    # The message is rebuilt from the current data, naming both values.
    assert "Tandai terverifikasi" in body
    assert "Jenis kelamin (laki-laki) berbeda dengan yang tersirat di NIK (perempuan)" in body
    assert "bukan sasaran DBH Cukai Hasil Tembakau" in body  # buruh tani vs DBHCHT
    assert "APBD Kabupaten" in body and "Didata" in body


def test_rules_page_shows_sources(client, users, lotim):
    login(client, users["viewer"])
    body = client.get("/pekerja/aturan-kelayakan/").content.decode()
    assert (
        "PMK 72/2024" in body and "tanpa batas maksimum" in body and "Masih diperdebatkan" in body
    )


# --- home card and worklist ------------------------------------------------------------------


def test_home_card_counts_only_the_area(client, users, pair):
    testing.make_worker(testing.VILLAGE_A, verification_flags=["possible_duplicate"])
    login(client, users["operator_desa"])
    cards = client.get("/").context["cards"]
    card = next(c for c in cards if c["label"] == "Pekerja terdata")
    assert card["value"] == "2" and card["note"] == "1 perlu verifikasi"
    login(client, users["admin_kabupaten"])
    card = next(c for c in client.get("/").context["cards"] if c["label"] == "Pekerja terdata")
    assert card["value"] == "3"


def test_worklist_section_lists_flagged_workers_in_scope(client, users, pair):
    mine, other = pair
    for w in (mine, other):
        w.verification_flags = ["possible_duplicate"]
        w.save()
    from lindung.areas.models import Area
    from lindung.workers.providers import verification_worklist

    (section,) = verification_worklist(
        users["operator_desa"], Area.objects.get(code=testing.VILLAGE_A)
    )
    assert section["count"] == 1
    assert [r["label"] for r in section["rows"]] == ["Inaq Mine"]
    assert section["rows"][0]["url"] == f"/pekerja/{mine.pk}/"
    # A regency-wide user asking about another kecamatan's area still sees only that area.
    (section,) = verification_worklist(
        users["admin_kabupaten"], Area.objects.get(code=testing.KECAMATAN_B)
    )
    assert [r["label"] for r in section["rows"]] == ["Amaq Other"]
    assert "verifikasi=perlu" in section["more_url"] and testing.KECAMATAN_B in section["more_url"]


def test_worklist_rows_are_sorted_before_their_villages_are_read(users, pair):
    """The flagged workers are read without their area joined: PostgreSQL, expecting few of
    them, read the area table once per flagged worker of the village before sorting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindung.areas.models import Area
    from lindung.workers.providers import verification_worklist

    mine, _other = pair
    mine.verification_flags = ["possible_duplicate"]
    mine.save()
    village = Area.objects.get(code=testing.VILLAGE_A)
    with CaptureQueriesContext(connection) as queries:
        (section,) = verification_worklist(users["operator_desa"], village)
    assert section["rows"][0]["detail"].startswith(village.name + ": ")
    rows_read = [q["sql"] for q in queries.captured_queries if 'FROM "workers_worker"' in q["sql"]]
    assert rows_read and all('JOIN "areas_area"' not in sql for sql in rows_read)


def test_nav_has_pekerja(client, users, lotim):
    login(client, users["viewer"])
    body = client.get("/").content.decode()
    assert 'href="/pekerja/"' in body


def test_nik_compose_helper_used_in_form_is_valid():
    # Guard for the fixture NIK used by the form tests above.
    assert compose_nik("52.03.07", dt.date(1990, 5, 17), "P", 12) == "5203075705900012"


@pytest.mark.parametrize("value", testing.BAD_FILTER_VALUES)
@pytest.mark.parametrize("name", ["q", "wilayah", "sektor", "status", "dana", "prioritas"])
def test_export_with_bad_filters_is_the_unfiltered_scoped_list(client, users, pair, name, value):
    login(client, users["operator_desa"])
    response = client.get("/pekerja/ekspor.csv", {name: value})
    assert response.status_code == 200
    names = [row[1] for row in _export_rows(response, "csv")[1:]]
    assert "Amaq Other" not in names


@pytest.mark.parametrize(
    "value,separator", [("titikkoma", ";"), ("koma", ","), ("tab", ","), ("x" * 5000, ",")]
)
def test_export_separator_is_a_validated_parameter(client, users, pair, value, separator):
    login(client, users["operator_desa"])
    response = client.get("/pekerja/ekspor.csv", {"pemisah": value})
    assert response.status_code == 200
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith(f'"NIK"{separator}"Nama"{separator}')


def test_list_offers_csv_for_excel_with_the_filters(client, users, pair):
    login(client, users["operator_desa"])
    body = client.get("/pekerja/", {"q": "Inaq"}).content.decode()
    assert "/pekerja/ekspor.csv?q=Inaq&amp;pemisah=titikkoma" in body
