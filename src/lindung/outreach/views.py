"""Socialisation pages. Thin: every queryset is scoped, domain logic lives in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.accounts.scoping import get_scoped_or_404, scoped, user_covers_area
from lindung.areas.models import Area
from lindung.areas.services import breadcrumbs_for, home_area_for
from lindung.core.charts import Chart, Series
from lindung.core.formatting import format_month
from lindung.core.months import shift_month

from . import exports, services
from .forms import (
    ActivityForm,
    AttributionForm,
    PeriodForm,
    TargetForm,
    TeamForm,
    TeamMemberForm,
)
from .models import (
    Activity,
    ActivityKind,
    ActivityRegistration,
    OutreachPolicy,
    OutreachTarget,
    Team,
    TeamMember,
)

PAGE_SIZE = 25


def _require_editor(user) -> None:
    if not user.can_edit:
        raise PermissionDenied("Peran Anda hanya dapat melihat data.")


def _chosen_area(request) -> Area | None:
    """The area in ?wilayah=, which must lie inside the user's scope (else 404)."""
    area = home_area_for(request.user)
    chosen = request.GET.get("wilayah", "").strip()
    if chosen:
        if not user_covers_area(request.user, chosen):
            raise Http404("Wilayah tidak ditemukan.")
        area = Area.objects.filter(code=chosen).first()
        if area is None:
            raise Http404("Wilayah tidak ditemukan.")
    return area


def _area_filter(qs, area: Area | None, field: str = "village"):
    from lindung.accounts.scoping import area_q

    return qs.filter(area_q(field, area.code)) if area else qs.none()


def _area_choices(area: Area | None) -> list[Area]:
    """The area and its children, for the area picker on list pages."""
    if area is None or area.level >= 4:
        return []
    return list(area.children.order_by("code"))


def _phone_for(user, phone: str) -> str:
    return phone if user.sees_personal_data else services.mask_phone(phone)


# --- activities ----------


def _monthly_chart(area: Area) -> Chart:
    months = services.monthly_counts(area.code)
    return Chart(
        id="sosialisasi-per-bulan",
        title="Kegiatan sosialisasi dan pendaftaran hasilnya per bulan",
        kind="bar",
        labels=[format_month(m["month"]) for m in months],
        series=[
            Series("Kegiatan", [m["activities"] for m in months]),
            Series("Pendaftaran", [m["registrations"] for m in months]),
        ],
    )


@login_required
@require_GET
def index(request):
    area = _chosen_area(request)
    qs = _area_filter(
        scoped(Activity.objects.select_related("team", "village"), request.user), area
    ).annotate(n_regs=Count("registrations"))
    kind = request.GET.get("jenis", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    recent = services.recent_counts(area.code) if area else None
    return render(
        request,
        "outreach/index.html",
        {
            "area": area,
            "children": _area_choices(area),
            "page": page,
            "kinds": ActivityKind.choices,
            "kind": kind,
            "recent": recent,
            "charts": [_monthly_chart(area)] if area else [],
            "can_edit": request.user.can_edit,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


def _save_photo(activity: Activity, form: ActivityForm) -> None:
    checked = form.checked_photo
    if checked is None:
        return
    if activity.photo:
        activity.photo.delete(save=False)
    activity.photo.save(checked.storage_name, ContentFile(checked.content), save=False)
    activity.photo_content_type = checked.content_type


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    _require_editor(request.user)
    initial = {"date": timezone.localdate()}
    team_id = request.GET.get("tim", "")
    if team_id.isdigit():
        initial["team"] = get_scoped_or_404(Team.objects.all(), request.user, pk=int(team_id))
    form = ActivityForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.created_by = request.user
        _save_photo(activity, form)
        activity.save()
        messages.success(request, "Kegiatan sosialisasi tersimpan.")
        return redirect("outreach:activity_detail", pk=activity.pk)
    if not form.fields["team"].queryset.exists():
        messages.warning(request, "Belum ada tim sosialisasi aktif: bentuk tim terlebih dahulu.")
    return render(request, "outreach/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = get_scoped_or_404(Activity.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
    form = ActivityForm(
        request.POST or None, request.FILES or None, instance=activity, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        if request.POST.get("remove_photo") and activity.photo and form.checked_photo is None:
            activity.photo.delete(save=False)
            activity.photo_content_type = ""
        _save_photo(activity, form)
        activity.save()
        messages.success(request, "Perubahan kegiatan tersimpan.")
        return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request, pk: int):
    activity = get_scoped_or_404(
        Activity.objects.select_related("team", "village", "village__parent", "created_by"),
        request.user,
        pk=pk,
    )
    candidates = scoped(services.attribution_candidates(activity), request.user)
    form = AttributionForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        _require_editor(request.user)
        if form.is_valid():
            try:
                n = services.attribute(activity, form.cleaned_data["workers"], by=request.user)
            except services.AttributionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{n} pekerja ditautkan ke kegiatan ini.")
                return redirect("outreach:activity_detail", pk=activity.pk)
    linked = (
        ActivityRegistration.objects.filter(activity=activity)
        .select_related("worker", "worker__sector", "linked_by")
        .order_by("worker__name")
    )
    first, last = services.attribution_window(activity)
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "linked": linked,
            "candidates": candidates[:200],
            "n_candidates": candidates.count(),
            "form": form,
            "window": (first, last),
            "can_edit": request.user.can_edit,
            "sees_personal_data": request.user.sees_personal_data,
            "breadcrumbs": breadcrumbs_for(activity.village, request.user),
        },
    )


@login_required
@require_POST
def activity_unattribute(request, pk: int, worker_id: int):
    activity = get_scoped_or_404(Activity.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
    if services.unattribute(activity, worker_id):
        messages.success(request, "Tautan pekerja dilepas dari kegiatan ini.")
    else:
        messages.error(request, "Pekerja ini tidak tertaut ke kegiatan ini.")
    return redirect("outreach:activity_detail", pk=activity.pk)


@login_required
@require_GET
def activity_photo(request, pk: int):
    """The photo, only for users who may see the activity; never through a public media URL."""
    activity = get_scoped_or_404(Activity.objects.all(), request.user, pk=pk)
    if not activity.photo:
        raise Http404("Foto tidak ditemukan.")
    try:
        handle = activity.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Foto tidak ditemukan.") from exc
    response = FileResponse(handle, content_type=activity.photo_content_type or "image/jpeg")
    response["Content-Disposition"] = f'inline; filename="kegiatan-{activity.pk}.{_ext(activity)}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _ext(activity: Activity) -> str:
    return activity.photo.name.rsplit(".", 1)[-1] if "." in activity.photo.name else "jpg"


# --- teams ----------


@login_required
@require_GET
def team_list(request):
    area = _chosen_area(request)
    qs = (
        _area_filter(scoped(Team.objects.select_related("village"), request.user), area)
        .annotate(
            n_members=Count("members", filter=Q(members__is_active=True), distinct=True),
            n_activities=Count("activities", distinct=True),
            last_activity=Max("activities__date"),
        )
        .order_by("village__name", "name")
    )
    if request.GET.get("status") == "nonaktif":
        qs = qs.filter(is_active=False)
    elif request.GET.get("status") != "semua":
        qs = qs.filter(is_active=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/team_list.html",
        {
            "area": area,
            "children": _area_choices(area),
            "page": page,
            "status": request.GET.get("status", ""),
            "can_edit": request.user.can_edit,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    _require_editor(request.user)
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        team = form.save(commit=False)
        team.created_by = request.user
        team.save()
        messages.success(request, "Tim tersimpan. Tambahkan anggotanya.")
        return redirect("outreach:team_detail", pk=team.pk)
    return render(request, "outreach/team_form.html", {"form": form, "team": None})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    team = get_scoped_or_404(Team.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Perubahan tim tersimpan.")
        return redirect("outreach:team_detail", pk=team.pk)
    return render(request, "outreach/team_form.html", {"form": form, "team": team})


@login_required
@require_GET
def team_detail(request, pk: int):
    team = get_scoped_or_404(
        Team.objects.select_related("village", "village__parent"), request.user, pk=pk
    )
    members = [
        {"obj": m, "phone": _phone_for(request.user, m.phone)}
        for m in team.members.order_by("-is_active", "role", "name")
    ]
    activities = team.activities.annotate(n_regs=Count("registrations")).order_by("-date", "-id")
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    summary = {
        "activities": team.activities.count(),
        "attendees": team.activities.aggregate(s=Sum("attendees"))["s"] or 0,
        "registrations": ActivityRegistration.objects.filter(activity__team=team).count(),
    }
    summary["yield"] = (
        round(summary["registrations"] / summary["activities"], 2)
        if summary["activities"]
        else None
    )
    target = OutreachTarget.objects.filter(team=team, year=year).first()
    return render(
        request,
        "outreach/team_detail.html",
        {
            "team": team,
            "members": members,
            "page": page,
            "summary": summary,
            "target": target,
            "target_year_counts": {
                "activities": team.activities.filter(date__year=year).count(),
                "registrations": ActivityRegistration.objects.filter(
                    activity__team=team, activity__date__year=year
                ).count(),
            },
            "can_edit": request.user.can_edit,
            "breadcrumbs": breadcrumbs_for(team.village, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, team_pk: int):
    team = get_scoped_or_404(Team.objects.all(), request.user, pk=team_pk)
    _require_editor(request.user)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member.team = team
        member.save()
        messages.success(request, f"{member.name} ditambahkan ke tim.")
        return redirect("outreach:team_detail", pk=team.pk)
    return render(
        request, "outreach/member_form.html", {"form": form, "team": team, "member": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    member = get_scoped_or_404(TeamMember.objects.select_related("team"), request.user, pk=pk)
    _require_editor(request.user)
    form = TeamMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Data anggota tersimpan.")
        return redirect("outreach:team_detail", pk=member.team_id)
    return render(
        request, "outreach/member_form.html", {"form": form, "team": member.team, "member": member}
    )


# --- calendar, flags, reports ----------


def _month_from(request) -> tuple[int, int]:
    raw = request.GET.get("bulan", "")
    try:
        chosen = dt.datetime.strptime(raw, "%Y-%m").date()
        if not 2000 <= chosen.year <= 2100:
            raise ValueError
    except ValueError:
        chosen = timezone.localdate()
    return chosen.year, chosen.month


@login_required
@require_GET
def activity_calendar(request):
    area = _chosen_area(request)
    year, month = _month_from(request)
    first, last = services.month_bounds(year, month)
    acts = _area_filter(
        scoped(Activity.objects.select_related("team", "village"), request.user), area
    ).filter(date__gte=first, date__lte=last)
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    base = f"?wilayah={area.code}&" if area else "?"
    return render(
        request,
        "outreach/calendar.html",
        {
            "area": area,
            "children": _area_choices(area),
            "month_start": first,
            "weeks": services.month_grid(year, month, acts.order_by("date", "id")),
            "total": acts.count(),
            "prev_url": f"{base}bulan={prev_y:04d}-{prev_m:02d}",
            "next_url": f"{base}bulan={next_y:04d}-{next_m:02d}",
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
@require_GET
def flags(request):
    area = _chosen_area(request)
    rows = services.inactive_villages(area.code) if area else []
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/flags.html",
        {
            "area": area,
            "children": _area_choices(area),
            "page": page,
            "total": len(rows),
            "policy": OutreachPolicy.current(),
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


def _report_rows(area: Area, start: dt.date, end: dt.date) -> tuple[list[dict], list[dict], str]:
    """Village rows, display rows and their level label for the chosen area."""
    villages = services.outreach_summary(area.code, start, end)
    if area.level <= 2:
        return villages, services.summary_by_kecamatan(villages), "kecamatan"
    return villages, villages, "desa"


@login_required
@require_GET
def report(request):
    area = _chosen_area(request)
    if area is None:
        raise Http404("Wilayah tidak ditemukan.")
    form = PeriodForm(request.GET)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        villages, rows, level = _report_rows(area, start, end)
    else:
        start = end = None
        villages, rows, level = [], [], "desa"
    evidence = services.paritrana_evidence(area.code, start, end) if start else None
    return render(
        request,
        "outreach/report.html",
        {
            "area": area,
            "children": _area_choices(area),
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "level": level,
            "totals": services.totals(villages) if villages else None,
            "evidence": evidence,
            "query": request.GET.urlencode(),
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
@require_GET
def report_export(request, fmt: str):
    area = _chosen_area(request)
    if area is None or fmt not in ("csv", "xlsx"):
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or "Periode tidak valid.")
        return redirect(reverse("outreach:report") + "?" + request.GET.urlencode())
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    villages, rows, level = _report_rows(area, start, end)
    filename = f"sosialisasi-{area.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    return exports.response(
        fmt, filename, villages, kecamatan_rows=rows if level == "kecamatan" else None
    )


# --- targets ----------


@login_required
@require_GET
def target_list(request):
    area = _chosen_area(request)
    year_raw = request.GET.get("tahun", "")
    year = int(year_raw) if year_raw.isdigit() else timezone.localdate().year
    qs = (
        _area_filter(
            scoped(OutreachTarget.objects.select_related("village", "team"), request.user), area
        )
        .filter(year=year)
        .order_by("village__name", "team__name")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    progress = {}
    if area is not None:
        for row in services.outreach_summary(area.code, start, end):
            progress[row["code"]] = row
    team_counts = dict(
        Activity.objects.filter(team__in=[t.team_id for t in page if t.team_id], date__year=year)
        .values_list("team_id")
        .annotate(n=Count("id"))
    )
    team_regs = dict(
        ActivityRegistration.objects.filter(
            activity__team__in=[t.team_id for t in page if t.team_id], activity__date__year=year
        )
        .values_list("activity__team_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for target in page:
        if target.team_id:
            acts, regs = team_counts.get(target.team_id, 0), team_regs.get(target.team_id, 0)
        else:
            summary = progress.get(target.village_id, {})
            acts, regs = summary.get("activities", 0), summary.get("registrations", 0)
        rows.append(
            {
                "obj": target,
                "activities": acts,
                "registrations": regs,
                "act_pct": round(100 * acts / target.activities_target, 1)
                if target.activities_target
                else None,
                "reg_pct": round(100 * regs / target.registrations_target, 1)
                if target.registrations_target
                else None,
            }
        )
    return render(
        request,
        "outreach/target_list.html",
        {
            "area": area,
            "children": _area_choices(area),
            "page": page,
            "rows": rows,
            "year": year,
            "can_manage": request.user.is_admin,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk: int | None = None):
    # Scope first: a target of another area is "not found" for everyone, not "forbidden".
    target = get_scoped_or_404(OutreachTarget.objects.all(), request.user, pk=pk) if pk else None
    if not request.user.is_admin:
        raise PermissionDenied("Hanya admin kabupaten yang menetapkan target.")
    form = TargetForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, "Target tersimpan.")
        return redirect(reverse("outreach:targets") + f"?tahun={saved.year}")
    return render(request, "outreach/target_form.html", {"form": form, "target": target})
