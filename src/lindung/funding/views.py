"""Pendanaan pages: declarations over the generic scoped views; the work happens in
services/renewal/scenarios/cuts, every query parameter is read through funding.filters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.accounts.scoping import area_q, scoped, user_covers_area
from lindung.core.charts import Chart, Series
from lindung.core.generic import (
    EditorRequiredMixin,
    FilteredMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedExportView,
    ScopedListView,
)
from lindung.core.jobstatus import JobStatus
from lindung.enrollment.models import FundingType, Membership

from . import cuts, exports, renewal, scenarios, services
from .filters import (
    CandidateFilterForm,
    CommitmentFilterForm,
    DownloadForm,
    IdListField,
    MemberSearchForm,
    RenewalFilterForm,
    ScenarioCompareForm,
    ScenarioFilterForm,
    SourceFilterForm,
)
from .forms import CommitForm, FundingSourceForm, RenewalForm, ScenarioForm, manageable_choices
from .models import (
    LIVE_STATUSES,
    Commitment,
    FundingSource,
    Reason,
    Scenario,
)

DANA_DESA_NOTE = gettext_lazy(
    "Catatan hukum: penggunaan Dana Desa untuk iuran warga biasa (mis. buruh tani) masih "
    "diperdebatkan. BPJSTK/DPMD menyebut Permendes PDT 16/2025 mengizinkannya (terutama PKTD), "
    "tetapi bunyi pasalnya masih perlu dipastikan; iuran perangkat desa jelas boleh dari "
    "APBDes. Pastikan dasar hukum di APBDes sebelum berkomitmen."
)
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


def _source_url(source_id: int) -> str:
    return reverse("funding:source_detail", args=[source_id])


def _scenario_url(scenario_id: int) -> str:
    return reverse("funding:scenario_detail", args=[scenario_id])


def _source_or_404(user, pk: int) -> FundingSource:
    """Sources are visible inside the user's area and, read-only, above it (see services)."""
    src = services.visible_sources(user).filter(pk=pk).select_related("owner_area").first()
    if src is None:
        raise Http404(_("Data tidak ditemukan."))
    return src


class SourceMixin:
    """A page about one funding source named by `pk` in the URL."""

    @property
    def src(self) -> FundingSource:
        if not hasattr(self, "_src"):
            self._src = _source_or_404(self.request.user, self.kwargs["pk"])
        return self._src


class ScenarioMixin:
    """A page about one scenario named by `pk`: scoped, another area's is a 404."""

    @property
    def sc(self) -> Scenario:
        if not hasattr(self, "_sc"):
            from lindung.accounts.scoping import get_scoped_or_404

            self._sc = get_scoped_or_404(
                Scenario.objects.select_related("area"), self.request.user, pk=self.kwargs["pk"]
            )
        return self._sc


class FundingExportView(ScopedExportView):
    """Funding downloads keep their links: the file type is `?format=csv|xlsx` (CSV unless
    XLSX is asked for), read through a filter form like every other parameter."""

    def get(self, request, *args, **kwargs):
        fmt = DownloadForm(request.GET).values["format"] or "csv"
        return super().get(request, fmt, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Sources and budgets
# ---------------------------------------------------------------------------------------------


class SourceFilters:
    """The source list's filters, shared by the page and its download."""

    filter_form_class = SourceFilterForm

    def get_queryset(self):
        # Sources above the user's area are shown read-only, so not `scoped()` (see services).
        return services.visible_sources(self.request.user).select_related("owner_area")

    def filter_queryset(self, qs, values):
        if values["tahun"]:
            qs = qs.filter(fiscal_year=values["tahun"])
        if values["jenis"]:
            qs = qs.filter(source_type=values["jenis"])
        if values["q"]:
            qs = qs.filter(
                Q(name__icontains=values["q"]) | Q(owner_area__name__icontains=values["q"])
            )
        return qs.order_by("-fiscal_year", "source_type", "owner_area_id", "name")


def _budget_chart(sources) -> Chart:
    rows = services.budget_by_type(sources)
    return Chart(
        id="anggaran-per-sumber",
        title=_("Pagu, dialokasikan dan terealisasi per jenis sumber dana"),
        kind="hbar",
        labels=[r["label"] for r in rows],
        series=[
            Series(_("Pagu"), [r["amount"] or 0 for r in rows]),
            Series(_("Dialokasikan"), [r["allocated"] or 0 for r in rows]),
            Series(_("Terealisasi"), [r["spent"] or 0 for r in rows]),
        ],
        money=True,
    )


class SourceListView(SourceFilters, ScopedListView):
    model = FundingSource
    template_name = "funding/source_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for src in context["page"].object_list:
            src.manageable = services.can_manage(user, src)
        qs = self.filtered_queryset()
        years = services.visible_sources(user).values_list("fiscal_year", flat=True)
        context.update(
            totals=services.budget_totals(qs),
            charts=[_budget_chart(qs)],
            types=FundingType.choices,
            years=sorted(set(years), reverse=True),
            can_create=user.can_edit,
            has_dana_desa=qs.filter(source_type=FundingType.DANA_DESA).exists(),
            dana_desa_note=DANA_DESA_NOTE,
        )
        return context


class SourceExportView(SourceFilters, FundingExportView):
    model = FundingSource
    filename_prefix = "sumber-dana"
    log_label = "Sumber dana"
    sheet_title = "Sumber dana"

    def rows(self, qs, user):
        return exports.sources(qs)


class SourceDetailView(SourceMixin, ScopedListView):
    """A source and, paged, the commitments on it inside the user's area."""

    filter_form_class = CommitmentFilterForm
    template_name = "funding/source_detail.html"

    def base_queryset(self):
        return self.src.commitments.select_related(
            "membership__worker__sector", "membership__village"
        )

    def filter_queryset(self, qs, values):
        if values["status"]:
            qs = qs.filter(status=values["status"])
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for c in context["page"].object_list:
            c.nik_shown = masking.nik_for(user, c.membership.worker.nik)
        context.update(
            src=self.src,
            manageable=services.can_manage(user, self.src),
            dana_desa_note=DANA_DESA_NOTE,
            statuses=CommitmentFilterForm.base_fields["status"].choices,
            sectors=self.src.eligible_sectors.all(),
            areas=self.src.eligible_areas.all(),
        )
        return context


class OutsideArea(Exception):
    """The form's owner area is outside what the user may manage."""

    def __init__(self):
        super().__init__()
        self.errors = {"owner_area": [_("Wilayah ini di luar wewenang Anda.")]}


class SourceEditView(ScopedEditView):
    """Create (no pk) or edit a source; the budget amount changes through services.set_amount,
    which refuses a budget below what is already committed."""

    form_class = FundingSourceForm
    template_name = "funding/source_form.html"
    service_errors = (OutsideArea,)

    def get_object(self):
        return _source_or_404(self.request.user, self.kwargs["pk"]) if "pk" in self.kwargs else None

    def prepare(self):
        super().prepare()
        if self.object is not None and not services.can_manage(self.request.user, self.object):
            raise PermissionDenied(_("Anda tidak dapat mengubah sumber dana ini."))

    def get_form_kwargs(self):
        return {"instance": self.object, "user": self.request.user}

    def save(self, form):
        obj = form.save(commit=False)
        if not services.can_manage(self.request.user, obj):
            raise OutsideArea
        self.amount_refused = False
        if self.object is None:
            obj.created_by = self.request.user
            obj.save()
            form.save_m2m()
            return obj
        new_amount = obj.amount
        obj.amount = FundingSource.objects.get(pk=obj.pk).amount
        obj.save()
        form.save_m2m()
        try:
            services.set_amount(obj, new_amount)
        except ValidationError as exc:
            # The other fields are saved; the page shows why the budget kept its amount.
            self.amount_refused = True
            messages.error(self.request, " ".join(exc.messages))
        return obj

    def get_success_url(self, saved):
        return _source_url(saved.pk)

    def get_success_message(self, saved):
        return "" if self.amount_refused else _("Sumber dana disimpan.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(src=self.object, dana_desa_note=DANA_DESA_NOTE)
        return context


def _eligible_members(user, src: FundingSource):
    """Members the user may commit to this source: in scope, in its area, not yet funded."""
    qs = scoped(Membership.objects.all(), user).filter(area_q("village", src.owner_area_id))
    areas = [a.code for a in src.eligible_areas.all()]
    if areas:
        cond = Q()
        for code in areas:
            cond |= area_q("village", code)
        qs = qs.filter(cond)
    sectors = list(src.eligible_sectors.values_list("pk", flat=True))
    if sectors:
        qs = qs.filter(worker__sector_id__in=sectors)
    if src.max_poverty_desil is not None:
        qs = qs.filter(worker__poverty_desil__lte=src.max_poverty_desil)
    funded = Commitment.objects.filter(
        membership=OuterRef("pk"),
        status__in=LIVE_STATUSES,
        start_month__lte=src.end_month,
        end_month__gte=src.start_month,
    )
    return (
        qs.exclude(status__in=services.ENDED)
        .filter(worker__deceased_date__isnull=True)
        .exclude(Exists(funded))
        .select_related("worker__sector", "village")
        .order_by("worker__sector__priority", "worker__poverty_desil", "worker__name", "pk")
    )


class CommitAddView(SourceMixin, EditorRequiredMixin, ScopedListView):
    """The members a source may still fund, paged and searchable; POST commits the ticked ones."""

    filter_form_class = MemberSearchForm
    template_name = "funding/commit_add.html"

    def check_manager(self) -> None:
        src = self.src  # another area's source is a 404 before the role's 403
        self.require_editor()
        if not services.can_manage(self.request.user, src):
            raise PermissionDenied(_("Anda tidak dapat mengalokasikan sumber dana ini."))

    def get_queryset(self):
        # _eligible_members scopes to the user itself.
        return _eligible_members(self.request.user, self.src)

    def filter_queryset(self, qs, values):
        q = values["q"]
        if q:
            qs = qs.filter(Q(worker__name__icontains=q) | Q(worker__nik__startswith=q))
        return qs

    def get(self, request, *args, **kwargs):
        self.check_manager()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_manager()
        form = CommitForm(request.POST)
        if form.is_valid():
            picked = request.POST.getlist("m")
            ids = IdListField(max_count=len(picked)).clean(picked)
            chosen = list(self.filtered_queryset().filter(pk__in=ids))
            if len(chosen) != len(set(picked)):
                messages.error(request, _("Sebagian peserta yang dipilih tidak dapat didanai."))
            else:
                try:
                    created = services.commit_many(
                        chosen,
                        self.src,
                        start_month=form.cleaned_data["start_month"],
                        months=form.cleaned_data["months"],
                        by=request.user,
                    )
                except ValidationError as exc:
                    for msg in exc.messages:
                        messages.error(request, msg)
                else:
                    messages.success(
                        request,
                        _("%(n)s peserta dialokasikan ke %(s)s.")
                        % {"n": len(created), "s": self.src.name},
                    )
                    return redirect(_source_url(self.src.pk))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            CommitForm(initial={"start_month": self.src.start_month, "months": self.src.months}),
        )
        context = super().get_context_data(**kwargs)
        calc = services.CostCalculator()
        user = self.request.user
        for m in context["page"].object_list:
            m.cost = calc.for_membership(m, self.src, self.src.start_month, self.src.months)
            m.nik_shown = masking.nik_for(user, m.worker.nik)
        context.update(
            src=self.src, q=context["filter_form"].values["q"], dana_desa_note=DANA_DESA_NOTE
        )
        return context


class CommitmentActionView(ScopedActionView):
    """A change on one commitment: scoped (404), then the source's manager only (403)."""

    queryset = Commitment.objects.select_related("source")

    def check_manager(self, commitment) -> None:
        if not services.can_manage(self.request.user, commitment.source):
            raise PermissionDenied(_("Anda tidak dapat mengubah komitmen ini."))

    def get_success_url(self, commitment):
        return _source_url(commitment.source_id)


class CommitmentCancelView(CommitmentActionView):
    def act(self, request, commitment):
        self.check_manager(commitment)
        try:
            services.cancel(commitment, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Komitmen dibatalkan; anggaran dikembalikan."))


class CommitmentPaidView(CommitmentActionView):
    def act(self, request, commitment):
        self.check_manager(commitment)
        try:
            services.mark_paid(commitment, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Komitmen ditandai dibayar."))


class CommitmentExportView(SourceMixin, FundingExportView):
    filter_form_class = CommitmentFilterForm
    sheet_title = "Komitmen"
    ordering = ("-created_at", "-id")

    def base_queryset(self):
        return self.src.commitments.select_related(
            "membership__worker__sector", "membership__village"
        )

    def filter_queryset(self, qs, values):
        return qs.filter(status=values["status"]) if values["status"] else qs

    @property
    def filename_prefix(self):
        return f"komitmen-{self.src.pk}"

    @property
    def log_label(self):
        return f"Komitmen sumber dana {self.src.pk} ({self.src.name})"

    def rows(self, qs, user):
        return exports.commitments(qs, user)


# ---------------------------------------------------------------------------------------------
# Renewal before lapse
# ---------------------------------------------------------------------------------------------


class RenewalFilters:
    """Memberships due for renewal in the asked fiscal year, for the page and its download."""

    model = Membership
    filter_form_class = RenewalFilterForm

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    @property
    def year(self) -> int:
        return self.get_filter_form().values["tahun"]

    def due(self):
        return renewal.due_for_renewal(
            scoped(Membership.objects.all(), self.request.user), self.year
        )

    def get_queryset(self):
        return self.due()

    def filter_queryset(self, qs, values):
        if values["desa"]:
            qs = qs.filter(area_q("village", values["desa"]))
        return qs.select_related("worker__sector", "village").order_by(
            "village_id", "worker__name", "pk"
        )


class RenewalDueView(RenewalFilters, ScopedListView):
    template_name = "funding/renewal_due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page"]
        names = {
            pk: f"{name} · {area}"
            for pk, name, area in FundingSource.objects.filter(
                pk__in=[m.last_source_id for m in page.object_list if m.last_source_id]
            ).values_list("pk", "name", "owner_area__name")
        }
        user = self.request.user
        for m in page.object_list:
            m.nik_shown = masking.nik_for(user, m.worker.nik)
            m.last_source_name = names.get(m.last_source_id, "")
        due = self.due()
        context.update(
            year=self.year,
            by_village=renewal.due_by_village(due),
            by_source=renewal.due_by_source(due),
            total=due.count(),
            village=context["filter_form"].values["desa"] or "",
            can_renew=user.can_edit,
        )
        return context


class RenewalExportView(RenewalFilters, FundingExportView):
    sheet_title = "Perpanjang"

    @property
    def filename_prefix(self):
        return f"perlu-diperpanjang-{self.year}"

    @property
    def log_label(self):
        return f"Kepesertaan perlu diperpanjang {self.year}"

    def rows(self, qs, user):
        return exports.renewals(qs, user)


class RenewalBatchView(EditorRequiredMixin, LoginRequiredMixin, TemplateView):
    """Choose next year's source: GET previews (the form bound to the query string), POST runs
    the batch. The form only offers sources the user manages."""

    template_name = "funding/renewal_batch.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data):
        sources = manageable_choices(self.request.user)
        # Only the form's own fields bind it: without them (or with other parameters only) the
        # page opens unbound, without errors.
        data = data.copy()
        for name in set(data) - set(RenewalForm.base_fields):
            del data[name]
        return RenewalForm(data or None, user=self.request.user, sources=sources)

    def members(self):
        return scoped(Membership.objects.all(), self.request.user)

    def get(self, request, *args, **kwargs):
        return self.show(self.get_form(request.GET))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            src = form.cleaned_data["source"]
            try:
                batch = renewal.run_batch(
                    src,
                    self.members(),
                    by=request.user,
                    previous_type=form.cleaned_data["previous_type"],
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(
                    request,
                    _("%(n)s kepesertaan diperpanjang ke %(s)s; %(k)s tidak tertampung.")
                    % {"n": batch.committed_count, "s": src.name, "k": batch.skipped_count},
                )
                return redirect(_source_url(src.pk))
        return self.show(form)

    def show(self, form):
        plan = None
        if form.is_bound and form.is_valid():
            plan = renewal.preview(
                form.cleaned_data["source"],
                self.members(),
                previous_type=form.cleaned_data["previous_type"],
            )
            for line in plan.lines:
                line.nik_shown = masking.nik_for(self.request.user, line.membership.worker.nik)
        return self.render_to_response(self.get_context_data(form=form, plan=plan))


# ---------------------------------------------------------------------------------------------
# Optimiser scenarios
# ---------------------------------------------------------------------------------------------


class ScenarioListView(ScopedListView):
    """The scenarios in the user's area; POST runs a new one."""

    queryset = Scenario.objects.select_related("area")
    filter_form_class = ScenarioFilterForm
    template_name = "funding/scenario_list.html"

    def filter_queryset(self, qs, values):
        if values["tahun"]:
            qs = qs.filter(fiscal_year=values["tahun"])
        return qs

    def post(self, request, *args, **kwargs):
        if not request.user.can_edit:
            raise PermissionDenied(_("Peran Anda hanya dapat melihat."))
        form = ScenarioForm(request.POST)
        if form.is_valid() and request.user.area_id is None:
            messages.error(request, _("Akun Anda belum memiliki wilayah kerja."))
        elif form.is_valid():
            try:
                policy = services.active_policy()
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                sc = form.save(commit=False)
                sc.area = request.user.area
                sc.type_cuts = form.type_cuts()
                sc.weight_policy = policy
                sc.created_by = request.user
                sc.save()
                scenarios.start(sc)
                return redirect(_scenario_url(sc.pk))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ScenarioForm())
        context = super().get_context_data(**kwargs)
        context["can_run"] = self.request.user.can_edit
        return context


def _visible_losers(user, rows):
    """Names only of participants inside the user's area; the counts stay whole."""
    for row in rows:
        row.shown = [c for c in row.losing if user_covers_area(user, c.membership.village_id)]
    return rows


def _why(c, by_id) -> str:
    if c.reason == Reason.DIDANAI:
        return _("Didanai %(s)s (bobot %(w)s)") % {"s": c.source.name, "w": c.weight}
    if c.reason == Reason.TIDAK_LAYAK:
        return _("Tidak ada sumber dana yang syaratnya (wilayah, sektor, desil) terpenuhi.")
    if c.reason == Reason.DI_BAWAH_BATAS:
        cutoffs = [r.cutoff_weight for r in by_id.values() if r.cutoff_weight is not None]
        low = min(cutoffs) if cutoffs else None
        return _(
            "Bobot %(w)s di bawah batas potong sumber yang sesuai (terendah yang didanai: "
            "%(c)s); anggaran dipakai untuk prioritas lebih tinggi."
        ) % {"w": c.weight, "c": low if low is not None else "-"}
    return _(
        "Anggaran sumber yang sesuai habis (biaya %(cost)s); sisa anggaran lebih kecil dari biaya."
    ) % {"cost": f"Rp{c.cost:,}".replace(",", ".")}


class CandidateFilters(ScenarioMixin):
    """A scenario's candidates inside the user's area, for its page and its download."""

    filter_form_class = CandidateFilterForm

    def base_queryset(self):
        return self.sc.candidates.select_related(
            "membership__worker__sector", "membership__village", "source", "greedy_source"
        )

    def filter_queryset(self, qs, values):
        if values["alasan"]:
            qs = qs.filter(reason=values["alasan"])
        if values["q"]:
            qs = qs.filter(membership__worker__name__icontains=values["q"])
        return qs.order_by("-weight", "id")


class ScenarioDetailView(CandidateFilters, ScopedListView):
    """A scenario's result: per source, the cuts it implies and, paged, who is in and why."""

    template_name = "funding/scenario_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sc, user = self.sc, self.request.user
        context.update(sc=sc, running=sc.status in RUNNING)
        if sc.status != JobStatus.DONE:
            return context
        rows = list(sc.sources.select_related("source__owner_area"))
        by_id = {r.source_id: r for r in rows}
        for c in context["page"].object_list:
            c.why = _why(c, by_id)
            c.nik_shown = masking.nik_for(user, c.membership.worker.nik)
        managed = {r.source_id for r in rows if services.can_manage(user, r.source)}
        values = context["filter_form"].values
        context.update(
            policy_tiers=services.policy_tiers(sc.weight_policy),
            over_commitments=_visible_losers(
                user, cuts.over_commitments(sc, [r.source for r in rows])
            ),
            rows=rows,
            reasons=Reason.choices,
            reason=values["alasan"] or "",
            q=values["q"] or "",
            can_apply=bool(managed) and user.can_edit,
            others=scoped(Scenario.objects.all(), user)
            .filter(status=JobStatus.DONE)
            .exclude(pk=sc.pk)[:20],
        )
        return context


class ScenarioStatusView(ScopedDetailView):
    """The progress fragment htmx polls; a finished run reloads the page."""

    queryset = Scenario.objects.select_related("area")
    template_name = "funding/_scenario_status.html"
    context_object_name = "sc"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.object.status in (JobStatus.DONE, JobStatus.FAILED):
            response["HX-Refresh"] = "true"
        return response


class ScenarioApplyView(ScopedActionView):
    """Commit a finished scenario for the sources the user manages, with the cuts it implies
    (those only when confirmed)."""

    queryset = Scenario.objects.select_related("area")

    def get_success_url(self, sc):
        return _scenario_url(sc.pk)

    def act(self, request, sc):
        if sc.status != JobStatus.DONE:
            raise PermissionDenied(_("Skenario ini tidak dapat diterapkan."))
        managed = {
            r.source_id
            for r in sc.sources.select_related("source")
            if services.can_manage(request.user, r.source)
        }
        confirmed = request.POST.get("konfirmasi_potongan") == "1"
        try:
            with transaction.atomic():
                ended = cuts.apply_cuts(
                    sc, by=request.user, user_sources=managed, confirmed=confirmed
                )
                n = scenarios.apply(sc, by=request.user, user_sources=managed)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
            return None
        messages.success(request, _("%(n)s komitmen dibuat dari skenario.") % {"n": n})
        for village, rows in cuts.by_village(ended).items():
            messages.warning(
                request,
                _("%(v)s: pendanaan %(n)s peserta diakhiri karena pemotongan: %(names)s.")
                % {
                    "v": village,
                    "n": len(rows),
                    "names": ", ".join(c.membership.worker.name for c in rows),
                },
            )
        return None


class ScenarioExportView(CandidateFilters, FundingExportView):
    sheet_title = "Skenario"

    @property
    def filename_prefix(self):
        return f"skenario-{self.sc.pk}"

    @property
    def log_label(self):
        return f"Hasil skenario {self.sc.pk} ({self.sc.name})"

    def rows(self, qs, user):
        return exports.candidates(qs, user)


class ScenarioCompareView(FilteredMixin, LoginRequiredMixin, TemplateView):
    """Two to four finished scenarios side by side (`?s=` repeated, in the order given)."""

    filter_form_class = ScenarioCompareForm
    template_name = "funding/scenario_compare.html"

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get(self, request, *args, **kwargs):
        ids = self.get_filter_form().values["s"] or []
        chosen = {sc.pk: sc for sc in Scenario.objects.filter(pk__in=ids)}
        if len(chosen) < 2:
            messages.error(request, _("Pilih minimal dua skenario yang sudah selesai."))
            return redirect("funding:scenario_list")
        table = scenarios.compare([chosen[pk] for pk in ids if pk in chosen])
        return self.render_to_response(self.get_context_data(table=table))
