"""Budget cuts below what is already committed: shown, then ended explicitly on confirmation."""

import pytest
from django.urls import reverse

from lindung.core import testing
from lindung.funding import cuts, services
from lindung.funding.models import CommitmentStatus, FundingSource, Scenario, WeightPolicy

from .conftest import member, sector, source

pytestmark = pytest.mark.django_db
YEAR_COST = 12 * 16_800  # APBD pays JKK+JKM at the minimum income, no discount


def setup_budget():
    sector("pelaku-umkm", 2)
    src = source("APBD", amount=4 * YEAR_COST)
    people = {
        "umkm": member(sector_code="pelaku-umkm", desil=9, name="Umkm Desil Sembilan"),
        "tani1": member(desil=1, name="Buruh Desil Satu"),
        "tani5": member(desil=5, name="Buruh Desil Lima"),
        "tani9": member(testing.VILLAGE_B, desil=9, name="Buruh Desil Sembilan"),
    }
    for m in people.values():
        services.commit(m, src)
    return src, people


def scenario(cut: int) -> Scenario:
    return Scenario.objects.create(
        name=f"Potong {cut}%", fiscal_year=2026, area_id=testing.REGENCY, cut_percent=cut,
        weight_policy=WeightPolicy.objects.get(is_active=True),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cut", "losers"),
    [
        (0, []),
        (20, ["tani9"]),  # 4 committed, room for 3.2: the lowest priority loses
        (50, ["tani9", "tani5"]),
        (75, ["tani9", "tani5", "tani1"]),  # UMKM outranks every buruh tani
    ],
)
def test_over_commitment_shows_who_loses_by_priority(lotim, cut, losers):
    src, people = setup_budget()
    rows = cuts.over_commitments(scenario(cut), [src])
    if not losers:
        assert rows == []
        return
    [row] = rows
    assert row.over == 4 * YEAR_COST - cuts.cut_amount(src, scenario(cut))
    assert [c.membership_id for c in row.losing] == [people[k].pk for k in losers]
    assert row.released >= row.over


def test_apply_needs_confirmation_then_ends_commitments_with_audit(lotim, users):
    src, people = setup_budget()
    sc = scenario(50)
    sc.sources.create(source=src, budget=0)
    admin = users["admin_kabupaten"]
    with pytest.raises(services.FundingError, match="Centang konfirmasi"):
        cuts.apply_cuts(sc, by=admin, user_sources={src.pk}, confirmed=False)
    src.refresh_from_db()
    assert src.allocated == 4 * YEAR_COST and src.amount == 4 * YEAR_COST
    ended = cuts.apply_cuts(sc, by=admin, user_sources={src.pk}, confirmed=True)
    assert {c.membership_id for c in ended} == {people["tani9"].pk, people["tani5"].pk}
    src.refresh_from_db()
    assert src.amount == 2 * YEAR_COST and src.allocated == 2 * YEAR_COST
    for c in ended:
        c.refresh_from_db()
        assert c.status == CommitmentStatus.DIBATALKAN and "Potong 50%" in c.note
        assert c.history.first().history_user == admin
    villages = cuts.by_village(ended)
    assert sorted(len(v) for v in villages.values()) == [1, 1]


def test_paid_commitments_block_a_deeper_cut(lotim, users):
    src, people = setup_budget()
    for c in src.commitments.all():
        c.status = CommitmentStatus.DIBAYAR
        c.save()
    FundingSource.objects.filter(pk=src.pk).update(spent=4 * YEAR_COST)
    sc = scenario(50)
    sc.sources.create(source=src, budget=0)
    with pytest.raises(services.FundingError, match="sudah dibayar"):
        cuts.apply_cuts(sc, by=users["admin_kabupaten"], user_sources={src.pk}, confirmed=True)


def test_scenario_page_shows_over_commitment_names_only_in_scope(client, lotim, users):
    src, people = setup_budget()
    client.force_login(users["admin_kabupaten"])
    client.post(reverse("funding:scenario_list"),
                {"name": "Potong separuh", "fiscal_year": 2026, "cut_percent": "50"})  # fmt: skip
    sc = Scenario.objects.get(name="Potong separuh")
    html = client.get(reverse("funding:scenario_detail", args=[sc.pk])).content.decode()
    assert "Pemotongan di bawah yang sudah dialokasikan" in html
    assert "Buruh Desil Sembilan" in html and "konfirmasi_potongan" in html
    # A camat of kecamatan A sees only the names inside it (the count stays whole).
    from lindung.funding.views import _visible_losers

    [row] = _visible_losers(users["camat"], cuts.over_commitments(sc, [src]))
    assert len(row.losing) == 2
    assert [c.membership.worker.name for c in row.shown] == ["Buruh Desil Lima"]
    client.force_login(users["admin_kabupaten"])
    client.post(reverse("funding:scenario_apply", args=[sc.pk]))
    assert src.commitments.filter(status=CommitmentStatus.DIBATALKAN).count() == 0
    resp = client.post(
        reverse("funding:scenario_apply", args=[sc.pk]), {"konfirmasi_potongan": "1"}, follow=True
    )
    assert src.commitments.filter(status=CommitmentStatus.DIBATALKAN).count() == 2
    assert "pendanaan 1 peserta diakhiri" in resp.content.decode()
