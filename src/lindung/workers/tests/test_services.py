"""Registering, editing, verifying and recording death of workers."""

import datetime as dt

import pytest

from lindung.areas.models import Area
from lindung.core import testing
from lindung.workers import services
from lindung.workers.models import Sector, Worker
from lindung.workers.nik import compose_nik

TODAY = dt.date(2026, 11, 24)
BORN = dt.date(1990, 5, 17)


@pytest.fixture
def village(lotim):
    return Area.objects.get(code=testing.VILLAGE_A)


def data(village, **over):
    base = {
        "nik": compose_nik("52.03.07", BORN, "P", 12),
        "name": "  Baiq   Sumiati ",
        "sex": "",
        "birth_date": None,
        "village": village,
        "address": "Dusun Lendang",
        "phone": "081234567890",
        "sector": Sector.objects.get(code="buruh-tani"),
        "monthly_income": 900_000,
        "poverty_desil": None,
    }
    base.update(over)
    return base


def test_seeded_sectors_follow_the_bupati_order(db):
    prio = dict(Sector.objects.values_list("code", "priority"))
    assert prio["petani-tembakau"] < prio["pelaku-umkm"] < prio["pekerja-dapur-mbg"]
    assert prio["pekerja-dapur-mbg"] < prio["marbot-masjid"] < prio["buruh-tani"]
    for code in ["guru-ngaji", "nelayan", "pedagang", "buruh-harian-lepas", "ojek", "petani"]:
        assert code in prio


def test_register_derives_sex_and_birth_date_from_nik(village):
    outcome = services.register_worker(data(village), today=TODAY)
    w = outcome.worker
    assert (w.sex, w.birth_date) == ("P", BORN)
    assert w.name == "Baiq Sumiati"
    assert w.verification_flags == [] and outcome.warnings == []
    assert w.priority_group == Sector.objects.get(code="buruh-tani").priority


def test_register_flags_entered_values_that_differ_from_nik(village, users):
    other = dt.date(1990, 5, 18)
    outcome = services.register_worker(
        data(village, sex="L", birth_date=other), by=users["operator_desa"], today=TODAY
    )
    w = outcome.worker
    assert (w.sex, w.birth_date) == ("L", other)  # the document's value is kept ...
    assert set(w.verification_flags) == {"nik_birthdate_mismatch", "nik_sex_mismatch"}  # flagged
    messages = [f["message"] for f in w.flag_details]
    assert (
        "Tanggal lahir (18 Mei 1990) berbeda dengan tanggal lahir di NIK (17 Mei 1990)"
        in (messages[0])
    )
    assert w.created_by == users["operator_desa"]
    assert w.history.first().history_user == users["operator_desa"]


def test_nik_from_other_regency_is_flagged_not_rejected(village):
    nik = compose_nik("52.01.01", BORN, "L", 5)
    w = services.register_worker(data(village, nik=nik), today=TODAY).worker
    assert w.verification_flags == ["nik_region_elsewhere"]


def test_invalid_input_lists_every_problem(village):
    with pytest.raises(services.WorkerError) as exc:
        services.register_worker(
            data(village, nik="5.20307E+15", name=" ", poverty_desil=11), today=TODAY
        )
    errors = exc.value.errors
    assert "Teks" in errors["nik"][0]
    assert errors["name"] == ["Nama lengkap wajib diisi."]
    assert errors["poverty_desil"] == ["Desil DTSEN harus antara 1 dan 10."]
    assert not Worker.objects.exists()


def test_duplicate_nik_is_rejected(village):
    services.register_worker(data(village), today=TODAY)
    with pytest.raises(services.WorkerError) as exc:
        services.register_worker(data(village, name="Orang lain"), today=TODAY)
    assert "sudah terdaftar" in exc.value.errors["nik"][0]


def test_village_must_be_a_desa(lotim):
    kecamatan = Area.objects.get(code=testing.KECAMATAN_A)
    with pytest.raises(services.WorkerError) as exc:
        services.register_worker(data(kecamatan), today=TODAY)
    assert "desa atau kelurahan" in exc.value.errors["village"][0]


def test_priority_group_from_sector_and_extreme_poverty(village):
    tobacco = Sector.objects.get(code="petani-tembakau")
    umkm = Sector.objects.get(code="pelaku-umkm")
    assert services.priority_group_for(tobacco, None) == tobacco.priority
    assert services.priority_group_for(umkm, 1) == umkm.priority - 1
    assert services.priority_group_for(umkm, 2) == umkm.priority
    assert services.priority_group_for(tobacco, 1) == 1  # never above the first group
    w = services.register_worker(data(village, sector=umkm, poverty_desil=1), today=TODAY).worker
    assert w.priority_group == umkm.priority - 1


def test_stale_edit_is_refused_and_nothing_is_lost(village, users):
    w = services.register_worker(data(village), today=TODAY).worker
    opened_version = w.version
    services.update_worker(
        w, data(village, address="Dusun Baru"), expected_version=opened_version, today=TODAY
    )
    with pytest.raises(services.StaleEditError) as exc:
        services.update_worker(
            w, data(village, phone="087700000000"), expected_version=opened_version, today=TODAY
        )
    assert "sudah diubah" in str(exc.value) and "BELUM disimpan" in str(exc.value)
    w.refresh_from_db()
    assert w.address == "Dusun Baru" and w.phone == "081234567890"
    assert w.version == opened_version + 1
    assert exc.value.current.version == w.version


def test_edit_after_verification_keeps_it_unless_identity_changes(village, users):
    w = services.register_worker(data(village, birth_date=dt.date(1990, 5, 18)), today=TODAY).worker
    assert w.verification_flags
    w = services.mark_verified(w, by=users["admin_kabupaten"])
    assert w.verification_flags == [] and w.verified_by == users["admin_kabupaten"]
    w = services.update_worker(
        w,
        data(village, birth_date=dt.date(1990, 5, 18), address="RT 02"),
        expected_version=w.version,
        today=TODAY,
    ).worker
    assert w.verification_flags == [] and w.verified_at is not None
    w = services.update_worker(
        w,
        data(village, birth_date=dt.date(1990, 5, 19)),
        expected_version=w.version,
        today=TODAY,
    ).worker
    assert w.verification_flags == ["nik_birthdate_mismatch"]
    assert w.verified_at is None


def test_flags_from_other_apps_survive_edits_and_duplicates_survive_verification(village, users):
    w = services.register_worker(data(village, sex="L"), today=TODAY).worker
    Worker.objects.filter(pk=w.pk).update(
        verification_flags=["possible_duplicate", "income_adjusted", "nik_sex_mismatch"]
    )
    w.refresh_from_db()
    w = services.update_worker(
        w, data(village, sex="P"), expected_version=w.version, today=TODAY
    ).worker
    assert w.verification_flags == ["possible_duplicate", "income_adjusted"]
    details = {f["code"]: f["message"] for f in w.flag_details}
    assert "antrean duplikat" in details["possible_duplicate"]
    w = services.mark_verified(w, by=users["petugas_bpjs"])
    assert w.verification_flags == ["possible_duplicate"]


def test_mark_deceased_validates_and_signals(village, users):
    w = services.register_worker(data(village), today=TODAY).worker
    seen = []

    def receiver(sender, worker, date, by, **kw):
        seen.append((worker.pk, date, by))

    services.worker_deceased.connect(receiver)
    try:
        with pytest.raises(services.WorkerError):
            services.mark_deceased(
                w, TODAY + dt.timedelta(days=1), users["admin_kabupaten"], today=TODAY
            )
        with pytest.raises(services.WorkerError):
            services.mark_deceased(w, dt.date(1980, 1, 1), users["admin_kabupaten"], today=TODAY)
        assert seen == []
        w = services.mark_deceased(w, dt.date(2026, 10, 1), users["admin_kabupaten"], today=TODAY)
    finally:
        services.worker_deceased.disconnect(receiver)
    assert w.deceased_date == dt.date(2026, 10, 1)
    assert seen == [(w.pk, dt.date(2026, 10, 1), users["admin_kabupaten"])]
