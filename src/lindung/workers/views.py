"""Worker registry pages. Thin: scoping via accounts.scoping, rules via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scoping import get_scoped_or_404
from lindung.audit.models import AccessLog, log_access
from lindung.core.actions import actions_for
from lindung.core.paging import CachedCountPaginator as Paginator
from lindung.core.sorting import Sorting

from . import export, services
from .eligibility import evaluate_all
from .forms import DeceasedForm, WorkerFilterForm, WorkerForm
from .models import EligibilityRule, Worker
from .nik import mask_nik
from .selectors import filtered_workers

PAGE_SIZE = 50
SORTING = Sorting(
    {
        "nama": ("name", "id"),
        "lahir": ("birth_date", "village", "id"),
        "desa": ("village", "name", "id"),
        "prioritas": ("priority_group", "name", "id"),
    },
    default="nama",
)


def _require_editor(user) -> None:
    if not user.can_edit:
        raise PermissionDenied(_("Peran Anda hanya dapat melihat data."))


def _filters(request) -> tuple[WorkerFilterForm, dict]:
    form = WorkerFilterForm(request.GET or None, user=request.user)
    if not form.is_bound:
        return form, {}
    form.is_valid()
    # Valid filters still apply when another one is not recognised.
    return form, dict(form.cleaned_data)


@login_required
def worker_list(request):
    form, params = _filters(request)
    qs, sort_key = SORTING.apply(filtered_workers(request.user, params), request.GET.get("urut"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    full = request.user.sees_personal_data
    for w in page.object_list:
        w.nik_shown = w.nik if full else mask_nik(w.nik)
        w.phone_shown = (w.phone if full else mask_nik(w.phone)) if w.phone else ""
    return render(
        request,
        "workers/list.html",
        {
            "page": page,
            "filter_form": form,
            "sort_key": sort_key,
            "query": request.GET.urlencode(),
            "filtered": any(v not in (None, "") for v in params.values()),
        },
    )


def _membership_url(membership) -> str | None:
    """Link to the enrollment page of a membership, if that app provides one."""
    for name in ("enrollment:detail", "enrollment:membership_detail", "enrollment:membership"):
        try:
            return reverse(name, args=[membership.pk])
        except NoReverseMatch:
            continue
    return None


@login_required
def worker_detail(request, pk: int):
    worker = get_scoped_or_404(
        Worker.objects.select_related("village__parent", "sector", "verified_by", "created_by"),
        request.user,
        pk=pk,
    )
    full = request.user.sees_personal_data
    memberships = list(worker.memberships.order_by("-created_at"))
    for m in memberships:
        m.url = _membership_url(m)
    return render(
        request,
        "workers/detail.html",
        {
            "worker": worker,
            "nik_shown": worker.nik if full else mask_nik(worker.nik),
            "phone_shown": (worker.phone if full else mask_nik(worker.phone))
            if worker.phone
            else "",
            "age": worker.age_on(timezone.localdate()),
            "eligibility": evaluate_all(worker, timezone.localdate()),
            "overrides": worker.eligibility_overrides.select_related("by"),
            "memberships": memberships,
            "deceased_form": DeceasedForm(),
            "actions": actions_for("worker", worker, request.user),
        },
    )


@login_required
def worker_create(request):
    _require_editor(request.user)
    form = WorkerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.register_worker(form.service_data(), by=request.user)
        except services.WorkerError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, _("Pekerja %(name)s tersimpan.") % {"name": outcome.worker.name}
            )
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return redirect("workers:detail", pk=outcome.worker.pk)
    return render(request, "workers/form.html", {"form": form, "worker": None})


@login_required
def worker_edit(request, pk: int):
    worker = get_scoped_or_404(Worker.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
    form = WorkerForm(request.POST or None, instance=worker, user=request.user)
    current = None
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data.get("version") or 0
        try:
            outcome = services.update_worker(
                worker, form.service_data(), expected_version=expected, by=request.user
            )
        except services.StaleEditError as exc:
            current = exc.current
            form.add_error(None, str(exc))
            # The next save is judged against what the operator has now seen.
            data = form.data.copy()
            data["version"] = current.version
            form.data = data
        except services.WorkerError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return redirect("workers:detail", pk=worker.pk)
    return render(
        request, "workers/form.html", {"form": form, "worker": worker, "current": current}
    )


@login_required
@require_POST
def worker_verify(request, pk: int):
    worker = get_scoped_or_404(Worker.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
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
    return redirect("workers:detail", pk=worker.pk)


@login_required
@require_POST
def worker_deceased(request, pk: int):
    worker = get_scoped_or_404(Worker.objects.all(), request.user, pk=pk)
    _require_editor(request.user)
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
    return redirect("workers:detail", pk=worker.pk)


@login_required
def worker_export(request, fmt: str):
    _, params = _filters(request)
    qs = filtered_workers(request.user, params).order_by("village_id", "name", "id")
    full = request.user.sees_personal_data
    count = qs.count()
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Daftar pekerja ({fmt.upper()}) {request.GET.urlencode()}".strip(),
        area_code=params.get("wilayah") or request.user.scope_code or "",
        record_count=count,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"pekerja-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            export.csv_stream(export.rows(qs, full=full)), content_type="text/csv; charset=utf-8"
        )
    else:
        content, _count = export.xlsx_bytes(export.rows(qs, full=full))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def eligibility_rules(request):
    rules = EligibilityRule.objects.prefetch_related("allowed_sectors").order_by(
        "funding_type", "-effective_from"
    )
    return render(request, "workers/rules.html", {"rules": rules, "today": timezone.localdate()})
