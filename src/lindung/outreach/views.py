"""Socialisation pages: declarations over the generic scoped views; every query parameter is
read through a filter form (filters.py), domain logic lives in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.accounts.scoping import area_q, get_scoped_or_404, scoped
from lindung.areas.models import Area
from lindung.areas.services import breadcrumbs_for
from lindung.core.charts import Chart, Series
from lindung.core.filters import FilterForm, PagedFilterForm
from lindung.core.formatting import format_month
from lindung.core.generic import (
    EditorRequiredMixin,
    FilteredMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedExportView,
    ScopedListView,
)
from lindung.core.months import shift_month

from . import exports, services
from .filters import (
    ActivityCreateFilterForm,
    ActivityFilterForm,
    AreaFilterForm,
    CalendarFilterForm,
    FlagsFilterForm,
    ReportFilterForm,
    TargetFilterForm,
    TeamFilterForm,
)
from .forms import ActivityForm, AttributionForm, TargetForm, TeamForm, TeamMemberForm
from .models import (
    Activity,
    ActivityKind,
    ActivityRegistration,
    OutreachPolicy,
    OutreachTarget,
    Team,
    TeamMember,
)
from .tables import ActivityTable, FlagsTable, TargetTable, TeamActivityTable, TeamTable

PAGE_SIZE = 25


def _warn(request, form: FilterForm | None) -> None:
    """One warning per ignored parameter (list pages do this in ScopedListView)."""
    if form is not None:
        for text in form.invalid_messages():
            messages.warning(request, text)


def _area_filter(qs, area: Area | None, field: str = "village"):
    return qs.filter(area_q(field, area.code)) if area else qs.none()


def _area_choices(area: Area | None) -> list[Area]:
    """The area and its children, for the area picker on list pages."""
    if area is None or area.level >= 4:
        return []
    return list(area.children.order_by("code"))


class AreaPageMixin(FilteredMixin):
    """A page about an area: `?wilayah=` (validated by the filter form) or the user's own."""

    filter_form_class = AreaFilterForm

    def get_filter_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    @property
    def area(self) -> Area | None:
        if not hasattr(self, "_area"):
            self._area = self.get_filter_form().area
        return self._area

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            area=self.area,
            children=_area_choices(self.area),
            can_edit=self.request.user.can_edit,
            breadcrumbs=breadcrumbs_for(self.area, self.request.user),
        )
        return context


class AreaPageView(AreaPageMixin, LoginRequiredMixin, TemplateView):
    """An area page that is not a list of records (calendar, report): warnings shown here."""

    def get_context_data(self, **kwargs):
        _warn(self.request, self.get_filter_form())
        return super().get_context_data(**kwargs)


# --- activities ----------


def _monthly_chart(area: Area) -> Chart:
    months = services.monthly_counts(area.code)
    return Chart(
        id="sosialisasi-per-bulan",
        title=_("Kegiatan sosialisasi dan pendaftaran hasilnya per bulan"),
        kind="bar",
        labels=[format_month(m["month"]) for m in months],
        series=[
            Series(_("Kegiatan"), [m["activities"] for m in months]),
            Series(_("Pendaftaran"), [m["registrations"] for m in months]),
        ],
    )


class ActivityListView(AreaPageMixin, ScopedListView):
    queryset = Activity.objects.select_related("team", "village")
    filter_form_class = ActivityFilterForm
    table_class = ActivityTable
    template_name = "outreach/index.html"
    paginate_by = PAGE_SIZE
    title = gettext_lazy("Sosialisasi")

    def filter_queryset(self, qs, values):
        qs = _area_filter(qs, self.area).annotate(n_regs=Count("registrations"))
        if values["jenis"]:
            qs = qs.filter(kind=values["jenis"])
        return qs.order_by("-date", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.area
        context.update(
            recent=services.recent_counts(area.code) if area else None,
            charts=[_monthly_chart(area)] if area else [],
            kinds=ActivityKind.choices,
            kind=self.get_filter_form().values["jenis"] or "",
        )
        return context


def _save_photo(activity: Activity, form: ActivityForm) -> None:
    checked = form.checked_photo
    if checked is None:
        return
    if activity.photo:
        activity.photo.delete(save=False)
    activity.photo.save(checked.storage_name, ContentFile(checked.content), save=False)
    activity.photo_content_type = checked.content_type


def _activity_url(activity) -> str:
    return reverse("outreach:activity_detail", args=[activity.pk])


class ActivityEditView(FilteredMixin, ScopedEditView):
    """Record (no pk; `?tim=` preselects a team) or change an activity and its photo."""

    model = Activity
    form_class = ActivityForm
    filter_form_class = ActivityCreateFilterForm
    template_name = "outreach/activity_form.html"
    get_success_url = staticmethod(_activity_url)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.object is None:
            kwargs["initial"] = {"date": timezone.localdate()}
            team_id = self.get_filter_form().values["tim"]
            if team_id:
                kwargs["initial"]["team"] = get_scoped_or_404(
                    Team.objects.all(), self.request.user, pk=team_id
                )
        return kwargs

    def save(self, form):
        creating = self.object is None
        activity = form.save(commit=False)
        if creating:
            activity.created_by = self.request.user
        elif self.request.POST.get("remove_photo") and activity.photo and not form.checked_photo:
            activity.photo.delete(save=False)
            activity.photo_content_type = ""
        _save_photo(activity, form)
        activity.save()
        messages.success(
            self.request,
            _("Kegiatan sosialisasi tersimpan.")
            if creating
            else _("Perubahan kegiatan tersimpan."),
        )
        return activity

    def get_context_data(self, **kwargs):
        _warn(self.request, self.get_filter_form())
        context = super().get_context_data(**kwargs)
        if self.object is None and not context["form"].fields["team"].queryset.exists():
            messages.warning(
                self.request, _("Belum ada tim sosialisasi aktif: bentuk tim terlebih dahulu.")
            )
        context["activity"] = self.object
        return context


class ActivityDetailView(EditorRequiredMixin, ScopedDetailView):
    """The activity and the workers it brought in; POST links more of them (editors only)."""

    queryset = Activity.objects.select_related("team", "village", "village__parent", "created_by")
    template_name = "outreach/activity_detail.html"
    context_object_name = "activity"

    def attribution_form(self, data=None) -> AttributionForm:
        candidates = scoped(services.attribution_candidates(self.object), self.request.user)
        return AttributionForm(data, candidates=candidates)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_editor()
        form = self.attribution_form(request.POST)
        if form.is_valid():
            try:
                n = services.attribute(self.object, form.cleaned_data["workers"], by=request.user)
            except services.AttributionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(n)s pekerja ditautkan ke kegiatan ini.") % {"n": n})
                return redirect(_activity_url(self.object))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        form = kwargs.get("form") or self.attribution_form()
        candidates = form.fields["workers"].queryset
        context.update(
            linked=ActivityRegistration.objects.filter(activity=activity)
            .select_related("worker", "worker__sector", "linked_by")
            .order_by("worker__name"),
            candidates=candidates[:200],
            n_candidates=candidates.count(),
            form=form,
            window=services.attribution_window(activity),
            can_edit=user.can_edit,
            breadcrumbs=breadcrumbs_for(activity.village, user),
        )
        return context


class ActivityUnattributeView(ScopedActionView):
    model = Activity
    get_success_url = staticmethod(_activity_url)

    def act(self, request, activity):
        if services.unattribute(activity, self.kwargs["worker_id"]):
            messages.success(request, _("Tautan pekerja dilepas dari kegiatan ini."))
        else:
            messages.error(request, _("Pekerja ini tidak tertaut ke kegiatan ini."))


class ActivityPhotoView(ScopedDetailView):
    """The photo, only for users who may see the activity; never through a public media URL."""

    model = Activity

    def get(self, request, *args, **kwargs):
        activity = self.get_object()
        if not activity.photo:
            raise Http404(_("Foto tidak ditemukan."))
        try:
            handle = activity.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("Foto tidak ditemukan.")) from exc
        response = FileResponse(handle, content_type=activity.photo_content_type or "image/jpeg")
        name = activity.photo.name
        ext = name.rsplit(".", 1)[-1] if "." in name else "jpg"
        response["Content-Disposition"] = f'inline; filename="kegiatan-{activity.pk}.{ext}"'
        response["Cache-Control"] = "private, max-age=3600"
        response["Content-Security-Policy"] = "default-src 'none'"
        return response


# --- teams ----------


def _team_url(team) -> str:
    return reverse("outreach:team_detail", args=[team.pk])


class TeamListView(AreaPageMixin, ScopedListView):
    queryset = Team.objects.select_related("village")
    filter_form_class = TeamFilterForm
    table_class = TeamTable
    template_name = "outreach/team_list.html"
    paginate_by = PAGE_SIZE
    title = gettext_lazy("Tim sosialisasi")

    def filter_queryset(self, qs, values):
        qs = _area_filter(qs, self.area).annotate(
            n_members=Count("members", filter=Q(members__is_active=True), distinct=True),
            n_activities=Count("activities", distinct=True),
            last_activity=Max("activities__date"),
        )
        if values["status"] == "nonaktif":
            qs = qs.filter(is_active=False)
        elif values["status"] != "semua":
            qs = qs.filter(is_active=True)
        return qs.order_by("village__name", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.get_filter_form().values["status"] or ""
        return context


class TeamEditView(ScopedEditView):
    model = Team
    form_class = TeamForm
    template_name = "outreach/team_form.html"
    get_success_url = staticmethod(_team_url)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        creating = self.object is None
        team = form.save(commit=False)
        if creating:
            team.created_by = self.request.user
        team.save()
        messages.success(
            self.request,
            _("Tim tersimpan. Tambahkan anggotanya.")
            if creating
            else _("Perubahan tim tersimpan."),
        )
        return team

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "team": self.object}


class TeamDetailView(FilteredMixin, ScopedDetailView):
    queryset = Team.objects.select_related("village", "village__parent")
    template_name = "outreach/team_detail.html"
    context_object_name = "team"
    filter_form_class = PagedFilterForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team, user = self.object, self.request.user
        form = self.get_filter_form()
        _warn(self.request, form)
        activities = team.activities.annotate(n_regs=Count("registrations")).order_by(
            "-date", "-id"
        )
        page = Paginator(activities, PAGE_SIZE).get_page(form.values["page"])
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
        context.update(
            members=[
                {"obj": m, "phone": masking.phone_for(user, m.phone)}
                for m in team.members.order_by("-is_active", "role", "name")
            ],
            page=page,
            table=TeamActivityTable(page.object_list, user),
            filter_form=form,
            summary=summary,
            target=OutreachTarget.objects.filter(team=team, year=year).first(),
            target_year_counts={
                "activities": team.activities.filter(date__year=year).count(),
                "registrations": ActivityRegistration.objects.filter(
                    activity__team=team, activity__date__year=year
                ).count(),
            },
            can_edit=user.can_edit,
            breadcrumbs=breadcrumbs_for(team.village, user),
        )
        return context


class MemberEditView(ScopedEditView):
    """Add a member to the team in the URL (`team_pk`) or change a member (`pk`)."""

    model = TeamMember
    form_class = TeamMemberForm
    template_name = "outreach/member_form.html"

    def prepare(self) -> None:
        # The team is scoped before the edit right is checked: 404 outside the area.
        if "team_pk" in self.kwargs:
            self.team = get_scoped_or_404(
                Team.objects.all(), self.request.user, pk=self.kwargs["team_pk"]
            )
        super().prepare()
        if self.object is not None:
            self.team = self.object.team

    def save(self, form):
        member = form.save(commit=False)
        if self.object is None:
            member.team = self.team
            messages.success(
                self.request, _("%(name)s ditambahkan ke tim.") % {"name": member.name}
            )
        else:
            messages.success(self.request, _("Data anggota tersimpan."))
        member.save()
        return member

    def get_success_url(self, member) -> str:
        return _team_url(self.team)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "team": self.team, "member": self.object}


# --- calendar, flags, reports ----------


class CalendarView(AreaPageView):
    filter_form_class = CalendarFilterForm
    template_name = "outreach/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.area
        month = self.get_filter_form().values["bulan"]
        year, number = month.year, month.month
        first, last = services.month_bounds(year, number)
        acts = _area_filter(
            scoped(Activity.objects.select_related("team", "village"), self.request.user), area
        ).filter(date__gte=first, date__lte=last)
        prev_y, prev_m = shift_month(year, number, -1)
        next_y, next_m = shift_month(year, number, 1)
        base = f"?wilayah={area.code}&" if area else "?"
        context.update(
            month_start=first,
            weeks=services.month_grid(year, number, acts.order_by("date", "id")),
            total=acts.count(),
            prev_url=f"{base}bulan={prev_y:04d}-{prev_m:02d}",
            next_url=f"{base}bulan={next_y:04d}-{next_m:02d}",
        )
        return context


class FlagsView(AreaPageMixin, ScopedListView):
    """Villages without a recent activity (rows from a service, not a queryset)."""

    filter_form_class = FlagsFilterForm
    table_class = FlagsTable
    template_name = "outreach/flags.html"
    title = gettext_lazy("Desa tanpa kegiatan sosialisasi")

    def filtered_queryset(self):
        self.get_filter_form()
        return services.inactive_villages(self.area.code) if self.area else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(total=context["page"].paginator.count, policy=OutreachPolicy.current())
        return context


def _report_rows(area: Area, start: dt.date, end: dt.date) -> tuple[list[dict], list[dict], str]:
    """Village rows, display rows and their level label for the chosen area."""
    villages = services.outreach_summary(area.code, start, end)
    if area.level <= 2:
        return villages, services.summary_by_kecamatan(villages), "kecamatan"
    return villages, villages, "desa"


class ReportView(AreaPageView):
    filter_form_class = ReportFilterForm
    template_name = "outreach/report.html"

    def get(self, request, *args, **kwargs):
        if self.area is None:
            raise Http404(_("Wilayah tidak ditemukan."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, area = self.get_filter_form(), self.area
        period = form.period
        start, end = period or (None, None)
        if period:
            villages, rows, level = _report_rows(area, start, end)
        else:
            villages, rows, level = [], [], "desa"
        context.update(
            form=form,
            start=start,
            end=end,
            rows=rows,
            level=level,
            totals=services.totals(villages) if villages else None,
            evidence=services.paritrana_evidence(area.code, start, end) if period else None,
        )
        return context


class ReportExportView(AreaPageMixin, ScopedExportView):
    """The report's figures per village (and per kecamatan): aggregates, no personal data."""

    model = Activity
    filter_form_class = ReportFilterForm
    log_label = "Laporan sosialisasi"

    def get(self, request, fmt: str, *args, **kwargs):
        form = self.get_filter_form()
        if fmt not in self.formats or self.area is None or "wilayah" in form.errors:
            raise Http404
        if form.period is None or form.errors:
            texts = [*form.non_field_errors(), *form.invalid_messages()]
            messages.error(request, " ".join(texts) or _("Periode tidak valid."))
            return redirect(reverse("outreach:report") + "?" + request.GET.urlencode())
        return super().get(request, fmt, *args, **kwargs)

    def filter_queryset(self, qs, values):
        start, end = self.get_filter_form().period
        return _area_filter(qs, self.area).filter(date__gte=start, date__lte=end)

    def rows(self, qs, user):
        start, end = self.get_filter_form().period
        return _report_rows(self.area, start, end)

    def write(self, rows, fmt, filename):
        villages, shown, level = rows
        start, end = self.get_filter_form().period
        name = f"sosialisasi-{self.area.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        return exports.response(
            fmt,
            name,
            villages,
            kecamatan_rows=shown if level == "kecamatan" else None,
            delimiter=self.delimiter,
        )


# --- targets ----------


class TargetListView(AreaPageMixin, ScopedListView):
    queryset = OutreachTarget.objects.select_related("village", "team")
    filter_form_class = TargetFilterForm
    template_name = "outreach/target_list.html"
    paginate_by = PAGE_SIZE
    title = gettext_lazy("Target sosialisasi")

    def filter_queryset(self, qs, values):
        return (
            _area_filter(qs, self.area)
            .filter(year=values["tahun"])
            .order_by("village__name", "team__name")
        )

    def get_table(self, records):
        rows = _target_rows(list(records), self.area, self.get_filter_form().values["tahun"])
        user = self.request.user
        return TargetTable(rows, user, exclude=() if user.is_admin else ("edit",))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.get_filter_form().values["tahun"], can_manage=self.request.user.is_admin
        )
        return context


def _target_rows(targets: list[OutreachTarget], area: Area | None, year: int) -> list[dict]:
    """Each target with the year's activities and registrations (of its team, or its village)."""
    progress = {}
    if area is not None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for row in services.outreach_summary(area.code, start, end):
            progress[row["code"]] = row
    team_ids = [t.team_id for t in targets if t.team_id]
    team_counts = dict(
        Activity.objects.filter(team__in=team_ids, date__year=year)
        .values_list("team_id")
        .annotate(n=Count("id"))
    )
    team_regs = dict(
        ActivityRegistration.objects.filter(activity__team__in=team_ids, activity__date__year=year)
        .values_list("activity__team_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for target in targets:
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
    return rows


class TargetEditView(ScopedEditView):
    # Scope first (ScopedEditView.prepare): a target of another area is "not found" for
    # everyone, not "forbidden".
    model = OutreachTarget
    form_class = TargetForm
    template_name = "outreach/target_form.html"
    success_message = gettext_lazy("Target tersimpan.")
    read_only_message = gettext_lazy("Hanya admin kabupaten yang menetapkan target.")

    def may_edit(self, user) -> bool:
        return bool(user.is_admin)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return form.save()

    def get_success_url(self, saved) -> str:
        return reverse("outreach:targets") + f"?tahun={saved.year}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "target": self.object}
