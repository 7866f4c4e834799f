"""Worker registry pages: declarations over the generic scoped views, rules in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.core.generic import (
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedExportView,
    ScopedListView,
)
from lindung.core.sorting import Sorting

from . import export, providers, services
from .eligibility import evaluate_all
from .flags import describe_for
from .forms import DeceasedForm, WorkerFilterForm, WorkerForm
from .models import EligibilityRule, Worker
from .selectors import filter_workers
from .tables import WorkerTable

SORTING = Sorting(
    {
        "nama": ("name", "id"),
        "lahir": ("birth_date", "village", "id"),
        "desa": ("village", "name", "id"),
        "prioritas": ("priority_group", "name", "id"),
    },
    default="nama",
)


class WorkerFilters:
    """The worker list's filters, shared by the page and its downloads."""

    model = Worker
    filter_form_class = WorkerFilterForm

    def get_filter_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def filter_queryset(self, qs, values):
        return filter_workers(qs, self.request.user, values)


class WorkerListView(WorkerFilters, ScopedListView):
    template_name = "workers/list.html"
    table_class = WorkerTable
    sorting = SORTING
    title = gettext_lazy("Pekerja")
    cache_results = True

    def known_count(self, values):
        return providers.listed_count(self.request.user, values)


def _membership_url(membership) -> str | None:
    """Link to the enrollment page of a membership, if that app provides one."""
    for name in ("enrollment:detail", "enrollment:membership_detail", "enrollment:membership"):
        try:
            return reverse(name, args=[membership.pk])
        except NoReverseMatch:
            continue
    return None


class WorkerDetailView(ScopedDetailView):
    queryset = Worker.objects.select_related(
        "village__parent", "sector", "verified_by", "created_by"
    )
    template_name = "workers/detail.html"
    context_object_name = "worker"
    action_kind = "worker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        worker, user = self.object, self.request.user
        today = timezone.localdate()
        memberships = list(worker.memberships.order_by("-created_at"))
        for m in memberships:
            m.url = _membership_url(m)
        birth = masking.birth_for(user, worker.birth_date, today)
        context.update(
            nik_shown=masking.nik_for(user, worker.nik),
            phone_shown=masking.phone_for(user, worker.phone),
            birth_date_shown=birth if isinstance(birth, dt.date) else None,
            age=worker.age_on(today),
            eligibility=evaluate_all(worker, today),
            overrides=worker.eligibility_overrides.select_related("by"),
            memberships=memberships,
            deceased_form=DeceasedForm(),
            flags=describe_for(user, worker),
        )
        return context


def _detail_url(worker) -> str:
    return reverse("workers:detail", args=[worker.pk])


class WorkerEditView(ScopedEditView):
    """Create (no pk) or edit a worker; a concurrent edit is refused and shown."""

    model = Worker
    form_class = WorkerForm
    template_name = "workers/form.html"
    service_errors = (services.WorkerError,)
    stale_errors = (services.StaleEditError,)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        if self.object is None:
            outcome = services.register_worker(form.service_data(), by=self.request.user)
            messages.success(
                self.request, _("Pekerja %(name)s tersimpan.") % {"name": outcome.worker.name}
            )
        else:
            outcome = services.update_worker(
                self.object,
                form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
                by=self.request.user,
            )
            messages.success(self.request, _("Perubahan tersimpan."))
        for warning in outcome.warnings:
            messages.warning(self.request, warning)
        return outcome.worker

    def on_stale(self, form, exc):
        super().on_stale(form, exc)
        # The next save is judged against what the operator has now seen.
        data = form.data.copy()
        data["version"] = exc.current.version
        form.data = data

    def get_success_url(self, saved):
        return _detail_url(saved)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(worker=self.object, current=getattr(self.stale, "current", None))
        return context


class WorkerVerifyView(ScopedActionView):
    model = Worker
    get_success_url = staticmethod(_detail_url)

    def act(self, request, worker):
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.mark_verified(worker, by=request.user, expected_version=version)
        except services.StaleEditError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Data %(name)s ditandai terverifikasi.") % {"name": worker})


class WorkerDeceasedView(ScopedActionView):
    model = Worker
    get_success_url = staticmethod(_detail_url)

    def act(self, request, worker):
        form = DeceasedForm(request.POST, worker=worker)
        if form.is_valid():
            try:
                services.mark_deceased(worker, form.cleaned_data["deceased_date"], request.user)
            except services.WorkerError as exc:
                for msgs in exc.errors.values():
                    for m in msgs:
                        messages.error(request, m)
            else:
                messages.success(request, _("Tanggal meninggal tercatat."))
        elif "deceased_date" in form.errors and form.data.get("deceased_date"):
            for m in form.errors["deceased_date"]:
                messages.error(request, m)
        else:
            messages.error(request, _("Isi tanggal meninggal yang valid."))


class WorkerExportView(WorkerFilters, ScopedExportView):
    filename_prefix = "pekerja"
    log_label = "Daftar pekerja"
    sheet_title = "Pekerja"
    ordering = ("village_id", "name", "id")

    def rows(self, qs, user):
        return export.rows(qs, full=masking.sees_full(user))


class EligibilityRulesView(LoginRequiredMixin, TemplateView):
    template_name = "workers/rules.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "rules": EligibilityRule.objects.prefetch_related("allowed_sectors").order_by(
                "funding_type", "-effective_from"
            ),
            "today": timezone.localdate(),
        }
