"""The demo has deceased participants with claims in every state, with heirs, and the BPJS
aggregate report, so the combined coverage reads like the regency's own figure."""

import datetime as dt
import random

import pytest

from lindung.claims.demo import BPJS_ACTIVE_2025, demo_claims
from lindung.claims.models import Claim, ClaimStatus
from lindung.core import testing
from lindung.coverage.models import BpjsReportCount

from .conftest import make_membership

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_claims_in_every_state_with_heirs_and_the_bpjs_report(lotim, users):
    members = []
    for i in range(9):
        m = make_membership(start=dt.date(2020, 1, 1), paid_until=TODAY + dt.timedelta(days=60))
        m.worker.deceased_date = TODAY - dt.timedelta(days=40 + i)
        m.worker.save()
        members.append(m)
    summary = demo_claims(random.Random(1), {"users": users, "today": TODAY,
                                             "regency": testing.REGENCY})  # fmt: skip
    assert "klaim JKM" in summary
    claims = Claim.objects.all()
    assert claims.count() == 6  # a third stays on the "tanpa klaim" worklist
    assert set(claims.values_list("status", flat=True)) == set(ClaimStatus.values)
    for c in claims:
        assert c.heirs.exists()
        if c.status in (ClaimStatus.DIVERIFIKASI, ClaimStatus.DIBAYAR):
            assert c.recipient_id and c.amount_computed == 42_000_000
    paid = claims.get(status=ClaimStatus.DIBAYAR)
    assert paid.amount_paid == paid.amount_computed
    total = sum(BpjsReportCount.objects.values_list("participants", flat=True))
    assert total == BPJS_ACTIVE_2025
