"""Worklist sections, the home card and the menu entries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.areas.models import Area
from lindung.core.navigation import items_for
from lindung.enrollment import providers, services
from lindung.enrollment.models import MembershipStatus
from lindung.workers import testing

S = MembershipStatus


def member(village, by, name, **fields):
    worker = testing.make_worker(village, name=name)
    m = services.enrol(worker, by=by, declared_income=1_000_000)
    for name_, value in fields.items():  # saved, so the village tallies follow
        setattr(m, name_, value)
    if fields:
        m.save()
    return m


@pytest.fixture
def population(roles):
    by = roles["petugas_bpjs"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=200)
    return {
        "didata_a": member(testing.VILLAGE_A, by, "Didata A"),
        "verif_a": member(testing.VILLAGE_A, by, "Verif A", status=S.DIVERIFIKASI),
        "diajukan_a": member(testing.VILLAGE_A, by, "Diajukan A", status=S.DIAJUKAN),
        "didata_b": member(testing.VILLAGE_B, by, "Didata B"),
        "exp20_a": member(
            testing.VILLAGE_A,
            by,
            "Habis20 A",
            status=S.AKTIF,
            coverage_start=start,
            paid_until=today + dt.timedelta(days=20),
        ),
        "exp50_a": member(
            testing.VILLAGE_A2,
            by,
            "Habis50 A2",
            status=S.AKTIF,
            coverage_start=start,
            paid_until=today + dt.timedelta(days=50),
        ),
        "exp200_a": member(
            testing.VILLAGE_A,
            by,
            "Habis200 A",
            status=S.AKTIF,
            coverage_start=start,
            paid_until=today + dt.timedelta(days=200),
        ),
        "exp10_b": member(
            testing.VILLAGE_B,
            by,
            "Habis10 B",
            status=S.AKTIF,
            coverage_start=start,
            paid_until=today + dt.timedelta(days=10),
        ),
        "lapsed_a": member(
            testing.VILLAGE_A,
            by,
            "Lewat A",
            status=S.MENUNGGAK,
            coverage_start=start,
            paid_until=today - dt.timedelta(days=40),
        ),
    }


def sections(user, code):
    return {s["key"]: s for s in providers.worklist_sections(user, Area.objects.get(code=code))}


def labels(section):
    return {row["label"].split(" (")[0] for row in section["rows"]}


def test_pending_section_for_village(roles, population):
    s = sections(roles["operator_desa"], testing.VILLAGE_A)["kepesertaan-belum-diajukan"]
    assert s["count"] == 2 and labels(s) == {"Didata A", "Verif A"}
    assert "status=pra_aktif" in s["more_url"] and testing.VILLAGE_A in s["more_url"]


def test_expiring_section_counts_30_60_90(roles, population):
    s = sections(roles["admin_kabupaten"], testing.KECAMATAN_A)["kepesertaan-habis-masa-bayar"]
    assert s["count"] == 2 and labels(s) == {"Habis20 A", "Habis50 A2"}
    assert "30 hari: 1 orang" in s["hint"] and "60 hari: 2 orang" in s["hint"]
    assert "90 hari: 2 orang" in s["hint"]


def test_sections_never_leak_other_villages(roles, population):
    # The operator of village B asking for the whole regency still sees only village B.
    s = sections(roles["other_operator"], testing.REGENCY)
    assert labels(s["kepesertaan-belum-diajukan"]) == {"Didata B"}
    assert labels(s["kepesertaan-habis-masa-bayar"]) == {"Habis10 B"}


def test_home_card_counts_active_in_area(roles, population):
    area = Area.objects.get(code=testing.KECAMATAN_A)
    card = providers.home_cards(roles["camat"], area)[0]
    assert card["value"] == "3"  # exp20, exp50, exp200; the lapsed one is unpaid today
    area_b = Area.objects.get(code=testing.VILLAGE_B)
    assert providers.home_cards(roles["other_operator"], area_b)[0]["value"] == "1"
    # Out-of-scope area asked for by the operator: still only their own rows.
    regency = Area.objects.get(code=testing.REGENCY)
    assert providers.home_cards(roles["other_operator"], regency)[0]["value"] == "1"


def test_worklist_page_renders_sections(client, roles, population, monkeypatch):
    from lindung.core import worklists

    # Only this app's sections, so another app's provider cannot break this test.
    monkeypatch.setattr(worklists, "PROVIDERS", [(20, providers.worklist_sections)])
    client.force_login(roles["operator_desa"])
    body = client.get(reverse("worklists")).content.decode()
    assert "Didata, belum diverifikasi/diajukan" in body and "Didata A" in body
    assert "Didata B" not in body


def test_menu_entries(roles):
    names = {item["name"] for item in items_for(roles["viewer"])}
    assert {"enrollment:list", "enrollment:tariffs"} <= names
