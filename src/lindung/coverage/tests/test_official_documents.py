"""Official documents fit to sign: letterhead (government, office, address, logo), the
signatory's name, title and NIP, a signature block; the certificate one page per winner; the
Bupati report with its trend and sector charts. Settings on one admin page."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image
from weasyprint import HTML

from lindung.areas.models import Area
from lindung.claims.models import ClaimsSettings
from lindung.core import testing
from lindung.core.months import month_start
from lindung.coverage import reports, svgcharts
from lindung.coverage.models import CoverageConfig, Letterhead
from lindung.coverage.periods import today
from lindung.coverage.snapshots import refresh_area

from .conftest import denominator, member

REG = testing.REGENCY
NIP = "197805122005011003"


@pytest.fixture
def data(lotim, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for code, n in ((testing.VILLAGE_A, 3), (testing.VILLAGE_A2, 2), (testing.VILLAGE_B, 1)):
        for i in range(n):
            member(code, name=f"Peserta {code} {i}")
        denominator(code, 2025, 10)
    denominator(REG, 2025, 1000)
    refresh_area(REG)


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#0b6e4f").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def _set_letterhead(client, admin) -> None:
    client.force_login(admin)
    response = client.post(
        reverse("coverage:settings"),
        {
            "bagian": "kop",
            "kop-government": "Pemerintah Kabupaten Lombok Timur",
            "kop-office": "Dinas Tenaga Kerja dan Transmigrasi",
            "kop-address": "Jl. Prof. M. Yamin No. 57, Selong",
            "kop-place": "Selong",
            "kop-logo": _png(),
            "kop-signatory_name": "H. Lalu Ahmad Yani",
            "kop-signatory_title": "Kepala Dinas Tenaga Kerja dan Transmigrasi",
            "kop-signatory_nip": NIP,
        },
    )
    assert response.status_code == 302, response.context["forms"]["kop"].errors


def test_settings_page_is_the_admins_and_gathers_the_open_choices(client, users, data):
    client.force_login(users["camat"])
    assert client.get(reverse("coverage:settings")).status_code == 403
    _set_letterhead(client, users["admin_kabupaten"])
    head = Letterhead.current()
    assert head.signatory_nip == NIP and head.logo.name.startswith("letterhead/")
    assert head.nip_shown == "19780512 200501 1 003"
    body = client.get(reverse("coverage:settings")).content.decode()
    # The open choices of coverage and claims are edited here too.
    assert 'name="cakupan-bpu_overlap"' in body and 'name="klaim-jkm_waiting_variant"' in body
    # Each section posts its own part; only the letterhead (with its logo) uploads a file.
    for part in ("kop", "cakupan", "klaim"):
        assert f'<h2 id="{part}">' in body
        assert f'<input type="hidden" name="bagian" value="{part}">' in body
    assert body.count('enctype="multipart/form-data"') == 1
    assert 'class="logo"' in body and body.count("Simpan kop surat") == 1
    response = client.post(
        reverse("coverage:settings"), {"bagian": "klaim", "klaim-jkm_waiting_variant": "pemakaman"}
    )
    assert response.status_code == 302
    assert ClaimsSettings.current().jkm_waiting_variant == "pemakaman"
    response = client.post(
        reverse("coverage:settings"),
        {"bagian": "cakupan", "cakupan-bpu_overlap": "sum", "cakupan-denominator_sources": "x",
         "cakupan-lapse_risk_days": "45"},
    )  # fmt: skip
    assert response.status_code == 302 and CoverageConfig.current().lapse_risk_days == 45


def test_a_wrong_nip_is_refused_and_nothing_changes(client, users, data):
    client.force_login(users["admin_kabupaten"])
    response = client.post(
        reverse("coverage:settings"),
        {"bagian": "kop", "kop-government": "X", "kop-office": "Y", "kop-place": "Selong",
         "kop-signatory_nip": "1978 0512"},
    )  # fmt: skip
    assert response.status_code == 200 and "18 angka" in response.content.decode()
    assert not Letterhead.objects.exists()


def test_certificate_carries_letterhead_and_signature_and_fits_one_page_each(
    client, users, data, monkeypatch
):
    _set_letterhead(client, users["admin_kabupaten"])
    captured = {}
    from lindung.coverage.views import league as views

    real = views.pdf_response

    def capture(html, filename, base_url=None):
        captured["html"] = html
        return real(html, filename, base_url)

    monkeypatch.setattr(views, "pdf_response", capture)
    response = client.get(reverse("coverage:certificate", args=[REG]), {"urut": "persen"})
    assert response.content.startswith(b"%PDF")
    html = captured["html"]
    winners = html.count('class="cert"')
    assert winners == 3
    for text in (
        "PEMERINTAH KABUPATEN LOMBOK TIMUR",
        "H. Lalu Ahmad Yani",
        "NIP 19780512 200501 1 003",
        "Kepala Dinas Tenaga Kerja dan Transmigrasi",
        "data:image/png;base64,",
    ):
        assert html.count(text) == winners, text
    assert f"Selong, {today().day} " in html
    # One page per certificate: nothing spills over onto a second page.
    assert len(HTML(string=html).render().pages) == winners


def test_bupati_report_has_letterhead_signature_and_both_charts(client, users, data):
    _set_letterhead(client, users["admin_kabupaten"])
    data_ = reports.monthly(
        users["admin_kabupaten"], Area.objects.get(code=REG), month_start(today())
    )
    html = render_to_string("coverage/pdf/monthly.html", data_)
    assert html.count("<svg") == 2 and "<rect" in html  # trend and sector charts
    has_percent = any(t["percent"] is not None for t in data_["trend"])
    assert has_percent and "<polyline" in html
    assert "H. Lalu Ahmad Yani" in html and "NIP 19780512 200501 1 003" in html
    assert "DINAS TENAGA KERJA DAN TRANSMIGRASI" in html
    document = HTML(string=html).render()
    assert len(document.pages) >= 1
    paritrana = render_to_string(
        "coverage/pdf/paritrana.html",
        reports.paritrana(users["admin_kabupaten"], Area.objects.get(code=REG), today().year),
    )
    assert "H. Lalu Ahmad Yani" in paritrana and "PEMERINTAH KABUPATEN" in paritrana


def test_svg_charts_escape_labels_and_format_numbers():
    svg = svgcharts.bar_chart([("<Petani & nelayan>", 12_345), ("Ojek", 3)])
    assert "&lt;Petani &amp; nelayan&gt;" in svg and "12.345" in svg and "<Petani" not in svg
    line = svgcharts.line_chart(["Jan 2026", "Feb 2026", "Mar 2026"], [1.5, None, 2.25])
    assert line.count("<circle") == 2 and "2,25%" in line
    assert "<polyline" not in svgcharts.line_chart(["Jan 2026"], [None])


def test_reports_leave_out_categories_without_a_verified_source(users, data):
    """The seeded grade bands have no verified source: the official report shows no category
    and no note about it; only decided values with their basis."""
    data_ = reports.monthly(
        users["admin_kabupaten"], Area.objects.get(code=REG), month_start(today())
    )
    summary = dict((k, v) for k, v in data_["summary"])
    assert summary["Kategori"] == "-"
    assert not any("Ambang" in n for n in data_["notes"])
    assert summary["  Sumber target"]  # the target keeps its legal basis
