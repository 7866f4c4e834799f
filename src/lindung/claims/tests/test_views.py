"""Pages: scoping (404 outside the area), masking, permissions, and the main flows."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.claims.models import Claim, ClaimsSettings, Heir, JkmWaitingVariant
from lindung.claims.models import ClaimStatus as S
from lindung.claims.models import Relationship as R
from lindung.workers import testing
from lindung.workers.nik import compose_nik

from .conftest import make_claim, make_membership


@pytest.fixture
def two_claims(lotim):
    mine = make_claim(make_membership(testing.VILLAGE_A))
    theirs = make_claim(make_membership(testing.VILLAGE_B))
    for claim in (mine, theirs):
        Heir.objects.create(
            claim=claim,
            name="Ahli",
            relationship=R.JANDA,
            nik=compose_nik("52.03.07", dt.date(1990, 1, 1), "P", 77),
        )
    return mine, theirs


def detail_urls(claim):
    h = claim.heirs.first().pk
    base = f"/klaim/{claim.pk}/"
    return [
        ("get", base),
        ("post", base + "status/"),
        ("post", base + "berkas/"),
        ("post", base + "penerima/"),
        ("post", base + "bayar/"),
        ("get", base + "ahli-waris/baru/"),
        ("post", base + "ahli-waris/baru/"),
        ("get", base + f"ahli-waris/{h}/"),
        ("post", base + f"ahli-waris/{h}/"),
        ("post", base + f"ahli-waris/{h}/hapus/"),
    ]


class TestClaimPages(
    testing.ScopedRecordTests,
    testing.ReadOnlyRoleTests,
    testing.MaskedPersonalDataTests,
    testing.ListFilterTests,
):
    record_urls = ("/klaim/{pk}/", "/klaim/{pk}/ahli-waris/baru/")
    record_post_urls = (
        "/klaim/{pk}/status/",
        "/klaim/{pk}/berkas/",
        "/klaim/{pk}/penerima/",
        "/klaim/{pk}/bayar/",
        "/klaim/{pk}/ahli-waris/baru/",
    )
    list_url = "/klaim/"
    edit_urls = ("/klaim/baru/", "/klaim/{pk}/ahli-waris/baru/", "/klaim/lapor-kematian/")
    edit_post_urls = ("/klaim/{pk}/status/", "/klaim/{pk}/berkas/", "/klaim/{pk}/bayar/")
    post_data = {"to": "ditolak", "reason": "x", "name": "Ahli", "relationship": R.JANDA}
    masked_urls = ("/klaim/", "/klaim/{pk}/")
    shows_phone = shows_birth_date = False
    filter_urls = ("/klaim/", "/klaim/meninggal-tanpa-klaim/", "/klaim/rekap/")

    def make_record(self, village_code):
        worker = testing.make_worker(village_code, phone="081234567890")
        return make_claim(make_membership(village_code, worker=worker))

    def person(self, claim):
        return claim.membership.worker

    def record_label(self, claim):
        return claim.membership.worker.name


def test_heirs_of_another_village_are_404_and_unchanged(client, two_claims):
    _, theirs = two_claims
    client.force_login(testing.make_user("operator_desa", testing.VILLAGE_A))
    h = theirs.heirs.first().pk
    base = f"/klaim/{theirs.pk}/ahli-waris/{h}/"
    assert client.get(base).status_code == 404
    assert client.post(base, {"name": "X", "relationship": R.JANDA}).status_code == 404
    assert client.post(base + "hapus/").status_code == 404
    assert Heir.objects.get(pk=h).name == "Ahli"


def test_heir_birth_date_and_nik_masked_on_claim_page(client, two_claims, users):
    mine, _ = two_claims
    heir = mine.heirs.first()
    heir.birth_date = dt.date(1990, 1, 1)
    heir.save()
    client.force_login(users["camat"])
    detail = client.get(f"/klaim/{mine.pk}/").content.decode()
    assert heir.nik not in detail and "1 Jan 1990" not in detail
    client.force_login(users["admin_kabupaten"])
    detail = client.get(f"/klaim/{mine.pk}/").content.decode()
    assert heir.nik in detail and "1 Jan 1990" in detail


def test_heir_of_another_claim_is_404(client, two_claims):
    mine, theirs = two_claims
    client.force_login(testing.make_user("admin_kabupaten", testing.REGENCY))
    other = theirs.heirs.first().pk
    assert client.get(f"/klaim/{mine.pk}/ahli-waris/{other}/").status_code == 404
    assert client.post(f"/klaim/{mine.pk}/ahli-waris/{other}/hapus/").status_code == 404


@pytest.mark.parametrize("url", ["/klaim/", "/klaim/rekap/", "/klaim/meninggal-tanpa-klaim/"])
def test_area_filter_outside_scope_is_dropped_with_a_warning(client, two_claims, users, url):
    mine, theirs = two_claims
    client.force_login(users["operator_desa"])
    response = client.get(url, {"wilayah": testing.VILLAGE_B})
    body = response.content.decode()
    assert response.status_code == 200 and "Wilayah tidak ditemukan di wilayah Anda" in body
    assert theirs.membership.worker.name not in body


def test_create_claim_flow(client, lotim, users):
    m = make_membership(testing.VILLAGE_A)
    stranger = make_membership(testing.VILLAGE_B)
    client.force_login(users["operator_desa"])
    data = {
        "nik": m.worker.nik,
        "claim_type": "JKM",
        "event_date": "2025-06-01",
        "report_date": "2025-06-03",
    }
    bad = client.post("/klaim/baru/", {**data, "nik": stranger.worker.nik})
    assert "tidak ditemukan di antara pekerja wilayah Anda" in bad.content.decode()
    resp = client.post("/klaim/baru/", data)
    claim = Claim.objects.get(membership=m)
    assert resp.status_code == 302 and resp["Location"] == f"/klaim/{claim.pk}/"
    again = client.post("/klaim/baru/", data).content.decode()
    assert "sudah ada" in again
    jht = client.post("/klaim/baru/", {**data, "claim_type": "JHT"}).content.decode()
    assert "tidak ikut program JHT" in jht


def test_prefill_from_worklist(client, lotim, users):
    m = make_membership(testing.VILLAGE_A)
    m.worker.deceased_date = dt.date(2025, 5, 5)
    m.worker.save()
    client.force_login(users["operator_desa"])
    html = client.get(f"/klaim/baru/?kepesertaan={m.pk}").content.decode()
    assert m.worker.nik in html and "2025-05-05" in html
    other = make_membership(testing.VILLAGE_B)
    assert client.get(f"/klaim/baru/?kepesertaan={other.pk}").status_code == 404


def test_heir_form_validates_nik_and_priority_shown(client, two_claims, users):
    mine, _ = two_claims
    client.force_login(users["operator_desa"])
    url = f"/klaim/{mine.pk}/ahli-waris/baru/"
    bad = client.post(url, {"name": "Ibu", "nik": "5.20301E+15", "relationship": "orang_tua"})
    assert "rusak oleh Excel" in bad.content.decode()
    nik = compose_nik("52.03.07", dt.date(1960, 2, 3), "P", 12)
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    ok = client.post(url, {"name": "Ibu", "nik": spaced, "relationship": "orang_tua"})
    assert ok.status_code == 302
    mother = mine.heirs.get(name="Ibu")
    assert mother.nik == nik
    assert mother.birth_date == dt.date(1960, 2, 3)
    dup = client.post(url, {"name": "Lagi", "nik": nik, "relationship": "anak"})
    assert "sudah tercatat" in dup.content.decode()
    # The mother is blocked by the widow: choosing her is refused with the reason.
    resp = client.post(f"/klaim/{mine.pk}/penerima/", {"heir": mother.pk}, follow=True)
    assert "Ibu tidak berhak" in resp.content.decode()
    mine.refresh_from_db()
    assert mine.recipient is None
    page = client.get(f"/klaim/{mine.pk}/").content.decode()
    assert "Terhalang" in page and "tidak berhak" in page


def test_illegal_transition_message_on_page(client, two_claims, users):
    mine, _ = two_claims
    client.force_login(users["petugas_bpjs"])
    resp = client.post(f"/klaim/{mine.pk}/status/", {"to": "diverifikasi"}, follow=True)
    assert "tidak dapat diubah menjadi" in resp.content.decode()
    resp = client.post(f"/klaim/{mine.pk}/status/", {"to": "berkas_lengkap"}, follow=True)
    assert "Berkas belum lengkap" in resp.content.decode()


def test_full_flow_through_pages(client, two_claims, users):
    mine, _ = two_claims
    from lindung.claims.workflow import required_documents

    widow = mine.heirs.first()
    client.force_login(users["operator_desa"])
    client.post(f"/klaim/{mine.pk}/penerima/", {"heir": widow.pk})
    docs = [r.pk for r in required_documents(Claim.objects.get(pk=mine.pk))]
    client.post(f"/klaim/{mine.pk}/berkas/", {"doc": docs})
    client.post(f"/klaim/{mine.pk}/status/", {"to": "berkas_lengkap"})
    client.force_login(users["petugas_bpjs"])
    client.post(f"/klaim/{mine.pk}/status/", {"to": "diverifikasi"})
    mine.refresh_from_db()
    assert mine.status == S.DIVERIFIKASI and mine.amount_computed == 42_000_000
    today = dt.date.today().isoformat()
    resp = client.post(
        f"/klaim/{mine.pk}/bayar/", {"paid_date": today, "amount": 42_000_000}, follow=True
    )
    mine.refresh_from_db()
    assert mine.status == S.DIBAYAR and mine.amount_paid == 42_000_000
    assert "Rp42.000.000" in resp.content.decode()


def test_tampered_document_id_is_refused(client, two_claims, users):
    mine, _ = two_claims
    client.force_login(users["operator_desa"])
    resp = client.post(f"/klaim/{mine.pk}/berkas/", {"doc": ["abc"]}, follow=True)
    assert "tidak valid" in resp.content.decode()
    resp = client.post(f"/klaim/{mine.pk}/berkas/", {"doc": ["999999"]}, follow=True)
    assert "tidak termasuk daftar berkas" in resp.content.decode()
    assert mine.documents.count() == 0


def test_rules_page_shows_contradiction_and_only_admin_changes_it(client, lotim, users):
    client.force_login(users["operator_desa"])
    html = client.get("/klaim/aturan/").content.decode()
    assert "pertanyaan terbuka" in html and "PP 82/2019" in html
    assert client.post("/klaim/aturan/", {"jkm_waiting_variant": "pemakaman"}).status_code == 403
    client.force_login(users["admin_kabupaten"])
    assert client.post("/klaim/aturan/", {"jkm_waiting_variant": "pemakaman"}).status_code == 302
    assert ClaimsSettings.current().jkm_waiting_variant == JkmWaitingVariant.PEMAKAMAN


def test_death_report_and_import_pages(client, lotim, users):
    mine = testing.make_worker(testing.VILLAGE_A)
    theirs = testing.make_worker(testing.VILLAGE_B)
    client.force_login(users["operator_desa"])
    bad = client.post("/klaim/lapor-kematian/", {"nik": theirs.nik, "deceased_date": "2025-01-01"})
    assert "tidak ditemukan" in bad.content.decode()
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad = client.post("/klaim/lapor-kematian/", {"nik": mine.nik, "deceased_date": future})
    assert "masa depan" in bad.content.decode()
    ok = client.post("/klaim/lapor-kematian/", {"nik": mine.nik, "deceased_date": "2025-01-01"})
    assert ok.status_code == 302
    mine.refresh_from_db()
    assert mine.deceased_date == dt.date(2025, 1, 1)
    other = testing.make_worker(testing.VILLAGE_A)
    upload = SimpleUploadedFile(
        "k.csv",
        f"nik;tanggal_meninggal\n{other.nik};2025-02-02\n{theirs.nik};2025-02-02\n".encode(),
    )
    html = client.post("/klaim/impor-kematian/", {"file": upload, "commit": "on"}).content.decode()
    assert "1 pekerja dicatat meninggal" in html and theirs.nik in html
    other.refresh_from_db()
    theirs.refresh_from_db()
    assert other.deceased_date == dt.date(2025, 2, 2) and theirs.deceased_date is None
    junk = SimpleUploadedFile("k.pdf", b"%PDF")
    assert (
        "tidak didukung" in client.post("/klaim/impor-kematian/", {"file": junk}).content.decode()
    )


def test_nav_and_home_card(client, lotim, users):
    client.force_login(users["operator_desa"])
    html = client.get("/").content.decode()
    assert 'href="/klaim/"' in html and "Peserta meninggal tanpa klaim" in html


def test_audit_history_for_claims_and_heirs(client, two_claims, users):
    mine, theirs = two_claims
    client.force_login(users["admin_kabupaten"])
    assert client.get(f"/audit/claims/claim/{mine.pk}/").status_code == 200
    assert client.get(f"/audit/claims/heir/{mine.heirs.first().pk}/").status_code == 200
    client.force_login(testing.make_user("admin_kabupaten", testing.KECAMATAN_A))
    assert client.get(f"/audit/claims/claim/{theirs.pk}/").status_code == 404


def test_deceased_list_page(client, lotim, users):
    m = make_membership(testing.VILLAGE_A)
    m.worker.deceased_date = dt.date.today() - dt.timedelta(days=40)
    m.worker.save()
    client.force_login(users["camat"])
    html = client.get("/klaim/meninggal-tanpa-klaim/").content.decode()
    assert m.worker.name in html and m.worker.nik not in html
    assert re.search(r">\s*40\s*<", html)


@pytest.mark.parametrize(
    "claim_type,outcome,extra",
    [
        ("JKM", "", {}),
        ("JKK", "meninggal", {}),
        ("JKK", "stmb", {"stmb_start": dt.date(2025, 6, 1), "stmb_end": dt.date(2025, 7, 15)}),
        ("JKK", "perawatan", {}),
        ("JHT", "", {}),
    ],
)
def test_detail_renders_every_kind_of_claim(client, lotim, users, claim_type, outcome, extra):
    claim = make_claim(claim_type=claim_type, jkk_outcome=outcome, **extra)
    client.force_login(users["admin_kabupaten"])
    html = client.get(f"/klaim/{claim.pk}/").content.decode()
    assert "Kelengkapan berkas" in html and "Rincian manfaat" in html
    assert ("Ahli waris" in html) is claim.is_death
    if outcome == "stmb":
        assert "STMB 45 hari" in html and "Rp3.000.000" in html  # 2.000.000/30 × 45
    if claim_type == "JHT":
        assert "Saldo JHT" in html


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999"])
def test_bad_prefill_parameter_gives_the_empty_form_with_a_warning(client, lotim, users, value):
    client.force_login(users["operator_desa"])
    response = client.get("/klaim/baru/", {"kepesertaan": value})
    assert response.status_code == 200 and 'class="msg warning"' in response.content.decode()


def test_read_only_roles_cannot_delete_or_edit_an_heir(client, two_claims, users):
    mine, _ = two_claims
    heir = mine.heirs.first()
    for role in ("camat", "viewer"):
        client.force_login(users[role])
        response = client.post(f"/klaim/{mine.pk}/ahli-waris/{heir.pk}/hapus/")
        assert response.status_code == 403 and "hanya dapat melihat" in response.content.decode()
        assert client.get(f"/klaim/{mine.pk}/ahli-waris/{heir.pk}/").status_code == 403
    assert Heir.objects.filter(pk=heir.pk).exists()
    client.force_login(users["operator_desa"])
    response = client.post(f"/klaim/{mine.pk}/ahli-waris/{heir.pk}/hapus/")
    assert response.status_code == 302 and not Heir.objects.filter(pk=heir.pk).exists()
