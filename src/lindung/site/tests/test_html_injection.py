"""Hostile text in every free-text field a user can enter, rendered back by every page.

Each field gets its own payload (script tag, attribute break-out with an event handler, and a
template expression) tagged with a number, so the test knows which field a page shows. Every
GET page of the app (lists, details, forms, HTML behind the PDF exports) is requested as the
regency admin: none may answer 500, none may contain the markup unescaped, the template
expression must come back literally, and every field must be shown escaped on some page (else
the test did not look where it shows). A new CharField/TextField must be classified below, or
test_every_text_field_is_classified fails.

Uploads: a file name with a path (`../../etc/passwd.xlsx`) and a zip bomb disguised as .xlsx,
through the upload forms. The import pipeline's own corpus (imports/tests/test_corpus.py)
already feeds the bomb to the reader; here it goes through the pages.
"""

import datetime as dt
import html
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models

from lindung.accounts.models import User
from lindung.imports import jobs
from lindung.imports.tests.test_corpus import _zip_bomb
from lindung.site.tests.test_access_matrix import BY_PK, _app_routes

# Fields a user types (forms, imports, API) and pages display.
USER_TEXT = {
    "areas.WorkforceDenominator": ["source_note"],
    "coverage.Letterhead": [
        "government",
        "office",
        "address",
        "place",
        "signatory_name",
        "signatory_title",
        "signatory_nip",
    ],
    "accounts.User": ["first_name", "last_name"],
    "accounts.ApiToken": ["name"],
    "workers.Worker": ["name", "address", "birthplace"],
    "workers.EligibilityRule": ["source", "note"],
    "workers.EligibilityOverride": ["failed_checks", "reason"],
    "enrollment.MembershipTransition": ["note"],
    "enrollment.ContributionPayment": ["note"],
    "enrollment.TariffVersion": ["name", "regulation", "note", "source"],
    "enrollment.DiscountProgramme": [
        "name",
        "regulation",
        "condition_note",
        "open_question",
        "source",
    ],
    "enrollment.LapseRule": ["regulation", "open_question", "source"],
    "imports.ImportRule": ["regulation", "note"],
    "imports.ImportJob": ["original_name", "message"],
    "imports.PossibleDuplicate": ["merged_summary"],
    "funding.FundingSource": ["name", "legal_basis", "note"],
    "funding.Commitment": ["tariff_note", "note"],
    "funding.WeightPolicy": ["name", "source"],
    "funding.Scenario": ["name", "progress_message", "error"],
    "outreach.OutreachPolicy": ["source"],
    "outreach.Team": ["name", "decree_number"],
    "outreach.TeamMember": ["name"],
    "outreach.Activity": ["place", "notes"],
    "outreach.OutreachTarget": ["note"],
    "claims.BenefitParameter": ["label", "regulation", "note"],
    "claims.ScholarshipRate": ["regulation"],
    "claims.DocumentRequirement": ["label", "regulation"],
    "claims.Claim": ["rejection_reason", "note"],
    "claims.ClaimTransition": ["note"],
    "claims.Heir": ["name", "court_ruling"],
    "coverage.GradeBand": ["label", "source"],
    "coverage.CoverageTarget": ["source", "note"],
    "coverage.BpjsReportCount": ["source_note"],
    "coverage.RegionalPolicy": ["number", "title", "note"],
    "coverage.Innovation": ["title", "description"],
    "coverage.ReportJob": ["message"],
    "exchange.ExportProfile": ["name", "note"],
    "exchange.ExchangeImport": ["file_name"],
}
# Text fields that are not free text: validated formats, codes, secrets, reference data.
NOT_FREE_TEXT = {
    "areas.Area": "official Kemendagri codes and names, loaded by `lindung setup`",
    "accounts.User.password": "hash",
    "accounts.User.username": "login name, validated by Django's username validator",
    "accounts.User.email": "validated e-mail address",
    "accounts.User.phone": "validated phone number (digits)",
    "accounts.ApiToken.key_hash": "hash",
    "accounts.ApiToken.prefix": "generated",
    "audit.AccessLog": "written by the app (URL names and area codes)",
    "workers.Sector": "reference data seeded by migrations",
    "exchange.OccupationMapping": "OpenSID's occupation list, seeded by migrations; admin only",
    "workers.Worker.nik": "16 digits, validated",
    "workers.EligibilityOverride.step": "internal step code set by the service",
    "workers.Worker.phone": "validated phone number (digits)",
    "workers.Worker.name_first_word": "derived from the name for the duplicate check, not shown",
    "workers.Worker.name_last_word": "derived from the name for the duplicate check, not shown",
    "enrollment.Membership.kpj": "digits, validated",
    "enrollment.TariffVersion.code": "slug chosen by the admin, used in URLs (slug converter)",
    "enrollment.DiscountProgramme.code": "code",
    "enrollment.LapseRule.code": "code",
    "funding.WeightPolicy.code": "code",
    "outreach.TeamMember.phone": "validated phone number (digits)",
    "outreach.Activity.photo_content_type": "sniffed from the image bytes",
    "claims.BenefitParameter.code": "code",
    "claims.BenefitParameter.unit": "code",
    "claims.DocumentRequirement.code": "code",
    "claims.Heir.nik": "16 digits, validated",
    "coverage.GradeBand.code": "code",
    "coverage.GradeBand.colour": "validated colour",
    "coverage.CoverageConfig.denominator_sources": "list of choice codes",
    "coverage.CoverageSnapshot.funding_type": "choice code",
    "coverage.CoverageStatusCount.status": "choice code",
    "coverage.ReportJob.progress_message": "written by the app (fixed step names)",
    "coverage.ReportJob.filename": "generated from the area code and period",
    "exchange.ExportBatch.sha256": "hash",
    "exchange.ExchangeImport.sha256": "hash",
    "tallies.VillageTally.key": "fixed keys written by the app (tallies.entries)",
    "tallies.AreaTally.key": "fixed keys written by the app (tallies.entries)",
}
# Stored and filled with the payload above, but no page displays them (so none can leak them).
NOT_DISPLAYED = {
    "coverage.RegionalPolicy.note",
    "enrollment.DiscountProgramme.source",
    "enrollment.LapseRule.source",
    "funding.Commitment.note",
    "funding.Commitment.tariff_note",
    "funding.WeightPolicy.name",
    "funding.WeightPolicy.source",
    "imports.ImportRule.note",
    "imports.ImportRule.regulation",
}
RAW = re.compile(r"<script>alert\(|<img src=x onerror|\"'><img")
REGENCY, VILLAGE = "52.03", "52.03.07.2012"


def payload(n: int) -> str:
    return f"<script>alert({n})</script>\"'><img src=x onerror=alert({n})>{{{{7*7}}}}"


def _text_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("lindung.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield model._meta.label, field


def test_every_text_field_is_classified():
    unclassified = [
        f"{label}.{field.name}"
        for label, field in _text_fields()
        if field.name not in USER_TEXT.get(label, [])
        and label not in NOT_FREE_TEXT
        and f"{label}.{field.name}" not in NOT_FREE_TEXT
    ]
    assert unclassified == []


def _missing_rows(admin) -> None:
    """Rows of the models the demo does not create (claims, imports, exchange, …)."""
    from lindung.accounts.models import ApiToken
    from lindung.claims.models import Claim, ClaimTransition, Heir
    from lindung.coverage.models import BpjsReportCount, Innovation, RegionalPolicy, ReportJob
    from lindung.enrollment.models import ContributionPayment, Membership
    from lindung.exchange import bpjs_status
    from lindung.funding.models import Scenario
    from lindung.imports.models import ImportJob, PossibleDuplicate
    from lindung.workers.models import EligibilityOverride, Worker

    day = dt.date(2026, 5, 1)
    for m in Membership.objects.filter(village_id=VILLAGE)[:3]:
        ContributionPayment.objects.create(
            membership=m,
            period_start=day,
            period_end=dt.date(2026, 5, 31),
            months=1,
            amount=16800,
            expected_amount=16800,
            funding_type="DANA_DESA",
            paid_on=day,
        )
        claim = Claim.objects.create(
            membership=m, claim_type="JKM", event_date=day, report_date=day
        )
        ClaimTransition.objects.create(claim=claim, to_status="dilaporkan", by=admin)
        Heir.objects.create(claim=claim, name="x", relationship="janda")
    # Statuses under which the pages show the job message, merge summary and scenario error.
    job = ImportJob(original_name="x", area_id=VILLAGE, created_by=admin, status="failed")
    job.file.save("daftar.csv", ContentFile(b"NIK;Nama\n"), save=False)
    job.save()
    first, second = Worker.objects.order_by("pk")[:2]
    EligibilityOverride.objects.create(
        worker=first, funding_type="MANDIRI", step="pendaftaran", failed_checks="x", reason="x",
        by=admin,
    )  # fmt: skip
    PossibleDuplicate.objects.create(
        worker=first, match=second, score=90, nik_distance=1, job=job, status="merged"
    )
    Scenario.objects.filter(pk=Scenario.objects.order_by("pk").first().pk).update(status="failed")
    BpjsReportCount.objects.create(
        area_id=REGENCY, period=dt.date(2026, 4, 1), segment="BPU", participants=10
    )
    RegionalPolicy.objects.create(
        area_id=REGENCY, kind="perbup", number="x", title="x", issued_on=day
    )
    Innovation.objects.create(area_id=REGENCY, title="x", description="x", started_on=day)
    ReportJob.objects.create(  # failed: its page shows the message
        kind="monthly", fmt="pdf", area_id=REGENCY, period=day, created_by=admin, status="failed"
    )
    status_file = f"NIK,NAMA,KPJ,STATUS\n{first.nik},{first.name},23001,aktif\n9,X,,aktip\n"
    bpjs_status.preview(admin, "bpjs.csv", status_file.encode())
    ApiToken.objects.create(user=admin, name="x", key_hash="0" * 64, prefix="abcd")
    from lindung.coverage.models import Letterhead

    Letterhead.objects.create()  # printed on the certificate and the reports


@pytest.fixture
def hostile(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--workers", "300", "--seed", "5", stdout=StringIO(), stderr=StringIO())
    admin = User.objects.get(username="admin")
    _missing_rows(admin)
    numbers = {}
    for label, names in USER_TEXT.items():
        model = apps.get_model(label)
        assert model.objects.exists(), f"no {label} row to fill"
        values = {}
        for name in names:
            n = numbers[f"{label}.{name}"] = len(numbers) + 1
            field = model._meta.get_field(name)
            values[name] = payload(n)[: field.max_length] if field.max_length else payload(n)
        model.objects.update(**values)
    return admin, numbers


def _fill(route: str, name: str) -> list[str]:
    """Concrete URLs for a route: ids of the (hostile) rows, the regency and a village."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    extra = {
        "imports:": "imports.ImportJob",
        "imports:duplicate_detail": "imports.PossibleDuplicate",
        "funding:scenario": "funding.Scenario",
        "coverage:report_job": "coverage.ReportJob",
        "exchange:batch": "exchange.ExportBatch",
        "exchange:import": "exchange.ExchangeImport",
        "exchange:profile": "exchange.ExportProfile",
        "outreach:activity_unattribute": "outreach.Activity",
    }
    label = BY_PK.get(name) or next(
        (v for k, v in sorted(extra.items(), key=lambda kv: -len(kv[0])) if name.startswith(k)),
        None,
    )
    values = {
        "code": [REGENCY, VILLAGE],
        "fmt": ["pdf", "html"],
        "table": ["ringkasan", "desa"],
        "app_label": ["workers"],
        "model_name": ["worker"],
    }
    urls = [route]
    for _, param in params:
        if param in values:
            urls = [
                u.replace(f"<{c}:{param}>", v)
                for u in urls
                for c in ("str", "slug")
                for v in values[param]
                if f"<{c}:{param}>" in u
            ]
            continue
        if param == "heir_pk":
            obj = apps.get_model("claims.Heir").objects.first()
        elif param == "worker_id" and name != "outreach:activity_unattribute":
            obj = apps.get_model("workers.Worker").objects.filter(village_id=VILLAGE).first()
        elif param == "worker_id" or name == "audit:history":
            obj = apps.get_model("workers.Worker").objects.first()
        elif label:
            obj = apps.get_model(label).objects.order_by("pk").first()
        else:
            obj = None
        if obj is None:
            return []
        urls = [u.replace(f"<int:{param}>", str(obj.pk)) for u in urls]
    return ["/" + u for u in urls]


@pytest.fixture
def captured_pdf_html(monkeypatch):
    """The HTML behind every PDF export, instead of the PDF (which hides it)."""
    import weasyprint

    pages = []

    class FakeHTML:
        def __init__(self, string, base_url=None):
            pages.append(string)

        def write_pdf(self):
            return b"%PDF-1.7 test"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    return pages


def test_hostile_text_is_escaped_on_every_page(client, hostile, captured_pdf_html):
    admin, numbers = hostile
    client.force_login(admin)
    shown, errors, unescaped, requested = set(), [], [], 0
    texts = []
    for route, name in _app_routes():
        if name in {"logout"}:
            continue
        for url in _fill(route, name):
            requested += 1
            before = len(captured_pdf_html)
            response = client.get(url)
            if response.status_code >= 500:
                errors.append(f"{url} -> {response.status_code}")
                continue
            content_type = response.get("Content-Type", "")
            if not hasattr(response, "content"):
                continue
            if "html" in content_type:
                texts.append((url, response.content.decode("utf-8", "replace")))
            elif "json" in content_type:
                # Data, not markup: fine raw, as long as no browser sniffs it into HTML.
                assert response.get("X-Content-Type-Options") == "nosniff", url
                shown.update(map(int, re.findall(r"<script>alert\((\d+)\)", response.text)))
            texts.extend((f"{url} (PDF)", page) for page in captured_pdf_html[before:])
    for url, text in texts:
        if RAW.search(text):
            match = RAW.search(text)
            unescaped.append(f"{url}: …{text[max(0, match.start() - 80) : match.end() + 40]}…")
        for number in re.findall(
            r"&lt;script&gt;alert\((\d+)\)|\\u003Cscript\\u003Ealert\((\d+)\)", text
        ):
            shown.add(int(number[0] or number[1]))
        assert "onerror=alert(1)&gt;49" not in text, f"template expression evaluated on {url}"
    assert errors == []
    assert unescaped == []
    assert requested > 100
    assert any("{{7*7}}" in text for _, text in texts)
    never_shown = sorted(f for f, n in numbers.items() if n not in shown and f not in NOT_DISPLAYED)
    assert never_shown == [], f"fields no page shows: {never_shown}"


# --- Uploads ---------------------------------------------------------------------------------


def _multipart(field: str, filename: str, content: bytes, extra: dict | None = None):
    boundary = "----lindungbatas"
    parts = []
    for key, value in (extra or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            + f"{value}\r\n".encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def uploader(db, settings, tmp_path, monkeypatch, users):
    from lindung.imports.tests.helpers import ensure_sectors

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_sectors()
    monkeypatch.setattr(jobs, "launch", jobs.process)
    return users


@pytest.mark.parametrize(
    "filename,kept",
    [("../../etc/passwd.xlsx", "passwd.xlsx"), ("..\\..\\windows\\win.ini.csv", "win.ini.csv")],
)
def test_upload_name_with_a_path_stays_inside_media(
    client, uploader, settings, filename, kept, django_capture_on_commit_callbacks
):
    from lindung.imports.models import ImportJob

    client.force_login(uploader["operator_desa"])
    body, content_type = _multipart("file", filename, b"NIK;Nama\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/impor/", body, content_type=content_type)
    assert response.status_code in (200, 302)
    job = ImportJob.objects.get()
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = Path(job.file.path).resolve()
    assert stored.is_relative_to(media / "imports"), stored
    assert ".." not in job.file.name and "/etc/" not in job.file.name
    assert job.original_name == kept  # only the last part of the name is kept
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert "etc/passwd" not in page


def test_zip_bomb_upload_is_refused_cleanly(client, uploader, django_capture_on_commit_callbacks):
    from lindung.imports.models import ImportJob
    from lindung.workers.models import Worker

    client.force_login(uploader["operator_desa"])
    body, content_type = _multipart("file", "laporan.xlsx", _zip_bomb())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/impor/", body, content_type=content_type)
    assert response.status_code in (200, 302)
    job = ImportJob.objects.get()
    assert job.accepted == 0 and Worker.objects.count() == 0
    page = client.get(f"/impor/{job.pk}/")
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert job.message and job.message in text
