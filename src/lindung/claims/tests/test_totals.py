"""claims_totals: paid per period and area, equal to the sum of the listed claims."""

import datetime as dt
import re

import pytest

from lindung.claims.models import ClaimStatus as S
from lindung.claims.selectors import claims_totals
from lindung.core import testing

from .conftest import make_claim, make_membership

JAN, NOV = dt.date(2025, 1, 1), dt.date(2025, 11, 30)


def paid(village, claim_type, amount, on, penalty=0):
    return make_claim(
        make_membership(village),
        claim_type=claim_type,
        status=S.DIBAYAR,
        amount_paid=amount,
        paid_date=on,
        delay_penalty=penalty,
        event=on - dt.timedelta(days=20),
    )


@pytest.fixture
def ledger(lotim):
    return [
        paid(testing.VILLAGE_A, "JKM", 42_000_000, dt.date(2025, 3, 1), penalty=420_000),
        paid(testing.VILLAGE_A, "JKK", 84_000_000, dt.date(2025, 11, 30)),
        paid(testing.VILLAGE_A2, "JKM", 10_000_000, dt.date(2025, 1, 1)),
        paid(testing.VILLAGE_B, "JKM", 42_000_000, dt.date(2025, 6, 1)),
        paid(testing.VILLAGE_A, "JKM", 42_000_000, dt.date(2024, 12, 31)),  # outside the period
        paid(testing.VILLAGE_A, "JHT", 5_000_000, dt.date(2025, 12, 1)),  # outside the period
        make_claim(make_membership(testing.VILLAGE_A), status=S.DIVERIFIKASI),  # not paid
    ]


def test_totals_by_type_period_and_area(ledger, users):
    t = claims_totals(users["admin_kabupaten"], testing.REGENCY, JAN, NOV)
    assert t["paid_count"] == 4 and t["paid_amount"] == 178_000_000
    assert t["by_type"]["JKM"] == {
        "label": "JKM (meninggal bukan karena kerja)",
        "count": 3,
        "amount": 94_000_000,
    }
    assert t["by_type"]["JKK"]["count"] == 1 and t["by_type"]["JHT"]["count"] == 0
    assert t["delay_penalty"] == 420_000
    kec = claims_totals(users["admin_kabupaten"], testing.KECAMATAN_A, JAN, NOV)
    assert kec["paid_count"] == 3 and kec["paid_amount"] == 136_000_000


def test_totals_are_scoped_to_the_user(ledger, users, other_village_operator):
    assert claims_totals(users["operator_desa"], testing.REGENCY, JAN, NOV)["paid_amount"] == (
        126_000_000
    )
    assert claims_totals(other_village_operator, None, JAN, NOV)["paid_amount"] == 42_000_000
    assert claims_totals(users["camat"], testing.VILLAGE_B, JAN, NOV)["paid_count"] == 0


def _listed_amounts(client, params):
    html = client.get("/klaim/", params).content.decode()
    found = re.search(r"(\d+) klaim", html)
    if found is None:
        assert "Belum ada klaim yang cocok" in html
        return 0, 0
    count = int(found.group(1))
    rows = re.findall(r'<td class="num">Rp([\d.]+)</td>', html)
    return count, sum(int(r.replace(".", "")) for r in rows)


@pytest.mark.parametrize("role", ["admin_kabupaten", "camat", "operator_desa"])
def test_totals_equal_the_listed_claims(client, ledger, users, role):
    user = users[role]
    client.force_login(user)
    t = claims_totals(user, user.area_id, JAN, NOV)
    listed = _listed_amounts(
        client, {"status": "dibayar", "dari": JAN.isoformat(), "sampai": NOV.isoformat()}
    )
    assert listed == (t["paid_count"], t["paid_amount"])
    for code, row in t["by_type"].items():
        by_type = _listed_amounts(
            client,
            {
                "status": "dibayar",
                "jenis": code,
                "dari": JAN.isoformat(),
                "sampai": NOV.isoformat(),
            },
        )
        assert by_type == (row["count"], row["amount"])


def test_totals_page(client, ledger, users):
    client.force_login(users["admin_kabupaten"])
    html = client.get(
        "/klaim/rekap/", {"dari": "2025-01-01", "sampai": "2025-11-30"}
    ).content.decode()
    assert "Rp178.000.000" in html and "Rp420.000" in html
    assert "Kecamatan Selong" in html and "Rp136.000.000" in html
    client.force_login(users["camat"])
    html = client.get(
        "/klaim/rekap/", {"dari": "2025-01-01", "sampai": "2025-11-30"}
    ).content.decode()
    assert "Rp136.000.000" in html and "Rp178.000.000" not in html
    assert "Danggen Timur" in html
