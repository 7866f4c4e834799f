"""Claims pages. Thin: scoping, forms and services do the work."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lindung.accounts.scoping import area_q, get_scoped_or_404, scoped, user_covers_area
from lindung.areas.models import Area
from lindung.areas.services import home_area_for
from lindung.core.charts import Chart, Series
from lindung.core.formatting import format_month
from lindung.core.paging import CachedCountPaginator as Paginator
from lindung.core.spreadsheet import SpreadsheetError
from lindung.workers.nik import mask_nik

from . import workflow
from .benefits import compute_benefit
from .deceased import deceased_without_claim, followup_days, import_death_list, record_death
from .forms import (
    ClaimForm,
    DeathImportForm,
    DeathReportForm,
    HeirForm,
    PaymentForm,
    RejectForm,
    SettingsForm,
)
from .models import (
    BenefitParameter,
    Claim,
    ClaimsSettings,
    ClaimStatus,
    ClaimType,
    DocumentRequirement,
    Heir,
    ScholarshipRate,
)
from .rules import RuleBook
from .totals import claims_totals, paid_by_month, totals_by_child_area

PAGE_SIZE = 50
MAX_UPLOAD = 5 * 1024 * 1024


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _area_param(request) -> str:
    code = (request.GET.get("wilayah") or "").strip()
    if code and not user_covers_area(request.user, code):
        raise Http404("Wilayah tidak ditemukan.")
    return code


def _shown_nik(user, nik: str) -> str:
    return nik if user.sees_personal_data else mask_nik(nik)


def _require_edit(user) -> None:
    if not user.can_edit:
        raise PermissionDenied("Peran Anda hanya dapat melihat klaim.")


def _claims(user):
    return scoped(Claim.objects.select_related("membership__worker", "membership__village"), user)


# --- list ------------------------------------------------------------------------------------


@login_required
def claim_list(request):
    qs = _claims(request.user)
    f = {
        "jenis": request.GET.get("jenis", ""),
        "status": request.GET.get("status", ""),
        "wilayah": _area_param(request),
        "q": (request.GET.get("q") or "").strip(),
        "dari": _date(request.GET.get("dari")),
        "sampai": _date(request.GET.get("sampai")),
    }
    if f["jenis"] in ClaimType.values:
        qs = qs.filter(claim_type=f["jenis"])
    if f["status"] in ClaimStatus.values:
        qs = qs.filter(status=f["status"])
    if f["wilayah"]:
        qs = qs.filter(area_q("membership__village", f["wilayah"]))
    if f["q"]:
        qs = qs.filter(
            Q(membership__worker__name__icontains=f["q"]) | Q(membership__worker__nik=f["q"])
        )
    # The period filter is on the payment date, so a totals link lists exactly what it counted.
    if f["dari"]:
        qs = qs.filter(paid_date__gte=f["dari"])
    if f["sampai"]:
        qs = qs.filter(paid_date__lte=f["sampai"])
    page = Paginator(qs.order_by("-report_date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"claim": c, "nik": _shown_nik(request.user, c.membership.worker.nik)} for c in page]
    home = home_area_for(request.user)
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "types": ClaimType.choices,
            "statuses": ClaimStatus.choices,
            "areas": home.children.order_by("code") if home and home.level < 4 else [],
            "can_edit": request.user.can_edit,
        },
    )


# --- create ----------------------------------------------------------------------------------


@login_required
def claim_create(request):
    _require_edit(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("kepesertaan"):
        from lindung.enrollment.models import Membership

        if not request.GET["kepesertaan"].isdigit():
            raise Http404("Kepesertaan tidak ditemukan.")
        m = get_scoped_or_404(
            Membership.objects.select_related("worker"),
            request.user,
            pk=request.GET["kepesertaan"],
        )
        initial = {
            "nik": m.worker.nik,
            "claim_type": ClaimType.JKM,
            "event_date": m.worker.deceased_date,
        }
    form = ClaimForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        claim = workflow.create_claim(form.membership, request.user, **form.claim_fields())
        messages.success(request, "Klaim dicatat. Lengkapi berkas dan ahli waris.")
        return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/form.html", {"form": form})


# --- detail and actions ----------------------------------------------------------------------


@login_required
def claim_detail(request, pk: int):
    claim = get_scoped_or_404(_claims(request.user), request.user, pk=pk)
    user = request.user
    rules = RuleBook.load()
    heirs = list(claim.heirs.all())
    decision = workflow.heir_decision(claim, rules) if claim.is_death else None
    heir_rows = []
    for heir in heirs:
        verdict = decision.verdict_for(heir) if decision else None
        may, why = decision.may_receive(heir) if decision else (True, "")
        heir_rows.append(
            {
                "heir": heir,
                "nik": _shown_nik(user, heir.nik) if heir.nik else "-",
                "verdict": verdict,
                "may_receive": may,
                "why": why,
            }
        )
    benefit = compute_benefit(claim, rules=rules)
    delay = None
    if claim.status == ClaimStatus.DIBAYAR and claim.complete_date and claim.paid_date:
        delay = workflow.payment_delay(
            claim.amount_paid or 0, claim.complete_date, claim.paid_date, rules
        )
    elif claim.complete_date:
        delay = workflow.payment_delay(
            claim.amount_computed, claim.complete_date, dt.date.today(), rules
        )
    editable = user.can_edit and claim.status in (
        ClaimStatus.DILAPORKAN,
        ClaimStatus.BERKAS_LENGKAP,
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "worker": claim.membership.worker,
            "worker_nik": _shown_nik(user, claim.membership.worker.nik),
            "checklist": workflow.checklist(claim),
            "heirs": heir_rows,
            "decision": decision,
            "benefit": benefit,
            "stored": claim.computation or None,
            "next_steps": [
                (s, ClaimStatus(s).label)
                for s in workflow.allowed_next(claim, user)
                if s != ClaimStatus.DIBAYAR
            ],
            "can_pay": claim.status == ClaimStatus.DIVERIFIKASI and workflow.may_decide(user),
            "payment_form": PaymentForm(initial={"amount": claim.amount_computed or None}),
            "reject_form": RejectForm(),
            "delay": delay,
            "editable": editable,
            "docs_editable": user.can_edit
            and claim.status in (ClaimStatus.DILAPORKAN, ClaimStatus.BERKAS_LENGKAP),
            "transitions": claim.transitions.select_related("by"),
            "settings": ClaimsSettings.current(),
        },
    )


def _editable_claim(request, pk: int) -> Claim:
    # Scope first: another area's claim is "not found" for every role, never "forbidden".
    claim = get_scoped_or_404(_claims(request.user), request.user, pk=pk)
    _require_edit(request.user)
    return claim


@login_required
@require_POST
def claim_transition(request, pk: int):
    claim = _editable_claim(request, pk)
    try:
        workflow.transition(
            claim, request.POST.get("to", ""), request.user, reason=request.POST.get("reason", "")
        )
    except workflow.ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Status klaim menjadi '{claim.get_status_display()}'.")
    return redirect("claims:detail", pk=claim.pk)


@login_required
@require_POST
def claim_documents(request, pk: int):
    claim = _editable_claim(request, pk)
    try:
        ids = {int(v) for v in request.POST.getlist("doc")}
        workflow.set_documents(claim, request.user, ids)
    except ValueError as exc:  # ClaimError is a ValueError; so is a tampered id
        messages.error(
            request,
            str(exc) if isinstance(exc, workflow.ClaimError) else "Pilihan dokumen tidak valid.",
        )
    else:
        messages.success(request, "Daftar berkas disimpan.")
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#berkas")


@login_required
@require_POST
def claim_recipient(request, pk: int):
    claim = _editable_claim(request, pk)
    heir = None
    if request.POST.get("heir"):
        heir = claim.heirs.filter(pk=request.POST["heir"]).first()
        if heir is None:
            raise Http404("Ahli waris tidak ditemukan.")
    try:
        workflow.set_recipient(claim, heir, request.user)
    except workflow.ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Penerima manfaat disimpan.")
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#ahli-waris")


@login_required
@require_POST
def claim_payment(request, pk: int):
    claim = _editable_claim(request, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("claims:detail", pk=claim.pk)
    try:
        delay = workflow.record_payment(
            claim,
            request.user,
            paid_date=form.cleaned_data["paid_date"],
            amount=form.cleaned_data["amount"],
        )
    except workflow.ClaimError as exc:
        messages.error(request, str(exc))
    else:
        if delay.days_late:
            messages.warning(
                request,
                f"Pembayaran terlambat {delay.days_late} hari: kompensasi "
                f"Rp{delay.penalty:,} wajib dibayar ke penerima.".replace(",", "."),
            )
        else:
            messages.success(request, "Pembayaran dicatat, tepat waktu.")
    return redirect("claims:detail", pk=claim.pk)


# --- heirs -----------------------------------------------------------------------------------


def _heir_claim(request, pk: int) -> Claim:
    claim = _editable_claim(request, pk)
    if claim.status not in (ClaimStatus.DILAPORKAN, ClaimStatus.BERKAS_LENGKAP):
        messages.error(request, "Ahli waris tidak dapat diubah setelah klaim diverifikasi.")
        raise _Redirect(claim)
    return claim


class _Redirect(Exception):
    def __init__(self, claim):
        self.claim = claim


def _heir_view(request, pk: int, heir_pk: int | None):
    try:
        claim = _heir_claim(request, pk)
    except _Redirect as r:
        return redirect("claims:detail", pk=r.claim.pk)
    heir = (
        get_scoped_or_404(Heir.objects.filter(claim=claim), request.user, pk=heir_pk)
        if heir_pk
        else None
    )
    form = HeirForm(request.POST or None, instance=heir, claim=claim)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.claim = claim
        obj.nik = form.cleaned_data.get("nik", "")
        obj.birth_date = form.cleaned_data.get("birth_date")
        obj.save()
        messages.success(request, "Ahli waris disimpan.")
        return redirect(reverse("claims:detail", args=[claim.pk]) + "#ahli-waris")
    return render(request, "claims/heir_form.html", {"form": form, "claim": claim, "heir": heir})


@login_required
def heir_add(request, pk: int):
    return _heir_view(request, pk, None)


@login_required
def heir_edit(request, pk: int, heir_pk: int):
    return _heir_view(request, pk, heir_pk)


@login_required
@require_POST
def heir_delete(request, pk: int, heir_pk: int):
    try:
        claim = _heir_claim(request, pk)
    except _Redirect as r:
        return redirect("claims:detail", pk=r.claim.pk)
    heir = get_scoped_or_404(Heir.objects.filter(claim=claim), request.user, pk=heir_pk)
    if claim.recipient_id == heir.pk:
        claim.recipient = None
        claim.save(update_fields=["recipient", "updated_at"])
    heir.delete()
    messages.success(request, "Ahli waris dihapus.")
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#ahli-waris")


# --- deceased without claim, recording deaths ------------------------------------------------


@login_required
def deceased_list(request):
    area = _area_param(request)
    today = dt.date.today()
    qs = deceased_without_claim(request.user, area or None, today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "m": m,
            "nik": _shown_nik(request.user, m.worker.nik),
            "days": (today - m.worker.deceased_date).days,
        }
        for m in page
    ]
    return render(
        request,
        "claims/deceased.html",
        {
            "page": page,
            "rows": rows,
            "days": followup_days(today),
            "wilayah": area,
            "can_edit": request.user.can_edit,
        },
    )


@login_required
def death_report(request):
    _require_edit(request.user)
    form = DeathReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        worker = form.worker
        try:
            record_death(worker, form.cleaned_data["deceased_date"], request.user)
        except ValueError as exc:
            form.add_error("deceased_date", str(exc))
        else:
            messages.success(
                request,
                f"Kematian {worker.name} dicatat. Bila peserta terlindungi, "
                "segera laporkan klaim JKM/JKK.",
            )
            return redirect("claims:deceased")
    return render(request, "claims/death_report.html", {"form": form})


@login_required
def death_import(request):
    _require_edit(request.user)
    result = None
    form = DeathImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", "Berkas terlalu besar (maksimal 5 MB).")
        else:
            try:
                result = import_death_list(
                    upload.name, upload.read(), request.user, commit=form.cleaned_data["commit"]
                )
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                if result.errors:
                    messages.error(request, "Ada baris yang salah: tidak ada yang disimpan.")
                elif form.cleaned_data["commit"]:
                    messages.success(request, f"{result.saved} pekerja dicatat meninggal.")
    return render(request, "claims/death_import.html", {"form": form, "result": result})


# --- totals ----------------------------------------------------------------------------------


def _paid_chart(user, area_code: str, start: dt.date, end: dt.date) -> Chart:
    months = paid_by_month(user, area_code, start, end)
    return Chart(
        id="klaim-per-bulan",
        title="Santunan dibayar per bulan",
        kind="bar",
        labels=[format_month(m["month"]) for m in months],
        series=[Series("Santunan dibayar", [m["amount"] for m in months])],
        money=True,
    )


@login_required
def totals(request):
    today = dt.date.today()
    start = _date(request.GET.get("dari")) or today.replace(month=1, day=1)
    end = _date(request.GET.get("sampai")) or today
    if end < start:
        messages.error(request, "Tanggal akhir sebelum tanggal awal; periode dibalik.")
        start, end = end, start
    code = _area_param(request)
    home = home_area_for(request.user)
    area = Area.objects.filter(code=code).first() if code else home
    if area is None:
        raise Http404("Wilayah tidak ditemukan.")
    data = claims_totals(request.user, area.code, start, end)
    children = totals_by_child_area(request.user, area, start, end) if area.level < 4 else []
    return render(
        request,
        "claims/totals.html",
        {
            "t": data,
            "area": area,
            "start": start,
            "end": end,
            "children": children,
            "home": home,
            "charts": [_paid_chart(request.user, area.code, start, end)],
        },
    )


# --- rules and settings ----------------------------------------------------------------------


@login_required
def rules(request):
    current = ClaimsSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not request.user.is_admin:
            raise PermissionDenied("Hanya admin kabupaten yang dapat mengubah pengaturan.")
        if form.is_valid():
            obj = form.save(commit=False)
            obj.updated_by = request.user
            obj.save()
            messages.success(request, "Pengaturan klaim disimpan.")
            return redirect("claims:rules")
    return render(
        request,
        "claims/rules.html",
        {
            "form": form,
            "settings": current,
            "is_admin": request.user.is_admin,
            "params": BenefitParameter.objects.all(),
            "rates": ScholarshipRate.objects.all(),
            "docs": DocumentRequirement.objects.all(),
        },
    )
