"""'More than 3 months unpaid', as stated in the lapse rule; rejoining starts again."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lindung.enrollment import services
from lindung.enrollment.models import EndReason, Membership, MembershipStatus
from lindung.enrollment.tariffs import LapseRule
from lindung.workers import testing

pytestmark = pytest.mark.django_db
S = MembershipStatus
TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("paid_until", "status"),
    [
        (dt.date(2026, 8, 31), S.BERAKHIR),  # Sep, Oct, Nov, Dec unpaid: more than 3
        (dt.date(2026, 9, 30), S.MENUNGGAK),  # Oct, Nov, (Dec): not more than 3
        (dt.date(2026, 11, 30), S.AKTIF),  # December's deadline (the 15th) not passed yet
    ],
)
def test_lapse_reading_matches_the_rule_text(lotim, paid_until, status):
    w = testing.make_worker(testing.VILLAGE_A)
    m = Membership.objects.create(
        worker=w, village_id=w.village_id, status=S.AKTIF, declared_income=1_000_000,
        coverage_start=dt.date(2025, 1, 1), paid_until=paid_until,
    )  # fmt: skip
    services.apply_lapse_rules(TODAY)
    m.refresh_from_db()
    assert m.status == status
    if status == S.BERAKHIR:
        assert m.end_reason == EndReason.TUNGGAKAN and m.coverage_end == paid_until
    rule = LapseRule.objects.get(code="perdir-22-2022")
    assert "dibayar sampai 31 Agustus berakhir" in rule.open_question
    assert "domain-research" not in rule.open_question + rule.source


def test_rejoin_starts_again_and_continue_cannot_be_stored(lotim, users):
    w = testing.make_worker(testing.VILLAGE_A)
    old = Membership.objects.create(
        worker=w, village_id=w.village_id, status=S.BERAKHIR, end_reason=EndReason.TUNGGAKAN,
        declared_income=1_000_000, coverage_start=dt.date(2022, 1, 1),
        paid_until=dt.date(2025, 3, 31), coverage_end=dt.date(2025, 3, 31),
    )  # fmt: skip
    new = services.enrol(w, by=users["operator_desa"], declared_income=1_000_000)
    assert new.pk != old.pk and new.coverage_start is None  # tenure restarts
    rule = LapseRule.objects.get(code="perdir-22-2022")
    rule.rejoin_policy = "continue"
    with pytest.raises(ValidationError, match="daftar ulang dari nol"):
        rule.full_clean()
