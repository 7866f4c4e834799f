"""SQL queries per list page and dashboard, per role, against baselines in query_counts.json.

The counts are measured on the fixed demo data below with a cold cache (each request after the
caches are cleared), so a page that starts querying once per row, or a figure that stops being
cached per request, shows up as a higher count. A count that rises above its baseline fails;
after an intended change, rewrite the file and commit it with the change:

    LINDUNG_QUERY_COUNTS=update .venv/bin/pytest src/lindung/site/tests/test_query_counts.py

Counts are kept per database (SQLite, PostgreSQL): a few pages ask each differently.
"""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.accounts.models import User

BASELINES = Path(__file__).with_name("query_counts.json")
ROLES = ["admin", "bpjs", "camat.selong", "desa.danggentimur", "pengamat"]


def pages(user: User) -> dict[str, str]:
    area = user.area_id
    return {
        "home": "/",
        "worklists": "/daftar-kerja/",
        "workers": "/pekerja/",
        "memberships": "/kepesertaan/",
        "coverage_dashboard": f"/cakupan/{area}/",
        "league": f"/cakupan/{area}/peringkat/",
        "funding_sources": "/pendanaan/",
        "funding_renewals": "/pendanaan/perpanjangan/",
        "funding_scenarios": "/pendanaan/skenario/",
        "outreach": "/sosialisasi/",
        "claims": "/klaim/",
    }


def measure(client) -> dict[str, dict[str, int]]:
    """{page: {username: queries}} for every page that answers the role with 200."""
    counts: dict[str, dict[str, int]] = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        client.force_login(user)
        for name, url in pages(user).items():
            for cache in caches.all():
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code == 200:
                counts.setdefault(name, {})[username] = len(queries)
    return counts


def compare(measured: dict, baseline: dict) -> list[str]:
    """Every page and role measured above its baseline, without one, or no longer served."""
    problems = []
    for page, roles in measured.items():
        for role, count in roles.items():
            expected = baseline.get(page, {}).get(role)
            if expected is None:
                problems.append(f"{page} as {role}: {count} queries, no baseline")
            elif count > expected:
                problems.append(f"{page} as {role}: {count} queries, baseline {expected}")
    for page, roles in baseline.items():
        for role in roles:
            if role not in measured.get(page, {}):
                problems.append(f"{page} as {role}: no longer answers 200")
    return problems


@pytest.fixture
def demo_data(db):
    call_command("demo", "--workers", "120", "--seed", "5", stdout=StringIO(), stderr=StringIO())


def test_queries_per_page_stay_within_their_baseline(client, demo_data):
    measured = measure(client)
    assert len(measured) == len(pages(User.objects.get(username="admin")))  # admin sees all
    stored = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
    if os.environ.get("LINDUNG_QUERY_COUNTS") == "update":
        stored[connection.vendor] = measured
        BASELINES.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        return
    problems = compare(measured, stored.get(connection.vendor, {}))
    assert problems == [], (
        "\n".join(problems) + "\nIntended? LINDUNG_QUERY_COUNTS=update (see this file's docstring)"
    )


def test_compare_reports_rises_new_pages_and_lost_pages():
    baseline = {"home": {"admin": 10, "pengamat": 9}, "claims": {"admin": 5}}
    measured = {"home": {"admin": 11, "pengamat": 8}, "workers": {"admin": 3}}
    assert compare(measured, baseline) == [
        "home as admin: 11 queries, baseline 10",
        "workers as admin: 3 queries, no baseline",
        "claims as admin: no longer answers 200",
    ]
    assert compare(baseline, baseline) == []
