"""Import pages (upload, mapping, preview/progress, commit, downloads, duplicate review): thin
declarations over the generic scoped views (core.generic). Every query parameter is read
through a filter form (filters.py). The work itself runs in `jobs` (one job per file: the
preview and the commit are each one background run, the commit one transaction)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from lindung.core import export
from lindung.core.filters import read_filters
from lindung.core.generic import (
    EditorRequiredMixin,
    FilteredMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
)

from . import jobs, preview
from .filters import DuplicateFilterForm, JobListFilterForm, ProblemsFilterForm
from .forms import DecisionForm, MappingForm, UploadForm
from .models import ImportJob, PossibleDuplicate, WorkerMerge
from .readers import FileProblem
from .report import error_report, template_workbook
from .review import ReviewError, confirm_distinct, merge_into_match, undo_merge
from .selectors import comparison, pairs_for
from .services import STAGES
from .sheets import read_workbook

PROBLEMS_PER_PAGE = 50


def _detail_url(job: ImportJob) -> str:
    return reverse("imports:detail", args=[job.pk])


class JobMixin:
    """An import job of the user's area (404 outside it); only roles that edit data see jobs."""

    queryset = ImportJob.objects.select_related("area", "created_by")

    def get_object(self):
        job = super().get_object()
        self.require_editor()
        return job


class ImportIndexView(EditorRequiredMixin, ScopedListView):
    """The upload form and the area's import history. A file is stored and queued: the check
    runs in the background and the operator follows it on the job's page."""

    queryset = ImportJob.objects.select_related("created_by")
    filter_form_class = JobListFilterForm
    template_name = "imports/index.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.require_editor()
        return self.render_to_response(self.get_context_data(form=UploadForm()))

    def post(self, request, *args, **kwargs):
        self.require_editor()
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        job = ImportJob(
            original_name=upload.name[:255],
            size=upload.size,
            area_id=request.user.scope_code or None,
            created_by=request.user,
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
        jobs.enqueue(job)
        return redirect(_detail_url(job))


def _progress_context(job: ImportJob) -> dict:
    state = jobs.read_progress(job.pk) if job.is_running else {}
    total = state.get("total") or 0
    percent = int(100 * state.get("done", 0) / total) if total else 0
    return {
        "job": job,
        "stage": STAGES.get(state.get("stage", ""), "Menunggu giliran"),
        "percent": percent,
        "done": state.get("done", 0),
        "total": total,
    }


class JobDetailView(JobMixin, EditorRequiredMixin, FilteredMixin, ScopedDetailView):
    """A job's progress while it runs, then its preview (or result): readings, reasons, and
    the errors or warnings (`?jenis=`) page by page."""

    filter_form_class = ProblemsFilterForm
    template_name = "imports/detail.html"
    context_object_name = "job"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if jobs.recover_if_dead(self.object):
            self.object.refresh_from_db()
        if self.object.status == ImportJob.Status.NEEDS_MAPPING:
            return redirect("imports:mapping", pk=self.object.pk)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context.update(_progress_context(job))
        if job.status in (ImportJob.Status.VALIDATED, ImportJob.Status.COMMITTED):
            form = read_filters(self.request, self.filter_form_class)
            kind = form.values["jenis"]
            result = job.result
            items = result.get("warnings" if kind == "warnings" else "errors", [])
            context.update(
                kind=kind,
                filter_form=form,
                problems=Paginator(items, PROBLEMS_PER_PAGE).get_page(form.values["page"]),
                truncated=result.get("error_count", 0) > len(result.get("errors", [])),
                readings=preview.readings(result.get("readings", [])),
                error_reasons=preview.reasons(result.get("error_reasons", [])),
                warning_reasons=preview.reasons(result.get("warning_reasons", [])),
                sheets=preview.sheets(result),
                several_sheets=len(result.get("sheets", [])) > 1,
            )
        return context


class JobProgressView(JobMixin, EditorRequiredMixin, ScopedDetailView):
    """The progress bar, polled by htmx while the job runs."""

    template_name = "imports/_progress.html"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if jobs.recover_if_dead(job):
            job.refresh_from_db()
        response = self.render_to_response(_progress_context(job))
        if not job.is_running:
            response["HX-Refresh"] = "true"  # status changed: reload the full page once
        return response


class MappingView(JobMixin, ScopedEditView):
    """Which column holds what, when the header did not say it clearly; saving re-runs the
    check with the mapping."""

    form_class = MappingForm
    template_name = "imports/mapping.html"

    def blocked(self):
        if self.object.status in (ImportJob.Status.NEEDS_MAPPING, ImportJob.Status.VALIDATED):
            return None
        return redirect(_detail_url(self.object))

    def get_form_kwargs(self):
        job = self.object
        return {"headers": job.result.get("headers", []), "initial_mapping": job.mapping or {}}

    def save(self, form):
        job = self.object
        job.mapping = form.mapping()
        job.save(update_fields=["mapping", "updated_at"])
        jobs.enqueue(job)
        return job

    get_success_url = staticmethod(_detail_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context.update(
            job=job, unsure=job.result.get("unsure", {}), headers=job.result.get("headers", [])
        )
        return context


class CommitView(JobMixin, ScopedActionView):
    """Save a checked file: queued as one background run, all rows in one transaction."""

    get_success_url = staticmethod(_detail_url)

    def act(self, request, job):
        if job.status != ImportJob.Status.VALIDATED:
            messages.error(request, "Impor ini tidak dalam keadaan siap disimpan.")
        elif not job.accepted:
            messages.error(
                request, "Tidak ada baris yang diterima; perbaiki berkas lalu unggah ulang."
            )
        else:
            jobs.enqueue(job, commit=True)


class ReportView(JobMixin, EditorRequiredMixin, ScopedDetailView):
    """The operator's own file back with a problem column (report.py keeps its layout and,
    for a CSV, its separator)."""

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.files_deleted_at:
            messages.info(request, "Berkas impor ini sudah dihapus karena lewat masa simpan.")
            return redirect(_detail_url(job))
        result = jobs.full_result(job.pk)
        if not result:
            raise Http404("Laporan belum tersedia.")
        try:
            with job.file.open("rb") as handle:
                book = read_workbook(job.original_name, handle.read())
        except (FileProblem, OSError) as exc:
            raise Http404("Berkas asli tidak dapat dibaca lagi.") from exc
        content, filename, content_type = error_report(book, result, job.original_name)
        return export.attachment(content, content_type, filename)


class TemplateDownloadView(LoginRequiredMixin, EditorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        self.require_editor()
        code = request.user.scope_code or ""
        content = template_workbook(code, settings.LINDUNG_REGENCY_CODE)
        return export.attachment(content, export.XLSX_TYPE, "templat-daftar-pekerja.xlsx")


class DuplicateListView(ScopedListView):
    """Pairs that may be one person, with either person in the user's area."""

    filter_form_class = DuplicateFilterForm
    template_name = "imports/duplicates.html"
    paginate_by = 25

    def get_queryset(self):
        return pairs_for(self.request.user)

    def filter_queryset(self, qs, values):
        return qs.filter(status=values["status"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            status=self.get_filter_form().values["status"],
            statuses=PossibleDuplicate.Status.choices,
        )
        return context


DONE = {
    "merge": "Data digabung ke pekerja yang lebih dulu terdaftar.",
    "distinct": "Ditandai sebagai dua orang berbeda; pasangan ini tidak akan diusulkan lagi.",
    "undo": "Penggabungan dibatalkan; kedua data kembali dan pasangan ini perlu diperiksa lagi.",
}


class DuplicateDetailView(EditorRequiredMixin, ScopedDetailView):
    """Both records side by side; an editor merges, keeps them apart, or undoes a merge."""

    template_name = "imports/duplicate_detail.html"
    context_object_name = "pair"

    def get_object(self):
        # A pair shows to both areas of its two people (pairs_for), not only the worker's.
        qs = pairs_for(self.request.user).select_related("worker__sector", "match__sector")
        pair = qs.filter(pk=self.kwargs[self.pk_url_kwarg]).first()
        if pair is None:
            raise Http404("Data tidak ditemukan.")
        return pair

    def current_merge(self, pair):
        return WorkerMerge.objects.filter(pair=pair, undone_at__isnull=True).first()

    def post(self, request, *args, **kwargs):
        pair = self.object = self.get_object()
        self.require_editor()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        decision = form.cleaned_data["decision"]
        merge = self.current_merge(pair)
        try:
            if decision == "merge":
                merge_into_match(pair, request.user)
            elif decision == "distinct":
                confirm_distinct(pair, request.user)
            elif merge is None:
                raise ReviewError("Tidak ada penggabungan yang dapat dibatalkan.")
            else:
                undo_merge(merge, request.user)
            messages.success(request, DONE[decision])
        except ReviewError as exc:
            messages.error(request, str(exc))
        return redirect("imports:duplicates")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, probability = comparison(self.object)
        context.setdefault("form", DecisionForm())
        context.update(rows=rows, probability=probability, merge=self.current_merge(self.object))
        return context
