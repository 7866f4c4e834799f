"""The worker list filters by membership through what enrollment registers at start-up."""

import pytest

from lindung.enrollment.models import MembershipStatus
from lindung.workers import memberships, selectors


def test_enrollment_hands_over_its_statuses():
    found = memberships.lookup()
    assert found is not None
    assert found.statuses == MembershipStatus.choices


@pytest.mark.django_db
def test_without_memberships_the_list_ignores_membership_filters(monkeypatch):
    from lindung.workers.models import Worker

    qs = Worker.objects.all()
    narrowed = selectors._by_membership(qs, {"status": "aktif", "dana": "mandiri"})
    assert "EXISTS" in str(narrowed.query)
    monkeypatch.setattr(memberships, "_registered", [])
    assert str(selectors._by_membership(qs, {"status": "aktif"}).query) == str(qs.query)
