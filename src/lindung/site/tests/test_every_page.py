"""Every page a role can reach by links, on demo data whose ids are all above 20000: ids, years,
codes and form values are never written with a thousands separator ("20.001", value="2.027",
"Tahun 2,026"), dates are written in one style (24 Nov 2026), and no internal research note
or source-hunting remark reaches a page or a download. The crawl follows links from the home
page, as a person clicks."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from lindung.accounts.models import User
from lindung.core.tests.crawl import crawl
from lindung.core.tests.test_csp import inline_code

FIRST_ID = 20_001
ROLES = ["admin", "bpjs", "camat.selong", "desa.danggentimur", "pengamat"]

# A whole attribute value that is a number with a thousands separator: 20.001 / 2,027.
GROUPED = re.compile(r"^-?[1-9]\d{0,2}(?:[.,]\d{3})+$")
# Inside a URL: a path segment or a query value like that.
GROUPED_IN_URL = re.compile(r"(?:/|=)-?[1-9]\d{0,2}(?:[.,]|%2C)\d{3}(?=/|&|$)")
MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    "jan|feb|mar|apr|jun|jul|agu|sep|okt|nov|des|tahun"
)
# A year after a month or "tahun", or a record number, written grouped: "Tahun 2.026".
GROUPED_IN_TEXT = re.compile(rf"(?i)(?:\b(?:{MONTHS})\s+[12][.,]\d{{3}}\b|#\d{{1,3}}[.,]\d{{3}}\b)")
# Dates for people are written one way (24 Nov 2026, Nov 2026), never 28/02/2027 or 02/2027.
# (Regulation numbers such as "PP 44/2015" are not dates: they follow a word.)
OTHER_DATE_STYLE = re.compile(
    r"(?<![./\w])\d{1,2}[/-]\d{1,2}[/-](?:19|20)\d\d\b"
    r"|(?<![A-Za-z] )(?<![./\w])(?:0[1-9]|1[0-2])/(?:19|20)\d\d\b"
)
# Notes meant for the developers, not for regency staff.
INTERNAL_NOTES = re.compile(
    r"(?i)domain-research|riset domain|research\.md|anchors|DESIGN\.md|reference/|§|"
    r"belum dibaca|dugaan|konfirmasi ke cabang|\[\?\]|\[inferred\]|"
    r"\b(?!w3\.org)[\w-]+\.(?:com|net|org)\b|kabaran\.id|ayonusa"  # (SVG namespace aside)
)


def bump_sequences(start: int) -> None:
    """Make every new row's id at least `start`, so a grouped id would show up as 20.001."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if model._meta.proxy or not model._meta.managed:
                continue
            if pk.get_internal_type() not in {"AutoField", "BigAutoField"}:
                continue
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                )
            else:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [table, pk.column, start],
                )


@pytest.fixture
def world(db):
    bump_sequences(FIRST_ID - 1)
    call_command("demo", "--workers", "400", "--seed", "3", stdout=StringIO(), stderr=StringIO())
    from lindung.claims.models import Claim, Heir
    from lindung.enrollment.models import Membership

    m = Membership.objects.filter(village_id="52.03.07.2012").order_by("pk").first()
    claim = Claim.objects.create(
        membership=m,
        claim_type="JKM",
        event_date=dt.date(2026, 5, 1),
        report_date=dt.date(2026, 5, 2),
    )
    Heir.objects.create(claim=claim, name="Ahli Waris Uji", relationship="janda")
    return claim


VALUE_ATTRS = {"value", "id", "for", "name", "min", "max", "step"}
URL_ATTRS = {"href", "action", "src", "hx-get", "hx-post", "formaction"}


def _problems(page) -> list[str]:
    found = []
    for tag, name, value in page.attrs:
        is_value = name in VALUE_ATTRS or name.startswith("data-")
        if is_value and GROUPED.match(value.strip()):
            found.append(f'<{tag} {name}="{value}">')
        if name in URL_ATTRS and GROUPED_IN_URL.search(value):
            found.append(f'{name}="{value}"')
    found += [f"teks «{m.group(0)}»" for m in GROUPED_IN_TEXT.finditer(page.text)]
    # The BPJS batch preview shows the file's cells as the file has them (dd-mm-yyyy).
    if "html" in page.content_type and not page.url.startswith("/pertukaran/bpjs/ekspor/"):
        found += [f"tanggal «{m.group(0)}»" for m in OTHER_DATE_STYLE.finditer(page.text)]
    return found


@pytest.mark.parametrize("username", ROLES)
def test_no_value_is_localised_and_no_internal_note_on_any_page(client, world, username):
    user = User.objects.get(username=username)
    assert world.pk >= FIRST_ID and user.pk >= FIRST_ID
    client.force_login(user)
    pages = list(crawl(client, limit=300))
    html = [p for p in pages if "html" in p.content_type]
    assert len(html) > 20, [p.url for p in pages]
    # The crawl did see ids above 20000 and this year, so a grouped one could not be missed.
    assert any(str(FIRST_ID)[:2] in p.url and re.search(r"/2\d{4}/", p.url) for p in html)
    grouped = [f"{p.url}: {problem}" for p in pages for problem in _problems(p)]
    notes = [f"{p.url}: «{m.group(0)}»" for p in pages for m in INTERNAL_NOTES.finditer(p.text)]
    assert grouped == [], "\n".join(grouped[:40])
    assert notes == [], "\n".join(notes[:60])
    inline = [f"{p.url}: {found}" for p in html for found in inline_code(p)]
    assert inline == [], "\n".join(inline[:40])  # the Content-Security-Policy would block it


def test_problem_detectors_catch_the_reported_cases():
    """The checks above would fail on each form the defect took."""
    from lindung.core.tests.crawl import Page

    page = Page(url="/", content_type="text/html", body=b"")
    page.attrs = [
        ("input", "value", "20.001"),
        ("input", "value", "2.027"),
        ("a", "href", "/pekerja/20.001/"),
        ("a", "href", "/pendanaan/?tahun=2,027"),
    ]
    page.text = "Tahun 2,026 · 1 Januari 2,027 · Batch #20.001 · 12.345 pekerja · 28/02/2027"
    # the count "12.345 pekerja" is fine; 28/02/2027 is the other date style
    assert len(_problems(page)) == 8
    assert INTERNAL_NOTES.search("lihat domain-research §4.2")
    assert INTERNAL_NOTES.search("(dugaan, konfirmasi ke cabang)")
    assert not INTERNAL_NOTES.search("Permenaker 1/2025 Pasal 79")


@pytest.mark.parametrize("username", ["admin", "camat.selong", "desa.danggentimur"])
def test_official_documents_carry_no_internal_note(client, world, username, monkeypatch):
    """The PDFs (monthly report for the Bupati, Paritrana dossier, award certificate) as each
    role would print them for their own area."""
    from django.template.loader import render_to_string

    from lindung.core.months import month_start
    from lindung.coverage import reports
    from lindung.coverage.periods import today
    from lindung.coverage.views import league as views

    user = User.objects.get(username=username)
    documents = [
        render_to_string(
            "coverage/pdf/monthly.html", reports.monthly(user, user.area, month_start(today()))
        ),
        render_to_string(
            "coverage/pdf/paritrana.html", reports.paritrana(user, user.area, today().year)
        ),
    ]
    if user.area.level < 4:  # kabupaten and kecamatan print award certificates
        from django.http import HttpResponse

        def capture(html, *args, **kwargs):
            documents.append(html)
            return HttpResponse(b"%PDF")

        monkeypatch.setattr(views, "pdf_response", capture)
        client.force_login(user)
        client.get(f"/cakupan/{user.area_id}/peringkat/sertifikat.pdf", {"urut": "peserta"})
        assert len(documents) == 3
    notes = [m.group(0) for html in documents for m in INTERNAL_NOTES.finditer(html)]
    assert notes == []
