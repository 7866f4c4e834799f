import datetime as dt
import json

import pytest

from lindung.audit.models import AccessLog
from lindung.claims.models import Claim, Heir
from lindung.enrollment.models import Membership
from lindung.site.personal_data import anonymise, collect
from lindung.workers import testing
from lindung.workers.models import Worker

DAY = dt.date(2026, 6, 15)


@pytest.fixture
def person(users):
    worker = testing.make_worker(
        testing.VILLAGE_A,
        name="Baiq Rohani",
        phone="+6281234567890",
        address="Dusun Lauk",
        birthplace="Selong",
    )
    membership = Membership.objects.create(
        worker=worker,
        village_id=worker.village_id,
        declared_income=1_000_000,
        status="aktif",
        kpj="12345678901",
        coverage_start=dt.date(2026, 1, 1),
        paid_until=dt.date(2026, 12, 31),
    )
    claim = Claim.objects.create(
        membership=membership,
        claim_type="JKM",
        event_date=dt.date(2026, 5, 1),
        report_date=dt.date(2026, 5, 3),
        status="dibayar",
        amount_paid=42_000_000,
        paid_date=dt.date(2026, 5, 10),
    )
    Heir.objects.create(claim=claim, name="Lalu Ahmad", nik="5203071202800003", relationship="duda")
    worker.name = "Baiq Rohaini"  # an earlier spelling stays in the change history
    worker.save()
    return worker


def test_collect_gathers_every_related_record(person):
    data = collect(person)["data"]
    assert data["workers.Worker"][0]["nik"] == person.nik
    assert data["enrollment.Membership"][0]["kpj"] == "12345678901"
    assert data["claims.Claim"][0]["amount_paid"] == 42_000_000
    assert data["claims.Heir"][0]["name"] == "Lalu Ahmad"
    assert json.dumps(collect(person))  # serialisable as it is


def test_anonymise_removes_identity_and_keeps_figures(person):
    active_before = Membership.objects.active_on(DAY).count()
    paid_before = sum(Claim.objects.values_list("amount_paid", flat=True))
    old_nik = person.nik

    anonymise(person)

    worker = Worker.objects.get(pk=person.pk)
    assert worker.nik.startswith("ANON") and len(worker.nik) == 16
    assert "Rohani" not in worker.name and worker.phone == "" and worker.address == ""
    assert worker.birthplace == ""
    assert worker.village_id == testing.VILLAGE_A
    assert worker.birth_date.year == 1985
    heir = Heir.objects.get()
    assert heir.nik == "" and "Ahmad" not in heir.name
    assert Membership.objects.get().kpj == ""
    dump = json.dumps(collect(worker), ensure_ascii=False)
    for secret in (old_nik, "Rohani", "Rohaini", "Ahmad", "6281234567890", "12345678901"):
        assert secret not in dump, secret
    assert Membership.objects.active_on(DAY).count() == active_before
    assert sum(Claim.objects.values_list("amount_paid", flat=True)) == paid_before


def test_pages_are_admin_only_scoped_and_logged(client, person, users):
    client.force_login(users["operator_desa"])
    assert client.get(f"/data-pribadi/{person.pk}/ekspor/").status_code == 404
    outsider = testing.make_user("admin_kabupaten", testing.KECAMATAN_B)
    client.force_login(outsider)
    assert client.get(f"/data-pribadi/{person.pk}/ekspor/").status_code == 404
    assert "Baiq" not in client.get(f"/data-pribadi/?nik={person.nik}").content.decode()

    client.force_login(users["admin_kabupaten"])
    export = client.get(f"/data-pribadi/{person.pk}/ekspor/")
    assert export.status_code == 200
    assert json.loads(export.content)["data"]["workers.Worker"][0]["name"] == "Baiq Rohaini"
    assert AccessLog.objects.filter(action="export", user=users["admin_kabupaten"]).count() == 1

    refused = client.post(f"/data-pribadi/{person.pk}/anonimkan/", {"confirm": "ya"})
    assert refused.status_code == 302
    assert Worker.objects.get(pk=person.pk).name == "Baiq Rohaini"
    client.post(f"/data-pribadi/{person.pk}/anonimkan/", {"confirm": "ANONIMKAN"})
    assert Worker.objects.get(pk=person.pk).nik.startswith("ANON")
    assert AccessLog.objects.filter(action="anonymise").count() == 1
