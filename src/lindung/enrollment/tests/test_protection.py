"""One definition of "covered on a day", shared by lists, coverage counts and claims."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.enrollment.models import Membership, MembershipStatus
from lindung.workers import testing

S = MembershipStatus
pytestmark = pytest.mark.django_db
DEC = dt.date(2026, 12, 1)


def membership(**fields) -> Membership:
    worker = testing.make_worker(testing.VILLAGE_A)
    values = {
        "status": S.AKTIF,
        "coverage_start": dt.date(2026, 1, 1),
        "paid_until": dt.date(2026, 11, 30),
        "declared_income": 1_000_000,
    }
    values.update(fields)
    return Membership.objects.create(worker=worker, village_id=worker.village_id, **values)


@pytest.mark.parametrize(
    ("fields", "day", "covered"),
    [
        ({}, dt.date(2026, 11, 30), True),  # last paid day
        ({}, DEC, False),  # day 1 of an unpaid month: status still aktif, not covered
        ({}, dt.date(2026, 12, 15), False),  # deadline day, still unpaid
        ({"paid_until": dt.date(2026, 12, 31)}, dt.date(2026, 12, 15), True),
        ({"coverage_end": dt.date(2026, 6, 10), "status": S.BERAKHIR}, dt.date(2026, 6, 10), True),
        ({"coverage_end": dt.date(2026, 6, 10), "status": S.BERAKHIR}, dt.date(2026, 6, 11), False),
        ({"status": S.DIAJUKAN}, dt.date(2026, 5, 1), False),  # not yet registered by BPJS
        ({}, dt.date(2025, 12, 31), False),  # before protection started
    ],
)
def test_membership_and_queryset_agree(lotim, fields, day, covered):
    m = membership(**fields)
    assert m.is_protected_on(day) is covered
    assert Membership.objects.active_on(day).filter(pk=m.pk).exists() is covered


def test_aktif_but_unpaid_is_said_on_the_pages(client, lotim, users):
    today = timezone.localdate()
    m = membership(paid_until=today.replace(day=1) - dt.timedelta(days=1))
    paid = membership(paid_until=today + dt.timedelta(days=40))
    assert m.unprotected_since(today) == today.replace(day=1)
    assert paid.unprotected_since(today) is None
    client.force_login(users["admin_kabupaten"])
    detail = client.get(reverse("enrollment:detail", args=[m.pk])).content.decode()
    assert "belum terlindungi sejak" in detail
    listing = client.get(reverse("enrollment:list")).content.decode()
    assert listing.count("belum terlindungi sejak") == 1
    assert (
        "belum terlindungi"
        not in client.get(reverse("enrollment:detail", args=[paid.pk])).content.decode()
    )
