import io

import pytest
from django.urls import reverse

from lindung.audit.models import AccessLog
from lindung.core import testing
from lindung.core.jobstatus import JobStatus
from lindung.funding import services
from lindung.funding.models import Commitment, FundingSource, Scenario

from .conftest import member, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(users, other_village_operator):
    dd_a = source("DANA_DESA", testing.VILLAGE_A, name="DD Danggen Timur", amount=10**7)
    dd_b = source("DANA_DESA", testing.VILLAGE_B, name="DD Tanjung Luar", amount=10**7)
    apbd = source("APBD", name="APBD Kabupaten", amount=10**8)
    ma = member(testing.VILLAGE_A, name="Amaq Ahmad")
    mb = member(testing.VILLAGE_B, name="Inaq Bulan")
    ca = services.commit(ma, dd_a)
    cb = services.commit(mb, dd_b)
    return {"dd_a": dd_a, "dd_b": dd_b, "apbd": apbd, "ma": ma, "mb": mb, "ca": ca, "cb": cb}


def _login(client, user):
    client.force_login(user)
    return client


def test_operator_sees_own_dana_desa_and_regency_sources_read_only(client, users, data):
    op = _login(client, users["operator_desa"])
    html = op.get(reverse("funding:source_list")).content.decode()
    assert "DD Danggen Timur" in html and "APBD Kabupaten" in html
    assert "DD Tanjung Luar" not in html
    assert "diperdebatkan" in html  # Dana Desa legal note
    detail = op.get(reverse("funding:source_detail", args=[data["apbd"].pk])).content.decode()
    assert "hanya dapat melihat" in detail and "Amaq Ahmad" not in detail
    assert op.get(reverse("funding:source_edit", args=[data["apbd"].pk])).status_code == 403
    assert op.get(reverse("funding:commit_add", args=[data["apbd"].pk])).status_code == 403
    assert op.get(reverse("funding:commit_add", args=[data["dd_a"].pk])).status_code == 200


def test_other_village_records_are_404(client, data, other_village_operator):
    op = _login(client, other_village_operator)
    for name in ("source_detail", "source_edit", "commit_add", "commitment_export"):
        assert op.get(reverse(f"funding:{name}", args=[data["dd_a"].pk])).status_code == 404
    for name in ("commitment_cancel", "commitment_paid"):
        assert op.post(reverse(f"funding:{name}", args=[data["ca"].pk])).status_code == 404
    assert Commitment.objects.get(pk=data["ca"].pk).status == "dialokasikan"


def test_regency_source_commitments_scoped_for_camat(client, users, data):
    mb2 = member(testing.VILLAGE_B, name="Lalu Bayan")
    ma2 = member(testing.VILLAGE_A2, name="Baiq Aminah")
    services.commit_many([mb2, ma2], data["apbd"])
    camat = _login(client, users["camat"])
    html = camat.get(reverse("funding:source_detail", args=[data["apbd"].pk])).content.decode()
    assert "Baiq Aminah" in html and "Lalu Bayan" not in html
    assert camat.get(reverse("funding:source_create")).status_code == 403


def test_operator_cannot_create_regency_budget_but_can_create_own_dana_desa(client, users, lotim):
    op = _login(client, users["operator_desa"])
    form = {
        "name": "DD 2027", "source_type": "APBD", "fiscal_year": 2027, "start_month": "2027-01",
        "months": 12, "owner_area": testing.VILLAGE_A, "amount": 5_000_000, "is_active": "on",
    }  # fmt: skip
    resp = op.post(reverse("funding:source_create"), form)
    assert resp.status_code == 200 and not FundingSource.objects.exists()
    form["source_type"] = "DANA_DESA"
    resp = op.post(reverse("funding:source_create"), form)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    src = FundingSource.objects.get()
    assert src.wadah_code == "SD" and src.owner_area_id == testing.VILLAGE_A
    form["owner_area"] = testing.VILLAGE_B  # outside their area: not even a choice
    assert op.post(reverse("funding:source_create"), form).status_code == 200
    assert FundingSource.objects.count() == 1


def test_source_form_validation_messages(client, users, lotim):
    admin = _login(client, users["admin_kabupaten"])
    form = {
        "name": "APBD", "source_type": "APBD", "fiscal_year": 2026, "start_month": "2026-06",
        "months": 9, "owner_area": testing.VILLAGE_A, "amount": 1, "wadah_code": "SD",
    }  # fmt: skip
    html = admin.post(reverse("funding:source_create"), form).content.decode()
    assert "melewati Desember" in html
    assert "tidak cocok dengan jenis sumber" in html
    assert "tidak dipakai untuk" in html


def test_commit_via_page_refuses_overcommitment(client, users, lotim):
    src = source("DANA_DESA", testing.VILLAGE_A, amount=16_800 * 12)
    a, b = member(), member()
    op = _login(client, users["operator_desa"])
    url = reverse("funding:commit_add", args=[src.pk])
    resp = op.post(url, {"m": [a.pk, b.pk], "start_month": "2026-01", "months": 12}, follow=True)
    assert "Anggaran tidak cukup" in resp.content.decode()
    assert not Commitment.objects.exists()
    resp = op.post(url, {"m": [a.pk], "start_month": "2026-01", "months": 12})
    assert resp.status_code == 302
    assert Commitment.objects.get().cost == 12 * 16_800


def test_exports_scoped_logged_and_formula_safe(client, users, data):
    w = data["ma"].worker
    w.name = '=HYPERLINK("http://x")'
    w.save()
    viewer = testing.make_user("viewer", testing.VILLAGE_A)
    c = _login(client, viewer)
    resp = c.get(reverse("funding:commitment_export", args=[data["dd_a"].pk]))
    body = b"".join(resp.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert w.nik not in body  # viewers get masked NIK
    assert "Inaq Bulan" not in body
    assert AccessLog.objects.filter(user=viewer, action="export").count() == 1
    xlsx = c.get(reverse("funding:commitment_export", args=[data["dd_a"].pk]) + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    # XLSX: a text cell as typed, no apostrophe; never a formula.
    assert ('=HYPERLINK("http://x")', "s") in {(c.value, c.data_type) for c in cells}
    assert all(c.data_type != "f" for c in cells)
    src_csv = b"".join(c.get(reverse("funding:source_export")).streaming_content).decode()
    assert "DD Danggen Timur" in src_csv and "DD Tanjung Luar" not in src_csv


def test_renewal_pages(client, users, data):
    op = _login(client, users["operator_desa"])
    html = op.get(reverse("funding:renewal_due") + "?tahun=2027").content.decode()
    assert "Amaq Ahmad" in html and "Inaq Bulan" not in html
    new = source("DANA_DESA", testing.VILLAGE_A, year=2027, amount=10**7, name="DD 2027")
    preview = op.get(reverse("funding:renewal_batch") + f"?source={new.pk}&previous_type=DANA_DESA")
    assert "Amaq Ahmad" in preview.content.decode()
    assert Commitment.objects.filter(source=new).count() == 0
    resp = op.post(reverse("funding:renewal_batch"), {"source": new.pk, "previous_type": ""})
    assert resp.status_code == 302
    assert Commitment.objects.filter(source=new, membership=data["ma"]).count() == 1
    # Another village's source is not a choice for this operator.
    resp = op.post(reverse("funding:renewal_batch"), {"source": data["dd_b"].pk})
    assert (
        resp.status_code == 200
        and not Commitment.objects.filter(source=data["dd_b"], membership=data["ma"]).exists()
    )


def test_scenario_pages_run_compare_and_scope(client, users, data, other_village_operator):
    admin = _login(client, users["admin_kabupaten"])
    for name, cut in (("Dasar", ""), ("APBD dipotong 20%", "20")):
        resp = admin.post(
            reverse("funding:scenario_list"),
            {"name": name, "fiscal_year": 2026, "cut_percent": "0", "cut_APBD": cut},
        )
        assert resp.status_code == 302
    base, cut = Scenario.objects.order_by("pk")
    assert cut.type_cuts == {"APBD": "20"} and base.status == JobStatus.DONE
    html = admin.get(reverse("funding:scenario_detail", args=[base.pk])).content.decode()
    assert "Siapa masuk" in html and "greedy" in html
    # The policy's effect: its tiers, tobacco before UMKM.
    assert "Urutan prioritas" in html
    assert html.index("Petani tembakau") < html.index("Pelaku UMKM / usaha mikro")
    cmp = admin.get(reverse("funding:scenario_compare") + f"?s={base.pk}&s={cut.pk}")
    assert cmp.status_code == 200 and "APBD dipotong 20%" in cmp.content.decode()
    status = admin.get(reverse("funding:scenario_status", args=[base.pk]))
    assert status["HX-Refresh"] == "true"
    _login(client, other_village_operator)
    for name in ("scenario_detail", "scenario_status", "scenario_export"):
        assert client.get(reverse(f"funding:{name}", args=[base.pk])).status_code == 404
    assert client.post(reverse("funding:scenario_apply", args=[base.pk])).status_code == 404


def test_viewer_cannot_run_scenarios(client, users, lotim):
    _login(client, users["viewer"])
    resp = client.post(
        reverse("funding:scenario_list"), {"name": "x", "fiscal_year": 2026, "cut_percent": "0"}
    )
    assert resp.status_code == 403
