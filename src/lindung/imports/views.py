"""Thin views: upload, mapping, preview/progress, commit, downloads, duplicate review."""

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
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
)

from . import jobs, preview
from .filters import DuplicateFilterForm, JobListFilterForm, ProblemFilterForm
from .forms import DecisionForm, MappingForm, UploadForm
from .models import ImportJob, PossibleDuplicate, WorkerMerge
from .readers import FileProblem
from .report import error_report, template_workbook
from .review import ReviewError, confirm_distinct, merge_into_match, undo_merge
from .selectors import comparison, pairs_for
from .services import STAGES
from .sheets import read_workbook

JOBS = ImportJob.objects.select_related("area", "created_by")


class JobMixin(EditorRequiredMixin):
    """Import jobs are shown only to roles that may import (a viewer gets 403)."""

    queryset = JOBS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def current_job(self) -> ImportJob:
        job = self.get_object()
        if jobs.recover_if_dead(job):
            job.refresh_from_db()
        return job


class ImportIndexView(JobMixin, ScopedListView):
    """Upload a file, and the history of the area's imports."""

    filter_form_class = JobListFilterForm
    template_name = "imports/index.html"
    paginate_by = 20
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        return context

    def post(self, request, *args, **kwargs):
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
        return redirect("imports:detail", pk=job.pk)


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


class ImportDetailView(JobMixin, ScopedDetailView):
    """The check's result: what was read, the problems page by page, then Save."""

    template_name = "imports/detail.html"

    def get(self, request, *args, **kwargs):
        self.object = self.current_job()
        if self.object.status == ImportJob.Status.NEEDS_MAPPING:
            return redirect("imports:mapping", pk=self.object.pk)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context.update(_progress_context(job))
        if job.status in (ImportJob.Status.VALIDATED, ImportJob.Status.COMMITTED):
            filters = read_filters(self.request, ProblemFilterForm)
            kind, page = filters.values["jenis"], filters.values["page"]
            items = job.result.get("warnings" if kind == "warnings" else "errors", [])
            context.update(
                filter_form=filters,
                kind=kind,
                problems=Paginator(items, 50).get_page(page),
                truncated=job.result.get("error_count", 0) > len(job.result.get("errors", [])),
                readings=preview.readings(job.result.get("readings", [])),
                error_reasons=preview.reasons(job.result.get("error_reasons", [])),
                warning_reasons=preview.reasons(job.result.get("warning_reasons", [])),
                sheets=preview.sheets(job.result),
                several_sheets=len(job.result.get("sheets", [])) > 1,
            )
        return context


class ImportProgressView(JobMixin, ScopedDetailView):
    """The progress bar, polled while the job runs."""

    template_name = "imports/_progress.html"

    def get(self, request, *args, **kwargs):
        job = self.object = self.current_job()
        response = self.render_to_response(_progress_context(job))
        if not job.is_running:
            response["HX-Refresh"] = "true"  # status changed: reload the full page once
        return response


class MappingView(JobMixin, ScopedEditView):
    """Which column holds what, when the headers were not recognised for sure."""

    template_name = "imports/mapping.html"

    def blocked(self):
        if self.object.status not in (ImportJob.Status.NEEDS_MAPPING, ImportJob.Status.VALIDATED):
            return redirect("imports:detail", pk=self.object.pk)
        return None

    def get_form(self, data=None, files=None):
        headers = self.object.result.get("headers", [])
        return MappingForm(data, headers=headers, initial_mapping=self.object.mapping or {})

    def save(self, form):
        job = self.object
        job.mapping = form.mapping()
        job.save(update_fields=["mapping", "updated_at"])
        jobs.enqueue(job)
        return job

    def get_success_url(self, saved) -> str:
        return reverse("imports:detail", kwargs={"pk": saved.pk})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.object.result
        context.update(
            job=self.object, unsure=result.get("unsure", {}), headers=result.get("headers", [])
        )
        return context


class CommitView(JobMixin, ScopedActionView):
    def act(self, request, job) -> str:
        if job.status != ImportJob.Status.VALIDATED:
            messages.error(request, "Impor ini tidak dalam keadaan siap disimpan.")
        elif not job.accepted:
            messages.error(
                request, "Tidak ada baris yang diterima; perbaiki berkas lalu unggah ulang."
            )
        else:
            jobs.enqueue(job, commit=True)
        return reverse("imports:detail", kwargs={"pk": job.pk})


class ReportView(JobMixin, ScopedDetailView):
    """The uploaded workbook with every problem marked on its row."""

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.files_deleted_at:
            messages.info(request, "Berkas impor ini sudah dihapus karena lewat masa simpan.")
            return redirect("imports:detail", pk=job.pk)
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


class WorkbookTemplateView(EditorRequiredMixin, LoginRequiredMixin, View):
    """The empty workbook with the area's villages in its pick lists."""

    def get(self, request, *args, **kwargs):
        self.require_editor()
        content = template_workbook(request.user.scope_code or "", settings.LINDUNG_REGENCY_CODE)
        return export.attachment(content, export.XLSX_TYPE, "templat-daftar-pekerja.xlsx")


class PairsMixin:
    """A pair is seen by the officers of either person's area (pairs_for decides)."""

    def get_queryset(self):
        return pairs_for(self.request.user)

    def base_queryset(self):
        return pairs_for(self.request.user)


class DuplicateListView(PairsMixin, ScopedListView):
    filter_form_class = DuplicateFilterForm
    template_name = "imports/duplicates.html"
    paginate_by = 25

    def filter_queryset(self, qs, values):
        return qs.filter(status=values["status"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            status=context["filter_form"].values["status"],
            statuses=PossibleDuplicate.Status.choices,
        )
        return context


DONE = {
    "merge": "Data digabung ke pekerja yang lebih dulu terdaftar.",
    "distinct": "Ditandai sebagai dua orang berbeda; pasangan ini tidak akan diusulkan lagi.",
    "undo": "Penggabungan dibatalkan; kedua data kembali dan pasangan ini perlu diperiksa lagi.",
}


class DuplicateDetailView(PairsMixin, EditorRequiredMixin, ScopedDetailView):
    """Both records side by side; an editor merges, separates or undoes a merge."""

    template_name = "imports/duplicate_detail.html"
    http_method_names = ["get", "post"]

    def base_queryset(self):
        return pairs_for(self.request.user).select_related("worker__sector", "match__sector")

    def get_object(self):
        try:
            return self.base_queryset().get(pk=self.kwargs["pk"])
        except PossibleDuplicate.DoesNotExist as exc:
            raise Http404("Data tidak ditemukan.") from exc

    def current_merge(self, pair) -> WorkerMerge | None:
        return WorkerMerge.objects.filter(pair=pair, undone_at__isnull=True).first()

    def post(self, request, *args, **kwargs):
        self.object = pair = self.get_object()
        self.require_editor()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        decision, merge = form.cleaned_data["decision"], self.current_merge(pair)
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
        context.update(
            pair=self.object,
            rows=rows,
            probability=probability,
            merge=self.current_merge(self.object),
        )
        return context
