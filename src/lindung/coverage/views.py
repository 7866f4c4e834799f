"""Coverage pages: dashboards, people behind the numbers, league table, reports, settings."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.scoping import scoped, user_covers_area
from lindung.areas.models import Area, AreaLevel
from lindung.areas.services import breadcrumbs_for, home_area_for
from lindung.audit.models import AccessLog, log_access
from lindung.core.export import attachment as _attachment
from lindung.core.export import table_response
from lindung.core.figures import cached
from lindung.core.filters import read_filters
from lindung.core.generic import requested_delimiter
from lindung.core.months import add_months_to_first, month_start
from lindung.core.spreadsheet import SpreadsheetError
from lindung.enrollment.models import FundingType, MembershipStatus
from lindung.workers.models import Sector
from lindung.workers.nik import mask_nik

from . import dashboard as dash
from . import reportjobs, reports
from .bpjs_import import import_bpjs_counts
from .exports import pdf_response
from .filters import (
    ExportListForm,
    LeagueFilterForm,
    ParitranaFilterForm,
    PeopleFilterForm,
    PeriodFilterForm,
)
from .forms import InnovationForm, PolicyForm, TargetForm, UploadForm
from .league import METRICS, league_rows, league_table
from .letterhead import letterhead_context
from .models import (
    BpjsReportCount,
    CoverageConfig,
    CoverageTarget,
    GradeBand,
    Innovation,
    RegionalPolicy,
    ReportJob,
)
from .periods import ref_day, today
from .selectors import KINDS, people
from .snapshots import refresh_area

PAGE_SIZE = 50
EXPORT_FORMATS = {"csv", "xlsx"}


def _area(user, code: str) -> Area:
    """The area if the user may see it; 404 otherwise (never 403, never data)."""
    if not user_covers_area(user, code):
        raise Http404("Wilayah tidak ditemukan.")
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404("Wilayah tidak ditemukan.")
    return area


def _period(request) -> tuple[dt.date, PeriodFilterForm]:
    """The `bulan` of a dashboard or report (the running month when absent or bad)."""
    form = read_filters(request, PeriodFilterForm)
    return form.values["bulan"], form


def _people_base(code: str) -> str:
    return reverse("coverage:people", args=[code])


def _people_query(period: dt.date, kind: str, **extra) -> str:
    params = {"bulan": period.strftime("%Y-%m"), "jenis": kind}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return "?" + urlencode(params)


def _link_indicators(indicators, period: dt.date) -> None:
    """People and dashboard links of every area row (URLs reversed once per area, not per
    link: a regency's dashboard has ~90 of them)."""
    for ind in indicators:
        people = _people_base(ind.code)
        ind.extra["people_url"] = people + _people_query(period, "aktif")
        ind.extra["risk_url"] = people + _people_query(period, "risiko")
        ind.extra["new_url"] = people + _people_query(period, "baru")
        ind.extra["dashboard_url"] = reverse("coverage:dashboard", args=[ind.code])


def _claims_url(code: str, period: dt.date) -> str | None:
    try:
        base = reverse("claims:list")
    except NoReverseMatch:
        return None
    start = period.replace(month=1, day=1)
    return (
        base
        + "?"
        + urlencode(
            {
                "status": "dibayar",
                "wilayah": code,
                "dari": start.isoformat(),
                "sampai": ref_day(period).isoformat(),
            }
        )
    )


@login_required
def index(request):
    area = home_area_for(request.user)
    if area is None:
        return render(request, "coverage/no_area.html")
    return redirect("coverage:dashboard", code=area.code)


@login_required
def area_dashboard(request, code: str):
    area = _area(request.user, code)
    period, filter_form = _period(request)
    data = cached(
        f"dashboard:{period:%Y-%m}",
        request.user,
        area,
        lambda: dash.dashboard(request.user, area, period),
    )
    _link_indicators([data["head"], *data["children"]], period)
    people = _people_base(area.code)
    for row in data["by_sector"]:
        row["url"] = people + _people_query(period, "aktif", sektor=row["key"])
    for row in data["by_funding"]:
        row["url"] = people + _people_query(period, "aktif", dana=row["key"])
    for row in data["statuses"]:
        row["url"] = people + _people_query(period, "status", status=row["status"])
    chart = {
        "labels": [p["period"].strftime("%Y-%m") for p in data["trend"]],
        "lindung": [p["lindung"] for p in data["trend"]],
        "bpjs": [p["bpjs"] for p in data["trend"]],
        "percent": [None if p["percent"] is None else float(p["percent"]) for p in data["trend"]],
        "sector": {
            "labels": [r["label"] for r in data["by_sector"]],
            "values": [r["active"] for r in data["by_sector"]],
        },
        "funding": {
            "labels": [r["label"] for r in data["by_funding"]],
            "values": [r["active"] for r in data["by_funding"]],
        },
    }
    months = [add_months_to_first(month_start(today()), -i) for i in range(0, 24)]
    return render(
        request,
        "coverage/dashboard.html",
        {
            **data,
            "area": area,
            "period": period,
            "filter_form": filter_form,
            "months": months,
            "chart": chart,
            "claims_url": _claims_url(area.code, period),
            "bands": dash_bands(data["head"].ref_day),
            "config": CoverageConfig.current(),
            "breadcrumbs": _crumbs(area, request.user),
            "can_refresh": request.user.is_admin or request.user.role == "petugas_bpjs",
            "level_name": area.get_level_display(),
            "children_combined": sum(c.numerator.combined for c in data["children"]),
            "children_lindung": sum(c.numerator.lindung for c in data["children"]),
        },
    )


def dash_bands(day):
    from .indicators import BandBook

    return BandBook(day).bands


def _crumbs(area: Area, user) -> list[dict]:
    crumbs = breadcrumbs_for(area, user)
    for crumb in crumbs:
        if crumb["url"]:
            crumb["url"] = reverse("coverage:dashboard", args=[crumb["code"]])
    return crumbs


@login_required
def area_export(request, code: str, table: str, fmt: str):
    area = _area(request.user, code)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    period, _form = _period(request)
    stamp = f"{area.digits}_{period:%Y%m}"
    if table == "wilayah":
        head, children = dash.area_indicators(area, period)
        header, rows = dash.children_table([head, *children])
        return table_response(
            fmt,
            f"cakupan_{stamp}",
            "Cakupan per wilayah",
            header,
            rows,
            delimiter=requested_delimiter(request),
        )
    if table == "tren":
        trend = dash.trend(request.user, area, period)
        header = [
            "bulan",
            "peserta_lindung_bpu",
            "laporan_bpjs",
            "peserta_gabungan",
            "cakupan_persen",
            "berisiko_putus",
            "peserta_baru",
        ]
        rows = [
            [
                t["period"].strftime("%Y-%m"),
                t["lindung"],
                t["bpjs"],
                t["combined"],
                t["percent"],
                t["lapse_risk"],
                t["new_members"],
            ]
            for t in trend
        ]
        return table_response(
            fmt,
            f"tren_{stamp}",
            "Tren bulanan",
            header,
            rows,
            delimiter=requested_delimiter(request),
        )
    if table in {"sektor", "dana"}:
        rows_data = dash.breakdown(
            request.user, area, period, "sector" if table == "sektor" else "funding"
        )
        header = [
            table,
            "peserta_aktif",
            "persen_dari_peserta_lindung",
            "berisiko_putus",
            "peserta_baru",
        ]
        rows = [
            [r["label"], r["active"], r["share"], r["lapse_risk"], r["new_members"]]
            for r in rows_data
        ]
        return table_response(
            fmt,
            f"{table}_{stamp}",
            f"Per {table}",
            header,
            rows,
            delimiter=requested_delimiter(request),
        )
    if table == "status":
        rows_data = dash.status_counts(request.user, area)
        return table_response(
            fmt,
            f"status_{stamp}",
            "Status kepesertaan",
            ["status", "jumlah"],
            [[r["label"], r["count"]] for r in rows_data],
            delimiter=requested_delimiter(request),
        )
    raise Http404


@login_required
def people_list(request, code: str):
    area = _area(request.user, code)
    filter_form = read_filters(request, PeopleFilterForm)
    values = filter_form.values
    period = values["bulan"]
    f = {
        "kind": values["jenis"],
        "sector": values["sektor"],
        "funding": values["dana"] or None,
        "status": values["status"] or None,
    }
    qs = people(
        request.user,
        area.code,
        period,
        f["kind"],
        sector=f["sector"],
        funding=f["funding"],
        status=f["status"],
    )
    fmt = values["format"]
    if fmt in EXPORT_FORMATS:
        return _people_export(request, area, period, f, qs, fmt)
    page = Paginator(qs, PAGE_SIZE).get_page(values["page"])
    show = request.user.sees_personal_data
    rows = [{"m": m, "nik": m.worker.nik if show else mask_nik(m.worker.nik)} for m in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coverage/people.html",
        {
            "area": area,
            "period": period,
            "filter_form": filter_form,
            "day": ref_day(period),
            "f": f,
            "kind_label": KINDS[f["kind"]],
            "sector_name": Sector.objects.filter(pk=f["sector"])
            .values_list("name", flat=True)
            .first()
            if f["sector"]
            else None,
            "funding_label": dict(FundingType.choices).get(f["funding"]) if f["funding"] else None,
            "status_label": dict(MembershipStatus.choices).get(f["status"])
            if f["status"]
            else None,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "breadcrumbs": _crumbs(area, request.user),
        },
    )


def _people_export(request, area, period, f, qs, fmt):
    show = request.user.sees_personal_data
    header = [
        "nik",
        "nama",
        "desa_kode",
        "desa",
        "sektor",
        "sumber_dana",
        "status",
        "mulai",
        "dibayar_sampai",
        "berakhir",
    ]
    rows = [
        [
            m.worker.nik if show else mask_nik(m.worker.nik),
            m.worker.name,
            m.village_id,
            m.village.name,
            m.worker.sector.name,
            m.get_funding_type_display(),
            m.get_status_display(),
            m.coverage_start,
            m.paid_until,
            m.coverage_end,
        ]
        for m in qs.iterator(chunk_size=2000)
    ]
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Peserta cakupan {area.code} {period:%Y-%m} {f['kind']} ({fmt.upper()})",
        area_code=area.code,
        record_count=len(rows),
    )
    return table_response(
        fmt,
        f"peserta_{area.digits}_{period:%Y%m}_{f['kind']}",
        "Peserta",
        header,
        rows,
        delimiter=requested_delimiter(request),
    )


@login_required
@require_POST
def refresh(request, code: str):
    area = _area(request.user, code)
    if not (request.user.is_admin or request.user.role == "petugas_bpjs"):
        raise PermissionDenied(
            _("Hanya admin kabupaten atau petugas BPJS yang dapat menghitung ulang.")
        )
    result = refresh_area(area.code)
    messages.success(
        request,
        _("Angka cakupan %(area)s dihitung ulang: %(n)s desa.")
        % {"area": area, "n": result["villages"]},
    )
    return redirect(reverse("coverage:dashboard", args=[area.code]) + "?" + request.GET.urlencode())


# --- League table ------------------------------------------------------------------------


@login_required
def league_index(request):
    area = home_area_for(request.user)
    if area is None:
        return render(request, "coverage/no_area.html")
    return redirect("coverage:league", code=area.code)


def _league_params(request):
    form = read_filters(request, LeagueFilterForm)
    values = form.values
    end = values["sampai"]
    start = values["dari"] or add_months_to_first(end, -12)
    if start > end:
        messages.warning(request, _("Bulan awal setelah bulan akhir; keduanya ditukar."))
        start, end = end, start
    return values["urut"], start, end, form


@login_required
def league(request, code: str):
    area = _area(request.user, code)
    metric, start, end, filter_form = _league_params(request)
    if area.level >= AreaLevel.DESA:
        return _village_rank(request, area, metric, start, end, filter_form)
    table = league_table(area, metric, start, end)
    yields = _outreach_yield(
        [r.code for r in (*table.ranked, *table.without_denominator)], start, end
    )
    for row in (*table.ranked, *table.without_denominator):
        row.outreach = yields.get(row.code, 0)
    fmt = filter_form.values["format"]
    if fmt in EXPORT_FORMATS:
        header, rows = league_rows(table)
        return table_response(
            fmt,
            f"peringkat_{area.digits}_{metric}_{end:%Y%m}",
            "Peringkat desa",
            header,
            rows,
            delimiter=requested_delimiter(request),
        )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "coverage/league.html",
        {
            "area": area,
            "table": table,
            "filter_form": filter_form,
            "metric": metric,
            "metrics": METRICS,
            "months": [add_months_to_first(month_start(today()), -i) for i in range(0, 36)],
            "query": query.urlencode(),
            "can_certify": _may_certify(request.user),
            "breadcrumbs": _crumbs(area, request.user),
        },
    )


def _outreach_yield(codes: list[str], start, end) -> dict[str, int]:
    """Registrations credited to socialisation activities held in the league's months."""
    from lindung.outreach.services import yield_by_village

    last_day = add_months_to_first(end, 1) - dt.timedelta(days=1)
    return yield_by_village(codes, start, last_day)


def _village_rank(request, village: Area, metric: str, start, end, filter_form):
    """A village's own place in its kecamatan's and the regency's league (figures only)."""
    places = []
    for scope in (village.parent, village.parent.parent if village.parent else None):
        if scope is None:
            continue
        table = league_table(scope, metric, start, end)
        row = next((r for r in table.ranked if r.code == village.code), None)
        places.append({"scope": scope, "row": row, "of": len(table.ranked)})
    return render(
        request,
        "coverage/league_village.html",
        {
            "area": village,
            "places": places,
            "filter_form": filter_form,
            "metric": metric,
            "metrics": METRICS,
            "metric_label": METRICS[metric],
            "outreach_yield": _outreach_yield([village.code], start, end).get(village.code, 0),
            "start": start,
            "end": end,
            "months": [add_months_to_first(month_start(today()), -i) for i in range(0, 36)],
            "breadcrumbs": _crumbs(village, request.user),
        },
    )


def _may_certify(user) -> bool:
    """The Bupati's award is printed by the regency; a camat prints their kecamatan's."""
    return user.is_admin or user.role == "camat"


@login_required
def certificate(request, code: str):
    area = _area(request.user, code)
    if not _may_certify(request.user):
        raise PermissionDenied(
            _("Sertifikat penghargaan dicetak admin kabupaten atau camat untuk wilayahnya.")
        )
    if area.level >= AreaLevel.DESA:
        raise Http404
    metric, start, end, _form = _league_params(request)
    table = league_table(area, metric, start, end)
    winners = table.winners(3)
    if not winners:
        messages.error(request, _("Belum ada desa yang dapat diberi peringkat untuk pilihan ini."))
        return redirect(
            reverse("coverage:league", args=[area.code]) + "?" + request.GET.urlencode()
        )
    html = render_to_string(
        "coverage/pdf/certificate.html",
        {
            "area": area,
            "table": table,
            "winners": winners,
            "metric_label": METRICS[metric],
            "issued": today(),
            **letterhead_context(),
        },
    )
    return pdf_response(html, f"sertifikat_{area.digits}_{metric}_{end:%Y%m}")


# --- Reports -----------------------------------------------------------------------------


# Both reports hold figures, area names and regulations, no personal data: like the
# dashboards they are scoped to the user and not written to the access log.


@login_required
@require_http_methods(["GET", "POST"])
def monthly_report(request, code: str, fmt: str):
    area = _area(request.user, code)
    period, _form = _period(request)
    return _report(request, area, ReportJob.Kind.MONTHLY, fmt, period)


@login_required
@require_http_methods(["GET", "POST"])
def paritrana_report(request, code: str, fmt: str):
    area = _area(request.user, code)
    year = read_filters(request, ParitranaFilterForm).values["tahun"]
    return _report(request, area, ReportJob.Kind.PARITRANA, fmt, dt.date(year, 1, 1))


def _report(request, area: Area, kind: str, fmt: str, period: dt.date):
    """A desa's report at once; a larger area's report as a background job (POST), after a
    confirmation page for a plain GET (old links, bookmarks)."""
    if fmt not in reports.FORMATS:
        raise Http404
    if reportjobs.is_direct(area):
        doc = reports.make(kind, fmt, request.user, area, period)
        return _attachment(doc.content, doc.content_type, doc.filename)
    if request.method == "POST":
        job = reportjobs.request(request.user, area, kind, fmt, period)
        return redirect("coverage:report_job", pk=job.pk)
    return render(
        request,
        "coverage/report_request.html",
        {
            "area": area,
            "kind_label": ReportJob.Kind(kind).label,
            "kind": kind,
            "fmt": fmt,
            "period": period,
            "query": request.GET.urlencode(),
        },
    )


def _report_job(request, pk: int) -> ReportJob:
    """The user's own report job, while their scope covers its area; 404 otherwise."""
    job = ReportJob.objects.select_related("area").filter(pk=pk, created_by=request.user).first()
    if job is None or not user_covers_area(request.user, job.area_id):
        raise Http404("Laporan tidak ditemukan.")
    if reportjobs.is_stale(job):  # its worker died and no sweep has run since
        reportjobs.recover_stale(waiting=False)
        job.refresh_from_db()
    return job


@login_required
def report_jobs(request):
    qs = scoped(ReportJob.objects.filter(created_by=request.user), request.user)
    filter_form = read_filters(request, ExportListForm)
    page = Paginator(qs.select_related("area"), PAGE_SIZE).get_page(filter_form.values["page"])
    return render(request, "coverage/report_jobs.html", {"page": page, "filter_form": filter_form})


@login_required
def report_job(request, pk: int):
    return render(request, "coverage/report_job.html", {"job": _report_job(request, pk)})


@login_required
def report_job_progress(request, pk: int):
    job = _report_job(request, pk)
    response = render(request, "coverage/_report_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"  # finished or failed: reload the full page once
    return response


@login_required
def report_job_download(request, pk: int):
    job = _report_job(request, pk)
    if job.files_deleted_at:
        messages.info(request, _("Berkas laporan ini sudah dihapus karena lewat masa simpan."))
        return redirect("coverage:report_job", pk=job.pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404("Laporan belum selesai.")
    try:
        handle = job.file.open("rb")
    except OSError as exc:
        raise Http404("Berkas laporan tidak ada lagi; buat laporan lagi.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=reports.CONTENT_TYPES[job.fmt],
    )


# --- BPJS reports, targets, regulations ----------------------------------------------------


def _may_import_bpjs(user) -> bool:
    return user.is_admin or user.role == "petugas_bpjs"


@login_required
@require_http_methods(["GET", "POST"])
def bpjs_reports(request):
    qs = scoped(BpjsReportCount.objects.select_related("area"), request.user)
    form = UploadForm()
    if request.method == "POST":
        if not _may_import_bpjs(request.user):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_bpjs_counts(
                    upload.name,
                    upload.read(),
                    user=request.user,
                    scope_code=request.user.scope_code or "",
                )
            except SpreadsheetError as exc:
                messages.error(request, str(exc))
            else:
                if result.errors:
                    for err in result.errors[:20]:
                        messages.error(request, err)
                    if len(result.errors) > 20:
                        messages.error(
                            request,
                            _("… dan %(n)s kesalahan lain.") % {"n": len(result.errors) - 20},
                        )
                    messages.error(
                        request, _("Tidak ada data yang disimpan. Perbaiki lalu unggah ulang.")
                    )
                else:
                    messages.success(
                        request, _("%(n)s angka laporan BPJS tersimpan.") % {"n": result.saved}
                    )
                    return redirect("coverage:bpjs_reports")
    filter_form = read_filters(request, ExportListForm)
    fmt = filter_form.values["format"]
    if fmt in EXPORT_FORMATS:
        header = ["kode_wilayah", "wilayah", "bulan", "segmen", "jumlah", "sumber"]
        rows = [
            [
                r.area_id,
                r.area.name,
                r.period.strftime("%Y-%m"),
                r.segment,
                r.participants,
                r.source_note,
            ]
            for r in qs
        ]
        return table_response(
            fmt,
            "laporan_bpjs",
            "Laporan BPJS",
            header,
            rows,
            delimiter=requested_delimiter(request),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(filter_form.values["page"])
    return render(
        request,
        "coverage/bpjs_reports.html",
        {
            "page": page,
            "form": form,
            "filter_form": filter_form,
            "can_import": _may_import_bpjs(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    user = request.user
    form = TargetForm(user=user)
    if request.method == "POST":
        if not user.is_admin:
            raise PermissionDenied
        form = TargetForm(request.POST, user=user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Target tersimpan."))
            return redirect("coverage:targets")
    own = scoped(CoverageTarget.objects.select_related("area"), user)
    national = CoverageTarget.objects.filter(area__isnull=True)
    rows = list(national) + list(own)
    filter_form = read_filters(request, ExportListForm)
    fmt = filter_form.values["format"]
    if fmt in EXPORT_FORMATS:
        header = ["wilayah", "tahun", "target_persen", "sumber", "catatan"]
        data = [[r.area_id or "nasional", r.year, r.percent, r.source, r.note] for r in rows]
        return table_response(
            fmt, "target_cakupan", "Target", header, data, delimiter=requested_delimiter(request)
        )
    return render(
        request,
        "coverage/targets.html",
        {
            "rows": rows,
            "form": form,
            "filter_form": filter_form,
            "can_edit": user.is_admin,
            "bands": GradeBand.objects.order_by("-valid_from", "min_percent"),
            "config": CoverageConfig.current(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policies(request):
    user = request.user
    policy_form, innovation_form = (
        PolicyForm(user=user, prefix="p"),
        InnovationForm(user=user, prefix="i"),
    )
    if request.method == "POST":
        if not user.is_admin:
            raise PermissionDenied
        if "p-number" in request.POST:
            policy_form = PolicyForm(request.POST, user=user, prefix="p")
            form = policy_form
        else:
            innovation_form = InnovationForm(request.POST, user=user, prefix="i")
            form = innovation_form
        if form.is_valid():
            form.save()
            messages.success(request, _("Data tersimpan."))
            return redirect("coverage:policies")
    return render(
        request,
        "coverage/policies.html",
        {
            "policies": scoped(RegionalPolicy.objects.select_related("area"), user),
            "innovations": scoped(Innovation.objects.select_related("area"), user),
            "policy_form": policy_form,
            "innovation_form": innovation_form,
            "can_edit": user.is_admin,
        },
    )
