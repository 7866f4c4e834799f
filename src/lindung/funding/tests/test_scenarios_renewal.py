import datetime as dt
from decimal import Decimal

import pytest

from lindung.core import testing
from lindung.core.jobstatus import JobStatus
from lindung.funding import renewal, scenarios, services
from lindung.funding.models import Commitment, Reason, Scenario

from .conftest import member, sector, source

pytestmark = pytest.mark.django_db


def _scenario(user, **fields):
    return Scenario.objects.create(
        name=fields.pop("name", "Dasar"),
        fiscal_year=2026,
        area_id=testing.REGENCY,
        weight_policy=services.active_policy(),
        created_by=user,
        **fields,
    )


@pytest.fixture
def world(users):
    tob = sector("petani-tembakau", 1)
    farmers = [member(sector_code="petani-tembakau", desil=5) for _ in range(3)]
    poor = [member(desil=1) for _ in range(3)]
    others = [member(testing.VILLAGE_B, desil=8) for _ in range(2)]
    dbh = source("DBHCHT", amount=3 * 16_800 * 6, months=6)
    dbh.eligible_sectors.add(tob)
    apbd = source("APBD", amount=3 * 16_800 * 6, months=6)
    dd = source("DANA_DESA", testing.VILLAGE_B, amount=16_800 * 6, months=6)
    return {"farmers": farmers, "poor": poor, "others": others, "dbh": dbh, "apbd": apbd, "dd": dd}


def test_scenario_funds_by_priority_and_explains(world, users):
    sc = scenarios.run(_scenario(users["admin_kabupaten"]).pk)
    assert sc.status == JobStatus.DONE, sc.error
    funded = {c.membership_id: c for c in sc.candidates.all()}
    # Farmers on DBHCHT, the poorest on APBD, one village-B member on its Dana Desa.
    for m in world["farmers"]:
        assert funded[m.pk].source_id == world["dbh"].pk
    for m in world["poor"]:
        assert funded[m.pk].source_id == world["apbd"].pk
    in_b = [funded[m.pk] for m in world["others"]]
    assert sorted(c.reason for c in in_b) == [Reason.DI_BAWAH_BATAS, Reason.DIDANAI] or sorted(
        c.reason for c in in_b
    ) == [Reason.ANGGARAN_HABIS, Reason.DIDANAI]
    assert sc.summary["funded"] == 7 and sc.summary["candidates"] == 8
    assert sc.summary["objective"] >= sc.summary["greedy_objective"]
    row = sc.sources.get(source=world["apbd"])
    assert row.used <= row.budget and row.funded == 3


def test_cut_scenario_funds_fewer_and_compare_shows_losses(world, users):
    base = scenarios.run(_scenario(users["admin_kabupaten"]).pk)
    cut = scenarios.run(
        _scenario(users["admin_kabupaten"], name="APBD -30%", type_cuts={"APBD": "30"}).pk
    )
    assert cut.summary["funded"] == base.summary["funded"] - 1
    assert cut.sources.get(source=world["apbd"]).budget == int(3 * 16_800 * 6 * Decimal("0.70"))
    table = scenarios.compare([base, cut])
    assert table["columns"][1]["lost"] == 1 and table["columns"][1]["gained"] == 0


def test_global_cut_and_already_committed_budget(world, users):
    services.commit(world["poor"][0], world["apbd"])
    sc = _scenario(users["admin_kabupaten"], cut_percent=Decimal("50"))
    sc = scenarios.run(sc.pk)
    row = sc.sources.get(source=world["apbd"])
    assert row.budget == 3 * 16_800 * 6 // 2 - 16_800 * 6
    # Already funded members are not candidates again.
    assert not sc.candidates.filter(membership=world["poor"][0]).exists()


def test_apply_scenario_creates_commitments_within_budget(world, users):
    sc = scenarios.run(_scenario(users["admin_kabupaten"]).pk)
    n = scenarios.apply(
        sc,
        by=users["admin_kabupaten"],
        user_sources={world["dbh"].pk, world["apbd"].pk, world["dd"].pk},
    )
    assert n == 7
    for src in (world["dbh"], world["apbd"], world["dd"]):
        src.refresh_from_db()
        assert src.allocated <= src.amount
        assert services.recompute_allocated(src)[0] == src.allocated


def test_renewal_lists_and_batch(lotim, users):
    old = source("DANA_DESA", testing.VILLAGE_A, year=2025, amount=10**7)
    new = source("DANA_DESA", testing.VILLAGE_A, year=2026, amount=16_800 * 12 * 2)
    people = [member(paid_until=dt.date(2025, 12, 31), desil=d) for d in (3, 1, 2)]
    covered = member(paid_until=dt.date(2026, 6, 30))
    ended = member(status="berakhir")
    for m in people:
        services.commit(m, old)
    from lindung.enrollment.models import Membership

    due = renewal.due_for_renewal(Membership.objects.all(), 2026)
    ids = set(due.values_list("pk", flat=True))
    assert ids == {m.pk for m in people}
    assert covered.pk not in ids and ended.pk not in ids
    by_source = renewal.due_by_source(due)
    assert by_source[0]["last_source_id"] == old.pk and by_source[0]["count"] == 3
    # Whose budget it was is part of its name: many villages have a "Dana Desa 2026".
    assert by_source[0]["source_name"] == f"{old.name} · {old.owner_area.name}"
    by_village = renewal.due_by_village(due)
    assert by_village[0]["count"] == 3 and by_village[0]["village__parent__name"] == "Selong"

    plan = renewal.preview(new, Membership.objects.all(), previous_type="DANA_DESA")
    # Budget for two: desil 1 and 2 first, desil 3 left out for lack of budget.
    assert [line.membership.pk for line in plan.fitting] == [people[1].pk, people[2].pk]
    assert [line.membership.pk for line in plan.skipped] == [people[0].pk]
    batch = renewal.run_batch(new, Membership.objects.all(), by=users["operator_desa"])
    assert batch.committed_count == 2 and batch.skipped_count == 1
    assert batch.total_cost == 2 * 12 * 16_800
    assert Commitment.objects.filter(batch=batch).count() == 2
    # Renewed members are no longer due.
    assert set(
        renewal.due_for_renewal(Membership.objects.all(), 2026).values_list("pk", flat=True)
    ) == {people[0].pk}
