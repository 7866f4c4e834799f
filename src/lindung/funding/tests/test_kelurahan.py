"""Dana Desa is for desa, not kelurahan (UU 6/2014): forms, commitments and the optimiser."""

import datetime as dt

import pytest

from lindung.areas.models import Area, AreaKind
from lindung.core import testing
from lindung.funding import services
from lindung.funding.forms import FundingSourceForm
from lindung.funding.models import Scenario, WeightPolicy
from lindung.funding.scenarios import build

from .conftest import member, source

pytestmark = pytest.mark.django_db
KELURAHAN = testing.VILLAGE_A2  # Pancor, Selong


def form(users, owner: str, source_type: str = "DANA_DESA") -> FundingSourceForm:
    data = {
        "name": "Iuran warga", "source_type": source_type, "fiscal_year": 2026,
        "start_month": "2026-01", "months": 12, "owner_area": owner, "amount": 5_000_000,
        "is_active": "on",
    }  # fmt: skip
    return FundingSourceForm(data, user=users["admin_kabupaten"])


def test_the_test_area_is_a_kelurahan(lotim):
    assert Area.objects.get(code=KELURAHAN).kind == AreaKind.KELURAHAN
    assert Area.objects.get(code=testing.VILLAGE_A).kind == AreaKind.DESA


@pytest.mark.parametrize(
    ("owner", "source_type", "valid"),
    [
        (KELURAHAN, "DANA_DESA", False),
        (testing.VILLAGE_A, "DANA_DESA", True),
        (testing.REGENCY, "APBD", True),
    ],
)
def test_form_refuses_dana_desa_for_a_kelurahan(lotim, users, owner, source_type, valid):
    f = form(users, owner, source_type)
    assert f.is_valid() is valid, f.errors
    if not valid:
        assert "Dana Desa hanya untuk desa" in str(f.errors["owner_area"])
        assert "dana kelurahan" in str(f.errors["owner_area"])


def test_commit_and_optimiser_refuse_a_kelurahan_dana_desa_line(lotim):
    bad = source("DANA_DESA", owner=KELURAHAN)  # as old data may hold
    m = member(KELURAHAN)
    with pytest.raises(services.FundingError, match="Dana Desa hanya untuk desa"):
        services.commit(m, bad)
    scenario = Scenario.objects.create(
        name="uji", fiscal_year=2026, area_id=testing.REGENCY,
        weight_policy=WeightPolicy.objects.first(),
    )  # fmt: skip
    built = build(scenario)
    assert built.inst.pair_cand.size == 0
    good = source("APBD", owner=testing.REGENCY, start=dt.date(2026, 1, 1))
    services.commit(m, good, months=1)
