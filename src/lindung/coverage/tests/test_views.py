"""Pages: figures, scoping (404 outside the user's area), exports, league, reports, uploads."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from lindung.audit.models import AccessLog
from lindung.core import testing
from lindung.core.months import month_start
from lindung.coverage.models import (
    BpjsReportCount,
    CoverageRefreshLog,
    CoverageTarget,
    ReportJob,
)
from lindung.coverage.periods import today
from lindung.coverage.snapshots import refresh_area

from .conftest import D, denominator, member

A, A2, B, KEC, KEC_B, REG = (
    testing.VILLAGE_A,
    testing.VILLAGE_A2,
    testing.VILLAGE_B,
    testing.KECAMATAN_A,
    testing.KECAMATAN_B,
    testing.REGENCY,
)


@pytest.fixture
def data(lotim):
    member(A, name="Amaq Sinar")
    member(A, name='=HYPERLINK("http://x","klik")')
    member(A2, name="Inaq Rahmah")
    member(B, name="Papuq Lain Desa")
    denominator(A, 2025, 10)
    denominator(B, 2025, 5)
    refresh_area(REG)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_kabupaten_dashboard_shows_figures_and_links(client, users, data):
    r = get(client, users["admin_kabupaten"], reverse("coverage:dashboard", args=[REG]))
    assert r.status_code == 200
    head = r.context["head"]
    assert head.numerator.lindung == 4
    assert len(r.context["children"]) == 21
    html = r.content.decode()
    assert "/cakupan/52.03/peserta/?bulan=" in html
    assert "chart-4.6.1.umd.min.js" in html
    assert r.context["children_lindung"] == 4 == head.numerator.lindung


def test_village_dashboard_percent(client, users, data):
    r = get(client, users["operator_desa"], reverse("coverage:dashboard", args=[A]))
    assert r.status_code == 200
    assert str(r.context["head"].percent) == "20.00"  # 2 of 10
    assert "20,00%" in r.content.decode()


OUT_OF_SCOPE_PAGES = [
    ("coverage:dashboard", {}),
    ("coverage:people", {}),
    ("coverage:league", {}),
    ("coverage:certificate", {}),
    ("coverage:refresh", {}),
    ("coverage:export", {"table": "wilayah", "fmt": "csv"}),
    ("coverage:export", {"table": "tren", "fmt": "xlsx"}),
    ("coverage:export", {"table": "sektor", "fmt": "csv"}),
    ("coverage:export", {"table": "dana", "fmt": "csv"}),
    ("coverage:export", {"table": "status", "fmt": "csv"}),
    ("coverage:monthly_report", {"fmt": "xlsx"}),
    ("coverage:paritrana_report", {"fmt": "pdf"}),
]


def test_every_area_page_is_404_outside_scope(client, users, other_village_operator, data):
    operator = users["operator_desa"]
    camat = users["camat"]
    cases = [
        (n, e, u, c)
        for n, e in OUT_OF_SCOPE_PAGES
        for u, c in (
            (operator, B),
            (operator, KEC),
            (operator, REG),
            (camat, KEC_B),
            (camat, REG),
        )
    ]
    for name, extra, user, code in cases:
        client.force_login(user)
        url = reverse(name, kwargs={"code": code, **extra})
        r = client.post(url) if name == "coverage:refresh" else client.get(url)
        assert r.status_code == 404, (user.role, code, name)
    client.force_login(other_village_operator)
    assert client.get(reverse("coverage:dashboard", args=[A])).status_code == 404


def test_people_list_scoped_masked_and_equal_to_figure(client, users, data):
    url = reverse("coverage:people", args=[REG])
    r = get(client, users["admin_kabupaten"], url, jenis="aktif")
    assert r.context["page"].paginator.count == 4
    r = get(client, users["viewer"], url, jenis="aktif")
    assert r.context["page"].paginator.count == 4
    niks = [m.worker.nik for m in r.context["page"].object_list]
    html = r.content.decode()
    assert niks and all(nik not in html for nik in niks)  # viewers see masked NIKs
    assert all(f"<code>{nik[:6]}**********</code>" in html for nik in niks)
    admin_html = get(client, users["admin_kabupaten"], url, jenis="aktif").content.decode()
    assert all(f"<code>{nik}</code>" in admin_html for nik in niks)
    # The operator asking for the whole regency only gets their own village (404 page-level
    # check is above; here the list inside their village).
    r = get(client, users["operator_desa"], reverse("coverage:people", args=[A]))
    assert {m.village_id for m in r.context["page"].object_list} == {A}
    assert r.context["page"].paginator.count == 2


def test_every_csv_download_offers_and_honours_the_excel_separator(client, users, data):
    """«CSV untuk Excel» (`pemisah=titikkoma`) on each coverage CSV: the link is on the page
    and the file is split on `;`; without it, on `,`."""
    admin = users["admin_kabupaten"]
    pages = {
        reverse("coverage:people", args=[A]): {"format": "csv"},
        reverse("coverage:league", args=[REG]): {"format": "csv"},
        reverse("coverage:targets"): {"format": "csv"},
        reverse("coverage:bpjs_reports"): {"format": "csv"},
        reverse("coverage:export", args=[REG, "tren", "csv"]): {},
    }
    dashboard = get(client, admin, reverse("coverage:dashboard", args=[REG])).content.decode()
    assert dashboard.count("pemisah=titikkoma") == 4
    for url, params in pages.items():
        if params:
            html = get(client, admin, url).content.decode()
            assert "pemisah=titikkoma" in html and "CSV untuk Excel" in html, url
        for pemisah, sep in (("titikkoma", ";"), ("koma", ","), ("lain", ",")):
            body = get(client, admin, url, **params, pemisah=pemisah).getvalue().decode("utf-8-sig")
            header = body.splitlines()[0]
            other = "," if sep == ";" else ";"
            assert sep in header and other not in header, (url, pemisah, header)


def test_people_export_logs_access_masks_and_neutralises_formulas(client, users, data):
    url = reverse("coverage:people", args=[A])
    r = get(client, users["viewer"], url, format="csv")
    assert r.status_code == 200
    body = r.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "nik" and len(rows) == 3
    names = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x","klik")' in names
    assert all("*" in row[0] for row in rows[1:])
    log = AccessLog.objects.get()
    assert log.action == "export" and log.record_count == 2 and log.area_code == A
    r = get(client, users["admin_kabupaten"], url, format="xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(r.content)).active
    cells = {c.value: c.data_type for c in sheet["B"]}
    assert cells['=HYPERLINK("http://x","klik")'] == "s"  # a text cell, as typed
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_area_exports(client, users, data):
    admin = users["admin_kabupaten"]
    r = get(client, admin, reverse("coverage:export", args=[REG, "wilayah", "csv"]))
    rows = list(csv.reader(io.StringIO(r.getvalue().decode("utf-8-sig"))))
    assert rows[1][0] == REG and len(rows) == 1 + 1 + 21
    assert sum(int(row[3]) for row in rows[2:]) == int(rows[1][3]) == 4
    r = get(client, admin, reverse("coverage:export", args=[REG, "nope", "csv"]))
    assert r.status_code == 404


def test_league_ties_and_villages_without_denominator(client, users, lotim):
    # Danggen Timur 1/10 = 10 %, Pancor 2/20 = 10 % (tie), Tanjung Luar 1/5 = 20 %.
    member(A)
    member(A2)
    member(A2)
    member(B)
    denominator(A, 2025, 10)
    denominator(A2, 2025, 20)
    denominator(B, 2025, 5)
    refresh_area(REG)
    admin = users["admin_kabupaten"]
    r = get(client, admin, reverse("coverage:league", args=[REG]), urut="persen")
    table = r.context["table"]
    top = [(row.rank, row.code, row.tied) for row in table.ranked[:3]]
    assert top == [(1, B, False), (2, "52.03.07.2012", True), (2, A2, True)]
    assert len(table.ranked) == 3
    assert len(table.without_denominator) == 254 - 3
    r = get(client, admin, reverse("coverage:league", args=[REG]), urut="peserta")
    ranked = r.context["table"].ranked
    assert (ranked[0].code, ranked[0].rank) == (A2, 1)
    assert [row.rank for row in ranked[1:3]] == [2, 2] and ranked[3].rank == 4
    assert not r.context["table"].without_denominator
    r = get(client, admin, reverse("coverage:certificate", args=[REG]), urut="persen")
    assert r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
    r = get(client, users["camat"], reverse("coverage:certificate", args=[KEC]), urut="peserta")
    assert r.content.startswith(b"%PDF")  # a camat prints their own kecamatan's award
    r = get(client, users["camat"], reverse("coverage:certificate", args=[REG]))
    assert r.status_code == 404  # but not the regency's
    r = get(client, users["viewer"], reverse("coverage:certificate", args=[REG]))
    assert r.status_code == 403
    r = get(client, admin, reverse("coverage:league", args=[REG]), urut="persen", format="csv")
    body = r.getvalue().decode("utf-8-sig")
    assert "belum ada penyebut" in body and body.count("\n") == 1 + 254


def test_competition_ranking():
    from lindung.coverage.league import competition_ranks

    assert competition_ranks([9, 7, 7, 5, 5, 5, 1]) == [
        (1, False),
        (2, True),
        (2, True),
        (4, True),
        (4, True),
        (4, True),
        (7, False),
    ]
    assert competition_ranks([]) == []


def report_file(client, user, name, code, fmt, **params) -> bytes:
    """A report requested as the dashboard does (POST): a desa's comes back at once, a larger
    area's is made by `run_jobs` and downloaded from its job page."""
    client.force_login(user)
    url = reverse(name, args=[code, fmt]) + ("?" + urlencode(params) if params else "")
    r = client.post(url)
    if r.status_code == 200:
        return r.content
    assert r.status_code == 302, r.status_code
    call_command("run_jobs", "--once", stdout=io.StringIO())
    job = ReportJob.objects.get(pk=resolve(r.url).kwargs["pk"])
    assert job.status == ReportJob.Status.DONE, job.message
    r = client.get(reverse("coverage:report_job_download", args=[job.pk]))
    assert r.status_code == 200
    return b"".join(r.streaming_content)


def test_reports(client, users, data, settings, tmp_path):
    from openpyxl import load_workbook

    from lindung.coverage.models import RegionalPolicy

    settings.MEDIA_ROOT = tmp_path
    RegionalPolicy.objects.create(
        area_id=REG,
        kind="se",
        number="400.10.2.4/112/PMD/2026",
        title="Jamsostek desa",
        issued_on=D(2026, 1, 5),
    )
    admin = users["admin_kabupaten"]
    content = report_file(client, admin, "coverage:monthly_report", REG, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:2] == ["Ringkasan", "Per wilayah"]
    assert "Peringkat desa" in book.sheetnames
    summary = {row[0].value: row[1].value for row in book["Ringkasan"].iter_rows()}
    assert summary["  Peserta BPU didaftarkan Lindung"] == 4
    content = report_file(client, admin, "coverage:monthly_report", REG, "pdf")
    assert content.startswith(b"%PDF")
    content = report_file(client, admin, "coverage:paritrana_report", REG, "xlsx", tahun="2026")
    book = load_workbook(io.BytesIO(content))
    cells = [c.value for row in book["Regulasi"].iter_rows() for c in row]
    assert "400.10.2.4/112/PMD/2026" in cells
    sheet = book["Anggaran"]
    assert [c.value for c in sheet[1]][:3] == ["sumber_dana", "jumlah_pos", "pagu_rp"]
    assert sheet.max_row == 1  # no funding source recorded yet: header only, no invented rows
    from lindung.funding.models import FundingSource

    FundingSource.objects.create(
        name="APBD 2026",
        source_type="APBD",
        fiscal_year=2026,
        start_month=D(2026, 1, 1),
        months=12,
        owner_area_id=REG,
        amount=1_000_000_000,
    )
    content = report_file(client, admin, "coverage:paritrana_report", REG, "xlsx", tahun="2026")
    rows = list(load_workbook(io.BytesIO(content))["Anggaran"].values)
    assert rows[1][:3] == ("APBD Kabupaten", 1, 1_000_000_000)
    content = report_file(client, admin, "coverage:paritrana_report", REG, "pdf")
    assert content.startswith(b"%PDF")
    # The operator's Paritrana regulations come only from their scope.
    content = report_file(client, users["operator_desa"], "coverage:paritrana_report", A, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book["Regulasi"].max_row == 1


def test_bpjs_upload_all_or_nothing_and_permissions(client, users, lotim):
    url = reverse("coverage:bpjs_reports")
    good = b"kode_wilayah,bulan,segmen,jumlah\n52.03.07,2026-01,PU,300\n5203072012,2026-01,BPU,4\n"
    bad = good + b"52.03.99,2026-01,PU,1\n52.03.07,2026-13,PU,1\n52.03.07,2026-01,XX,1\n"
    client.force_login(users["petugas_bpjs"])
    r = client.post(url, {"file": _upload("bad.csv", bad)}, follow=True)
    msgs = [str(m) for m in r.context["messages"]]
    assert any("Baris 4" in m and "52.03.99" in m for m in msgs)
    assert any("Baris 5" in m and "2026-13" in m for m in msgs)
    assert any("Baris 6" in m and "XX" in m for m in msgs)
    assert not BpjsReportCount.objects.exists()
    client.post(url, {"file": _upload("good.csv", good)})
    assert BpjsReportCount.objects.count() == 2
    wide = b"kode,bulan,pu,bpu,jakon\n52.03.07,2026-02,310,5,7\n"
    client.post(url, {"file": _upload("wide.csv", wide)})
    assert BpjsReportCount.objects.filter(period=D(2026, 2, 1)).count() == 3
    client.force_login(users["operator_desa"])
    assert client.post(url, {"file": _upload("good.csv", good)}).status_code == 403
    r = client.get(url)
    assert [row.area_id for row in r.context["page"]] == [A]  # only their village's row


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_targets_page(client, users, lotim):
    url = reverse("coverage:targets")
    client.force_login(users["admin_kabupaten"])
    r = client.post(url, {"area_code": "5203", "year": 2026, "percent": "40", "source": "RPJMD"})
    assert r.status_code == 302
    assert CoverageTarget.objects.get(area_id=REG, year=2026).percent == 40
    r = client.post(url, {"area_code": "52.03", "year": 2026, "percent": "41", "source": "x"})
    assert "sudah ada" in r.content.decode()
    r = client.post(url, {"area_code": "52.03", "year": 2027, "percent": "140", "source": "x"})
    assert "paling tinggi 100%" in r.content.decode()
    r = client.post(url, {"area_code": "52", "year": 2027, "percent": "40", "source": "x"})
    assert "di luar wilayah kerja" in r.content.decode()
    client.force_login(users["camat"])
    assert (
        client.post(
            url, {"area_code": KEC, "year": 2026, "percent": "1", "source": "x"}
        ).status_code
        == 403
    )


def test_refresh_view_permissions(client, users, lotim):
    member(A)
    url = reverse("coverage:refresh", args=[REG])
    client.force_login(users["viewer"])
    assert client.post(url).status_code == 403
    client.force_login(users["admin_kabupaten"])
    assert client.post(url).status_code == 302
    assert CoverageRefreshLog.objects.get(area_id=REG).villages == 254


def test_stale_figures_are_flagged(client, users, lotim):
    member(A)
    refresh_area(REG, on=D(2025, 12, 31))
    r = get(client, users["admin_kabupaten"], reverse("coverage:dashboard", args=[REG]))
    assert r.context["freshness"].stale
    assert "belum berjalan hari ini" in r.content.decode()


def test_home_card(client, users, data):
    client.force_login(users["operator_desa"])
    r = client.get(reverse("home"))
    cards = [c for c in r.context["cards"] if c["label"] == "Cakupan UCJ"]
    assert cards and cards[0]["value"] == "20,0%"
    assert cards[0]["url"] == reverse("coverage:dashboard", args=[A])


def test_cli_json(lotim, capsys):
    member(A, start=D(2026, 1, 1), paid_until=D(2026, 3, 31))
    denominator(A, 2025, 8)
    call_command("coverage", "52.03.07", "--date", "2026-02-15", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == KEC and data["date"] == "2026-02-15"
    assert data["numerator"]["combined"] == 1 and data["numerator"]["lindung_bpu"] == 1
    assert data["numerator"]["bpjs_report"] is None
    assert data["denominator"]["value"] is None and data["percent"] is None
    child = next(c for c in data["children"] if c["code"] == A)
    assert child["percent"] == 12.5
    assert child["denominator"] == {
        "value": 8,
        "year": 2025,
        "source": "bps_bekerja",
        "source_label": "BPS: penduduk bekerja (Sakernas)",
        "note": None,
        "summed_from_children": 0,
    }
    assert child["target"]["percent"] == 34.99 and child["target"]["set_for"] == "nasional"
    assert child["gap"] == {"percentage_points": 22.49, "workers_to_enrol": 2}
    call_command("coverage", "52.03.07", "--date", "2026-04-01", "--json")
    later = json.loads(capsys.readouterr().out)
    assert later["numerator"]["combined"] == 0  # paid until 31 Mar
    call_command("coverage", "5203072012")
    assert "Danggen Timur" in capsys.readouterr().out
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("coverage", "99.99")
    with pytest.raises(CommandError, match="tidak valid"):
        call_command("coverage", "52.03", "--date", "2026-02-30")


def test_refresh_command(lotim, capsys):
    member(A)
    call_command("coverage_refresh", "52.03", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["villages"] == 254 and out["ref_day"] == today().isoformat()
    from lindung.coverage.models import CoverageSnapshot

    assert CoverageSnapshot.objects.filter(area_id=REG, period=month_start(today())).exists()
