import datetime as dt
import random
import threading

import pytest
from django.db import connection
from django.urls import reverse

from lindung.core.jobstatus import JobStatus
from lindung.funding import providers, services
from lindung.funding.models import Commitment, FundingSource, Scenario
from lindung.workers import testing

from .conftest import member, sector, source


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_never_overcommit():
    testing.load_lombok_timur()
    src = source("APBD", amount=16_800 * 12)  # room for exactly one member
    people = [member(), member()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(m):
        try:
            barrier.wait()
            services.commit(m, FundingSource.objects.get(pk=src.pk))
            outcomes.append("ok")
        except services.OverCommitment:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may report the lock instead of waiting
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    src.refresh_from_db()
    assert outcomes.count("ok") == 1, outcomes
    assert Commitment.objects.count() == 1
    assert src.allocated == 16_800 * 12 == services.recompute_allocated(src)[0]


@pytest.mark.django_db
def test_demo_step_creates_budgets_commitments_and_scenarios(users):
    sector("petani-tembakau", 1)
    sector("buruh-tani-tembakau", 1)
    members = [member(sector_code="petani-tembakau", desil=3) for _ in range(5)]
    members += [member(testing.VILLAGE_B, desil=d) for d in (1, 2, 3, 5, 9)]
    context = {
        "today": dt.date(2026, 3, 1),
        "regency": testing.REGENCY,
        "users": users,
        "membership_ids": [m.pk for m in members],
    }
    summary = providers.demo_funding(random.Random(1), context)
    assert "sumber dana 2026" in summary
    types = set(FundingSource.objects.values_list("source_type", flat=True))
    assert {"DBHCHT", "APBD", "DANA_DESA"} <= types
    for src in FundingSource.objects.all():
        assert src.allocated <= src.amount
        assert services.recompute_allocated(src)[0] == src.allocated
    dbh = FundingSource.objects.get(source_type="DBHCHT")
    assert dbh.commitments.exists()
    assert set(dbh.commitments.values_list("membership__worker__sector__code", flat=True)) == {
        "petani-tembakau"
    }
    assert Scenario.objects.filter(status=JobStatus.DONE).count() == 2


@pytest.mark.django_db
def test_home_card_and_worklist_section(client, users):
    source(
        "DANA_DESA",
        testing.VILLAGE_A,
        amount=5_000_000,
        year=dt.date.today().year,
    )
    member(paid_until=dt.date(2000, 1, 31), name="Papuq Sahnan")
    client.force_login(users["operator_desa"])
    cards = providers.home_cards(users["operator_desa"], None)
    assert cards and cards[0]["value"] == "Rp5.000.000"
    sections = providers.worklist_sections(users["operator_desa"], None)
    assert sections[0]["count"] == 1 and sections[0]["rows"][0]["label"] == "Papuq Sahnan"
    html = client.get(reverse("funding:source_list")).content.decode()
    assert "Pendanaan" in html  # nav entry
