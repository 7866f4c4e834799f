"""Pages under /pertukaran/: thin wrappers around the exchange services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.areas.models import Area, AreaLevel
from lindung.audit.models import AccessLog, log_access
from lindung.core import export
from lindung.core.spreadsheet import SpreadsheetError
from lindung.workers.nik import mask_nik

from . import bpjs_export, bpjs_status, bridge, files, kobo, opensid
from .forms import (
    ExportForm,
    KoboUploadForm,
    OpensidExportForm,
    OpensidUploadForm,
    ProfileForm,
    StatusUploadForm,
)
from .matching import Match
from .models import ExchangeImport, ExportBatch, ExportProfile, ImportKind, ImportState

PAGE_SIZE = 25
PREVIEW_ROWS = 200


def _nik_shower(user):
    return (
        (lambda nik: nik) if user.sees_personal_data else (lambda nik: mask_nik(nik) if nik else "")
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    # Only the response goes through core.export: the file itself keeps the exchange layout.
    return export.attachment(content, content_type, filename)


def _export_areas(user):
    code = user.scope_code
    qs = Area.objects.filter(level__in=[AreaLevel.KECAMATAN, AreaLevel.DESA]).order_by("code")
    if code is None:
        return qs.none()
    return qs if code == "" else qs.within(code).exclude(code=code)


@login_required
def index(request):
    user = request.user
    imports = scoped(ExchangeImport.objects.select_related("created_by"), user)
    batches = scoped(ExportBatch.objects.select_related("created_by", "profile"), user)
    return render(
        request,
        "exchange/index.html",
        {
            "imports": Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page")),
            "batches": batches[:10],
            "can_export": bpjs_export.may_export(user),
            "can_import_status": bpjs_status.may_import(user),
            "can_edit": user.can_edit,
            "pending": bpjs_export.candidates(user).count(),
        },
    )


# --- BPJS batch export -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bpjs_export_view(request):
    user = request.user
    if not bpjs_export.may_export(user):
        raise PermissionDenied(_("Peran Anda tidak dapat mengekspor data pribadi peserta."))
    form = ExportForm(
        request.POST or None,
        areas=_export_areas(user),
        can_submit=bpjs_export.may_submit(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = bpjs_export.export_batch(
                user,
                data["profile"],
                file_format=data["file_format"],
                area_code=data["area"] or None,
                submit=data.get("submit", False),
                note=data.get("note", ""),
            )
        except bpjs_export.ExportError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:  # a lifecycle step refused: nothing was recorded
            messages.error(request, " ".join(exc.messages))
        else:
            return _download(result.content, result.filename, result.content_type)
    area = request.GET.get("area") or (form.data.get("area") if form.is_bound else "")
    qs = bpjs_export.candidates(user, area or None)
    profile = ExportProfile.objects.filter(is_default=True).first() or ExportProfile.objects.first()
    header, rows = ([], [])
    if profile:
        header, rows = bpjs_export.build_rows(profile, list(qs[:PREVIEW_ROWS]))
    waiting = bpjs_export.awaiting_verification(user, area or None)
    return render(
        request,
        "exchange/bpjs_export.html",
        {
            "form": form,
            "count": qs.count(),
            "header": header,
            "rows": rows,
            "profile": profile,
            "waiting": waiting[:PREVIEW_ROWS],
            "waiting_count": waiting.count(),
        },
    )


@login_required
def batch_detail(request, pk: int):
    batch = get_scoped_or_404(
        ExportBatch.objects.select_related("profile", "created_by", "area"), request.user, pk=pk
    )
    from lindung.enrollment.models import Membership

    members = scoped(
        Membership.objects.filter(pk__in=batch.membership_ids).select_related("worker", "village"),
        request.user,
    ).order_by("village_id", "worker__name")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    show = _nik_shower(request.user)
    for m in page.object_list:
        m.nik_shown = show(m.worker.nik)
    return render(request, "exchange/batch_detail.html", {"batch": batch, "page": page})


# --- Imports ---------------------------------------------------------------------------------


def _read_upload(form) -> tuple[str, bytes]:
    upload = form.cleaned_data["file"]
    return upload.name, upload.read()


@login_required
@require_http_methods(["GET", "POST"])
def bpjs_import_view(request):
    if not bpjs_status.may_import(request.user):
        raise PermissionDenied(_("Hanya petugas BPJS atau admin kabupaten yang dapat mengimpor."))
    form = StatusUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = _read_upload(form)
        try:
            imp = bpjs_status.preview(request.user, name, data)
        except (bpjs_status.StatusImportError, SpreadsheetError) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("exchange:import_detail", pk=imp.pk)
    return render(request, "exchange/upload.html", {"form": form, "kind": ImportKind.BPJS_STATUS})


@login_required
@require_http_methods(["GET", "POST"])
def opensid_view(request):
    user = request.user
    villages = list(opensid.target_villages(user).select_related("parent"))
    upload = OpensidUploadForm(
        request.POST or None, request.FILES or None, villages=villages, prefix="impor"
    )
    export = OpensidExportForm(villages=villages, prefix="ekspor")
    if request.method == "POST":
        if not user.can_edit:
            raise PermissionDenied(_("Peran Anda hanya dapat melihat data."))
        if upload.is_valid():
            name, data = _read_upload(upload)
            try:
                imp = opensid.preview(user, name, data, upload.cleaned_data["village"])
            except (opensid.OpensidError, SpreadsheetError) as exc:
                upload.add_error("file", str(exc))
            else:
                return redirect("exchange:import_detail", pk=imp.pk)
    return render(
        request,
        "exchange/opensid.html",
        {"upload": upload, "export": export, "villages": villages},
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def opensid_status_export(request):
    user = request.user
    villages = list(opensid.target_villages(user))
    form = OpensidExportForm(request.GET or None, villages=villages, prefix="ekspor")
    if not form.is_valid():
        messages.error(request, _("Pilih desa di wilayah kerja Anda."))
        return redirect("exchange:opensid")
    code = form.cleaned_data["desa"]
    try:
        content = opensid.export_status(user, code)
    except opensid.OpensidError as exc:
        raise PermissionDenied(str(exc)) from exc
    filename = f"status-kepesertaan-{code.replace('.', '')}.xlsx"
    return _download(content, filename, XLSX_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def kobo_view(request):
    form = KoboUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.can_edit:
            raise PermissionDenied(_("Peran Anda hanya dapat melihat data."))
        if form.is_valid():
            name, data = _read_upload(form)
            try:
                imp = kobo.preview(
                    request.user,
                    name,
                    data,
                    skip_not_approved=form.cleaned_data["skip_not_approved"],
                )
            except (kobo.KoboError, SpreadsheetError) as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("exchange:import_detail", pk=imp.pk)
    return render(request, "exchange/kobo.html", {"form": form})


@login_required
def kobo_xlsform(request):
    content = kobo.xlsform(request.user)
    return _download(
        content,
        "lindung-pendataan-xlsform.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def import_detail(request, pk: int):
    imp = get_scoped_or_404(
        ExchangeImport.objects.select_related("created_by"), request.user, pk=pk
    )
    show = _nik_shower(request.user)
    context = {"imp": imp, "can_apply": imp.state == ImportState.PREVIEW}
    if imp.kind == ImportKind.BPJS_STATUS:
        context["can_apply"] &= bpjs_status.may_import(request.user)
        entries = [dict(e, nik_shown=show(e["nik"])) for e in imp.report]
        only = request.GET.get("tampil", "")
        if only == "masalah":
            entries = [e for e in entries if e["problem"] or e["match"] == Match.FUZZY]
        context.update(
            entries=Paginator(entries, 100).get_page(request.GET.get("page")),
            fuzzy=Match.FUZZY,
            only=only,
        )
        return render(request, "exchange/status_detail.html", context)
    context["can_apply"] &= request.user.can_edit
    report = imp.report[0] if imp.report else {"skipped": [], "problems": []}
    context.update(skipped=report["skipped"][:500], problems=report["problems"][:500])
    return render(request, "exchange/bridge_detail.html", context)


@login_required
@require_POST
def import_apply(request, pk: int):
    imp = get_scoped_or_404(ExchangeImport.objects.all(), request.user, pk=pk)
    try:
        if imp.kind == ImportKind.BPJS_STATUS:
            confirmed = {int(r) for r in request.POST.getlist("konfirmasi") if r.isdigit()}
            imp = bpjs_status.apply(imp, request.user, confirmed)
        else:
            if not request.user.can_edit:
                raise PermissionDenied(_("Peran Anda hanya dapat melihat data."))
            imp = bridge.apply(imp, request.user)
    except (bpjs_status.StatusImportError, bridge.BridgeError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Impor diterapkan. Lihat hasil per baris di bawah."))
    return redirect("exchange:import_detail", pk=imp.pk)


@login_required
def import_report(request, pk: int):
    imp = get_scoped_or_404(ExchangeImport.objects.all(), request.user, pk=pk)
    show = _nik_shower(request.user)
    if imp.kind == ImportKind.BPJS_STATUS:
        header = bpjs_status.REPORT_HEADER
        rows = bpjs_status.report_rows(imp, only_problems=True, show_nik=show)
    else:
        header = ["Baris", "Nama", "Kolom", "Kode", "Keterangan"]
        report = imp.report[0] if imp.report else {"skipped": [], "problems": []}
        rows = [[s["row"], s["name"], "", "dilewati", s["reason"]] for s in report["skipped"]]
        rows += [
            [p["row"], "", p["column"] or "", p["code"], p["message"]] for p in report["problems"]
        ]
    log_access(
        request.user,
        AccessLog.Action.DOWNLOAD,
        f"Laporan impor pertukaran #{imp.pk}",
        area_code=imp.area_id,
        record_count=len(rows),
    )
    return _download(files.to_csv(header, rows), f"laporan-impor-{imp.pk}.csv", "text/csv")


# --- Export profiles (configuration) --------------------------------------------------------


@login_required
def profile_list(request):
    return render(
        request,
        "exchange/profiles.html",
        {"profiles": ExportProfile.objects.all(), "can_manage": request.user.is_admin},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk: int | None = None):
    if not request.user.is_admin:
        raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengubah profil ekspor."))
    profile = get_object_or_404(ExportProfile, pk=pk) if pk else None
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("Profil ekspor disimpan."))
        return redirect("exchange:profiles")
    return render(request, "exchange/profile_form.html", {"form": form, "profile": profile})
