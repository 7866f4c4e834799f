"""Thin views: upload, mapping, preview/progress, commit, downloads, duplicate review."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.core import export

from . import jobs, preview
from .forms import DecisionForm, MappingForm, UploadForm
from .models import ImportJob, PossibleDuplicate, WorkerMerge
from .pairs import comparison, pairs_for
from .readers import FileProblem
from .report import error_report, template_workbook
from .review import ReviewError, confirm_distinct, merge_into_match, undo_merge
from .services import STAGES
from .sheets import read_workbook


def _editor(request) -> None:
    if not request.user.can_edit:
        raise PermissionDenied("Peran Anda hanya dapat melihat data.")


def _job(request, pk: int) -> ImportJob:
    _editor(request)
    return get_scoped_or_404(
        ImportJob.objects.select_related("area", "created_by"), request.user, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    _editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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
    page = Paginator(scoped(ImportJob.objects.select_related("created_by"), request.user), 20)
    return render(
        request,
        "imports/index.html",
        {"form": form, "page": page.get_page(request.GET.get("page"))},
    )


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


@login_required
def detail(request, pk: int):
    job = _job(request, pk)
    if jobs.recover_if_dead(job):
        job.refresh_from_db()
    context = _progress_context(job)
    if job.status == ImportJob.Status.NEEDS_MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    if job.status in (ImportJob.Status.VALIDATED, ImportJob.Status.COMMITTED):
        kind = request.GET.get("jenis", "errors")
        items = job.result.get("warnings" if kind == "warnings" else "errors", [])
        context.update(
            kind=kind,
            problems=Paginator(items, 50).get_page(request.GET.get("page")),
            truncated=job.result.get("error_count", 0) > len(job.result.get("errors", [])),
            readings=preview.readings(job.result.get("readings", [])),
            error_reasons=preview.reasons(job.result.get("error_reasons", [])),
            warning_reasons=preview.reasons(job.result.get("warning_reasons", [])),
            sheets=preview.sheets(job.result),
            several_sheets=len(job.result.get("sheets", [])) > 1,
        )
    return render(request, "imports/detail.html", context)


@login_required
def progress(request, pk: int):
    job = _job(request, pk)
    if jobs.recover_if_dead(job):
        job.refresh_from_db()
    response = render(request, "imports/_progress.html", _progress_context(job))
    if not job.is_running:
        response["HX-Refresh"] = "true"  # status changed: reload the full page once
    return response


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, pk: int):
    job = _job(request, pk)
    if job.status not in (ImportJob.Status.NEEDS_MAPPING, ImportJob.Status.VALIDATED):
        return redirect("imports:detail", pk=job.pk)
    headers = job.result.get("headers", [])
    form = MappingForm(request.POST or None, headers=headers, initial_mapping=job.mapping or {})
    if request.method == "POST" and form.is_valid():
        job.mapping = form.mapping()
        job.save(update_fields=["mapping", "updated_at"])
        jobs.enqueue(job)
        return redirect("imports:detail", pk=job.pk)
    return render(
        request,
        "imports/mapping.html",
        {"job": job, "form": form, "unsure": job.result.get("unsure", {}), "headers": headers},
    )


@login_required
@require_POST
def commit(request, pk: int):
    job = _job(request, pk)
    if job.status != ImportJob.Status.VALIDATED:
        messages.error(request, "Impor ini tidak dalam keadaan siap disimpan.")
    elif not job.accepted:
        messages.error(request, "Tidak ada baris yang diterima; perbaiki berkas lalu unggah ulang.")
    else:
        jobs.enqueue(job, commit=True)
    return redirect("imports:detail", pk=job.pk)


@login_required
def report(request, pk: int):
    job = _job(request, pk)
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


@login_required
def template(request):
    _editor(request)
    content = template_workbook(request.user.scope_code or "", settings.LINDUNG_REGENCY_CODE)
    return export.attachment(content, export.XLSX_TYPE, "templat-daftar-pekerja.xlsx")


@login_required
def duplicates(request):
    status = request.GET.get("status", PossibleDuplicate.Status.OPEN)
    if status not in PossibleDuplicate.Status.values:
        status = PossibleDuplicate.Status.OPEN
    qs = pairs_for(request.user).filter(status=status)
    return render(
        request,
        "imports/duplicates.html",
        {
            "page": Paginator(qs, 25).get_page(request.GET.get("page")),
            "status": status,
            "statuses": PossibleDuplicate.Status.choices,
        },
    )


DONE = {
    "merge": "Data digabung ke pekerja yang lebih dulu terdaftar.",
    "distinct": "Ditandai sebagai dua orang berbeda; pasangan ini tidak akan diusulkan lagi.",
    "undo": "Penggabungan dibatalkan; kedua data kembali dan pasangan ini perlu diperiksa lagi.",
}


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_detail(request, pk: int):
    try:
        pair = pairs_for(request.user).select_related("worker__sector", "match__sector").get(pk=pk)
    except PossibleDuplicate.DoesNotExist as exc:
        raise Http404("Data tidak ditemukan.") from exc
    merge = WorkerMerge.objects.filter(pair=pair, undone_at__isnull=True).first()
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        _editor(request)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
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
    rows, probability = comparison(pair)
    context = {"pair": pair, "form": form, "rows": rows, "probability": probability,
               "merge": merge}  # fmt: skip
    return render(request, "imports/duplicate_detail.html", context)
