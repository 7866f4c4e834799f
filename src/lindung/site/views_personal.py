"""Admin pages for data-subject requests (UU 27/2022): export everything, or anonymise."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.audit.models import AccessLog, log_access
from lindung.core import export
from lindung.core.filters import read_filters
from lindung.workers.models import Worker

from .filters import PersonSearchForm
from .personal_data import anonymise, collect

CONFIRM_WORD = "ANONIMKAN"


def _admin_only(request):
    if not request.user.is_admin:
        raise Http404


@login_required
@require_http_methods(["GET"])
def person_search(request):
    _admin_only(request)
    form = read_filters(request, PersonSearchForm)  # a malformed NIK is a warning
    nik = form.values["nik"]
    query = nik or (form["nik"].value() or "").strip()
    found = None
    if nik:
        found = scoped(Worker.objects.all(), request.user).filter(nik=nik).first()
        if found is None:
            messages.error(request, "Tidak ada pekerja dengan NIK itu di wilayah kerja Anda.")
    return render(request, "site/person_search.html", {"query": query, "worker": found})


@login_required
@require_http_methods(["GET"])
def person_export(request, worker_id: int):
    _admin_only(request)
    worker = get_scoped_or_404(Worker.objects.all(), request.user, pk=worker_id)
    payload = collect(worker)
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Semua data pribadi pekerja #{worker.pk}",
        area_code=worker.village_id,
        record_count=sum(len(rows) for rows in payload["data"].values()),
    )
    return export.attachment(
        json.dumps(payload, ensure_ascii=False, indent=1),
        "application/json",
        f"data-pribadi-{worker.pk}.json",
    )


@login_required
@require_POST
def person_anonymise(request, worker_id: int):
    _admin_only(request)
    worker = get_scoped_or_404(Worker.objects.all(), request.user, pk=worker_id)
    if request.POST.get("confirm", "").strip() != CONFIRM_WORD:
        messages.error(request, f"Ketik {CONFIRM_WORD} untuk mengonfirmasi anonimisasi.")
        return redirect(f"/data-pribadi/?nik={worker.nik}")
    anonymise(worker)
    log_access(
        request.user,
        AccessLog.Action.ANONYMISE,
        f"Anonimisasi pekerja #{worker.pk}",
        area_code=worker.village_id,
        record_count=1,
    )
    messages.success(
        request, "Data pribadi telah dianonimkan; angka cakupan dan anggaran tidak berubah."
    )
    return redirect("person_search")
