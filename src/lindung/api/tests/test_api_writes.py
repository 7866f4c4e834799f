"""Write endpoints call the apps' services: same validation, messages and lifecycle rules."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.enrollment.models import Membership
from lindung.enrollment.tariffs import monthly_contribution
from lindung.funding.models import FundingSource
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

from .conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url, body, user, method="post"):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **bearer(user)
    )


def test_worker_create_and_update_with_version(client, users):
    op = users["operator_desa"]
    nik = compose_nik(testing.VILLAGE_A[:8], dt.date(1988, 8, 8), "P", 77)
    body = {"nik": nik, "name": "Baiq  Maryam", "village": testing.VILLAGE_A,
            "sector": "buruh-tani", "phone": "081234567890"}  # fmt: skip
    created = post(client, "/api/v1/workers/", body, op)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["name"] == "Baiq Maryam" and data["sex"] == "P"
    assert data["birth_date"] == "1988-08-08" and data["version"] == 1
    again = post(client, "/api/v1/workers/", body, op)
    assert again.status_code == 422 and "sudah terdaftar" in again.json()["errors"]["nik"][0]
    bad = post(client, "/api/v1/workers/", {**body, "nik": "52030748"}, op)
    assert bad.status_code == 422 and "nik" in bad.json()["errors"]
    outside = post(client, "/api/v1/workers/", {**body, "village": testing.VILLAGE_B}, op)
    assert outside.status_code == 422 and "village" in outside.json()["errors"]
    url = f"/api/v1/workers/{data['id']}"
    ok = post(client, url, {"version": 1, "address": "Dusun Lauk"}, op, "patch")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = post(client, url, {"version": 1, "address": "Dusun Daya"}, op, "patch")
    assert stale.status_code == 409 and "sudah diubah" in stale.json()["detail"]
    assert Worker.objects.get(pk=data["id"]).address == "Dusun Lauk"


def test_membership_lifecycle_through_api(client, users):
    worker = testing.make_worker(testing.VILLAGE_A)
    op, petugas = users["operator_desa"], users["petugas_bpjs"]
    created = post(
        client, "/api/v1/memberships/",
        {"worker_id": worker.pk, "declared_income": 1_000_000, "funding_type": "DANA_DESA"}, op,
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["status"] == "didata"
    mid = created.json()["id"]
    twice = post(client, "/api/v1/memberships/", {"worker_id": worker.pk,
                                                  "declared_income": 1_000_000}, op)  # fmt: skip
    assert twice.status_code == 422 and "masih berjalan" in twice.json()["detail"]
    url = f"/api/v1/memberships/{mid}/transition"
    refused = post(client, url, {"to_status": "diverifikasi"}, op)
    assert refused.status_code == 403
    illegal = post(client, url, {"to_status": "aktif"}, petugas)
    assert illegal.status_code == 409 and "tidak dapat diubah" in illegal.json()["detail"]
    for step in ("diverifikasi", "diajukan"):
        assert post(client, url, {"to_status": step}, petugas).status_code == 200
    unpaid = post(client, url, {"to_status": "aktif"}, petugas)
    assert unpaid.status_code == 422 and "pembayaran" in unpaid.json()["detail"]
    paid = post(
        client,
        "/api/v1/contributions/",
        {"membership_id": mid, "months": 1, "paid_on": timezone.localdate().isoformat()},
        op,
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["amount"] == paid.json()["expected_amount"] > 0
    active = post(client, url, {"to_status": "aktif", "kpj": "23005551234"}, petugas)
    assert active.status_code == 200
    assert active.json()["kpj"] == "23005551234" and active.json()["bpjs_registered"] is True


def test_quote_matches_tariff_tables(client, users):
    day = dt.date(2026, 3, 1)
    body = client.get(
        "/api/v1/contributions/quote",
        {"income": 2_000_000, "on": day.isoformat(), "with_jht": "true"},
        **bearer(users["viewer"]),
    ).json()
    expected = monthly_contribution(2_000_000, day, with_jht=True)
    assert body["total"] == expected.total and body["jkk"] == expected.jkk
    assert body["tariff_regulation"] == expected.tariff_regulation


def test_funding_sources_and_commitments(client, users):
    op = users["operator_desa"]
    year = timezone.localdate().year
    body = {"name": "Dana Desa Danggen Timur", "source_type": "DANA_DESA", "fiscal_year": year,
            "start_month": f"{year}-01-01", "months": 12, "owner_area": testing.VILLAGE_A,
            "amount": 500_000}  # fmt: skip
    created = post(client, "/api/v1/funding/sources", body, op)
    assert created.status_code == 201, created.content
    assert created.json()["wadah_code"] == "SD"
    apbd = post(client, "/api/v1/funding/sources",
                {**body, "source_type": "APBD", "owner_area": testing.REGENCY}, op)  # fmt: skip
    assert apbd.status_code == 422
    src = created.json()["id"]
    workers = [testing.make_worker(testing.VILLAGE_A) for _ in range(3)]
    members = [
        Membership.objects.create(worker=w, village_id=w.village_id, declared_income=10**6)
        for w in workers
    ]
    over = post(client, "/api/v1/funding/commitments",
                {"source_id": src, "membership_ids": [m.pk for m in members]}, op)  # fmt: skip
    assert over.status_code == 409 and "Anggaran tidak cukup" in over.json()["detail"]
    one = post(client, "/api/v1/funding/commitments",
               {"source_id": src, "membership_ids": [members[0].pk], "months": 1}, op)  # fmt: skip
    assert one.status_code == 201, one.content
    assert FundingSource.objects.get(pk=src).allocated == one.json()[0]["cost"]
    lowered = post(client, f"/api/v1/funding/sources/{src}", {"amount": 1}, op, "patch")
    assert lowered.status_code == 422
    cancel = post(client, f"/api/v1/funding/commitments/{one.json()[0]['id']}/action",
                  {"action": "cancel"}, op)  # fmt: skip
    assert cancel.status_code == 200 and cancel.json()["status"] == "dibatalkan"
    assert FundingSource.objects.get(pk=src).allocated == 0


def test_outreach_team_and_activity(client, users):
    op = users["operator_desa"]
    team = post(client, "/api/v1/outreach/teams",
                {"village": testing.VILLAGE_A, "name": "Tim Danggen"}, op)  # fmt: skip
    assert team.status_code == 201, team.content
    nodate = post(client, "/api/v1/outreach/teams/" + str(team.json()["id"]),
                  {"decree_number": "5/SK/2026"}, op, "patch")  # fmt: skip
    assert nodate.status_code == 422 and "decree_date" in nodate.json()["errors"]
    activity = post(client, "/api/v1/outreach/activities", {
        "team_id": team.json()["id"], "date": timezone.localdate().isoformat(),
        "kind": "mosque", "place": "Masjid Nurul Huda", "attendees": 40}, op)  # fmt: skip
    assert activity.status_code == 201, activity.content
    assert activity.json()["village_id"] == testing.VILLAGE_A


def test_claim_and_heirs(client, users):
    worker = testing.make_worker(testing.VILLAGE_A)
    Membership.objects.create(
        worker=worker, village_id=worker.village_id, declared_income=10**6, status="aktif",
        coverage_start=dt.date(2025, 1, 1), paid_until=dt.date(2026, 12, 31),
    )  # fmt: skip
    op = users["operator_desa"]
    event = min(timezone.localdate(), dt.date(2026, 3, 2))
    claim = post(client, "/api/v1/claims/", {
        "nik": worker.nik, "claim_type": "JKM", "event_date": event.isoformat(),
        "report_date": event.isoformat()}, op)  # fmt: skip
    assert claim.status_code == 201, claim.content
    cid = claim.json()["id"]
    worker.refresh_from_db()
    assert worker.deceased_date == event
    heir = post(client, f"/api/v1/claims/{cid}/heirs", {
        "name": "Inaq Sahnun", "relationship": "janda",
        "nik": compose_nik(testing.VILLAGE_A[:8], dt.date(1988, 7, 7), "P", 2)}, op)  # fmt: skip
    assert heir.status_code == 201, heir.content
    listed = client.get(f"/api/v1/claims/{cid}/heirs", **bearer(op)).json()
    assert [h["name"] for h in listed] == ["Inaq Sahnun"]
    decide = post(client, f"/api/v1/claims/{cid}/transition", {"to_status": "diverifikasi"}, op)
    assert decide.status_code in (403, 409)


def test_coverage_matches_cli(client, users):
    worker = testing.make_worker(testing.VILLAGE_A)
    Membership.objects.create(
        worker=worker, village_id=worker.village_id, declared_income=10**6, status="aktif",
        coverage_start=dt.date(2026, 1, 1), paid_until=dt.date(2026, 12, 31),
    )  # fmt: skip
    out = io.StringIO()
    call_command("coverage", testing.KECAMATAN_A, "--date", "2026-06-30", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    api = client.get(
        f"/api/v1/coverage/{testing.KECAMATAN_A}", {"date": "2026-06-30"},
        **bearer(users["camat"]),
    ).json()  # fmt: skip
    children = cli.pop("children")
    assert api["indicator"] == cli
    assert api["children"] == children
    assert api["indicator"]["numerator"]["lindung_bpu"] == 1
