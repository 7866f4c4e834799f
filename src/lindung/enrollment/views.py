"""Thin views over services; every queryset goes through accounts.scoping."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.scoping import get_scoped_or_404, scoped, user_covers_area
from lindung.areas.models import Area
from lindung.core.formatting import format_date
from lindung.core.paging import CachedCountPaginator as Paginator
from lindung.core.sorting import Sorting
from lindung.workers.models import Worker
from lindung.workers.nik import mask_nik

from . import queries, services
from .forms import CalculatorForm, EnrolForm, MembershipFilterForm, PaymentForm, TransitionForm
from .models import FundingType, Membership, MembershipStatus
from .permissions import can_enrol, can_record_payment, transitions_for
from .tariffs import (
    DiscountProgramme,
    LapseRule,
    TariffMissing,
    TariffVersion,
    is_transport_sector,
    lapse_rule_on,
    load_tables,
    monthly_contribution,
    percent_of,
    period_breakdown,
)

PAGE_SIZE = 50


def _memberships(user):
    return scoped(Membership.objects.select_related("worker", "village"), user)


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


LIST_SORTING = Sorting(
    {
        "terbaru": ("-created_at", "id"),
        "status": ("status", "paid_until", "id"),
        "dibayar": ("paid_until", "id"),
        "desa": ("village", "status", "id"),
    },
    default="terbaru",
)


@login_required
def membership_list(request):
    form = MembershipFilterForm(request.GET or None)
    qs = _memberships(request.user)
    area = None
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["wilayah"]:
            if not user_covers_area(request.user, data["wilayah"]):
                raise Http404(_("Wilayah tidak ditemukan."))
            area = Area.objects.filter(code=data["wilayah"]).first()
            qs = queries.in_area(qs, data["wilayah"])
        if data["status"] == "pra_aktif":
            qs = queries.not_submitted(qs)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["funding_type"]:
            qs = qs.filter(funding_type=data["funding_type"])
        if data["habis"]:
            qs = queries.expiring_within(qs, today, data["habis"]).order_by("paid_until", "id")
        qs = queries.search(qs, data["q"])
    if request.GET.get("urut") or not (form.is_valid() and form.cleaned_data["habis"]):
        qs, sort_key = LIST_SORTING.apply(qs, request.GET.get("urut"))
    else:
        sort_key = "dibayar"
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    full = request.user.sees_personal_data
    for m in page.object_list:
        m.nik_shown = m.worker.nik if full else mask_nik(m.worker.nik)
    return render(
        request,
        "enrollment/list.html",
        {
            "page": page,
            "sort_key": sort_key,
            "filter_form": form,
            "area": area,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
def membership_detail(request, pk: int):
    m = get_scoped_or_404(
        Membership.objects.select_related("worker__sector", "village__parent"), request.user, pk=pk
    )
    today = timezone.localdate()
    allowed = transitions_for(request.user, m)
    contribution = None
    tariff_error = ""
    try:
        tables = load_tables()
        contribution = monthly_contribution(
            m.declared_income,
            today,
            with_jht=m.with_jht,
            funding_type=m.funding_type,
            transport=is_transport_sector(m.worker.sector.code, tables),
            tables=tables,
        )
    except TariffMissing as exc:
        tariff_error = " ".join(exc.messages)
    return render(
        request,
        "enrollment/detail.html",
        {
            "m": m,
            "nik_shown": m.worker.nik
            if request.user.sees_personal_data
            else mask_nik(m.worker.nik),
            "transitions": m.transitions.select_related("by"),
            "payments": m.payments.select_related("by")[:24],
            "allowed": allowed,
            "transition_form": TransitionForm(allowed=allowed) if allowed else None,
            "can_pay": can_record_payment(request.user) and m.status in services.PAYABLE_STATUSES,
            "contribution": contribution,
            "tariff_error": tariff_error,
        },
    )


@login_required
@require_POST
def membership_transition(request, pk: int):
    m = get_scoped_or_404(Membership.objects.all(), request.user, pk=pk)
    allowed = transitions_for(request.user, m)
    if not allowed:
        raise PermissionDenied
    form = TransitionForm(request.POST, allowed=allowed)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("enrollment:detail", pk=m.pk)
    data = form.cleaned_data
    try:
        m = services.transition(
            m,
            data["to_status"],
            by=request.user,
            note=data["note"],
            end_reason=data["end_reason"],
            on=data["on"],
            kpj=data["kpj"] or None,
            override_reason=data["override_reason"],
        )
    except ValidationError as exc:
        for text in _messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(
            request, _("Status diubah menjadi «%(s)s».") % {"s": m.get_status_display()}
        )
    return redirect("enrollment:detail", pk=m.pk)


@login_required
@require_http_methods(["GET", "POST"])
def membership_payment(request, pk: int):
    m = get_scoped_or_404(
        Membership.objects.select_related("worker__sector", "village"), request.user, pk=pk
    )
    if not can_record_payment(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rule = lapse_rule_on(today)
    form = PaymentForm(
        request.POST or None,
        periods=rule.payment_periods,
        initial={"months": m.payment_period_months, "paid_on": today},
    )
    if m.status not in services.PAYABLE_STATUSES:
        messages.error(
            request,
            _("Iuran tidak dapat dicatat untuk kepesertaan berstatus «%(s)s».")
            % {"s": m.get_status_display()},
        )
        return redirect("enrollment:detail", pk=m.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.record_payment(
                m,
                months=data["months"],
                paid_on=data["paid_on"],
                by=request.user,
                amount=data["amount"],
                note=data["note"],
            )
        except ValidationError as exc:
            for text in _messages_of(exc):
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("Pembayaran %(n)s bulan tercatat; dibayar sampai %(d)s.")
                % {"n": payment.months, "d": format_date(payment.period_end)},
            )
            return redirect("enrollment:detail", pk=m.pk)
    start = services.next_period_start(m, today)
    tables = load_tables()
    transport = is_transport_sector(m.worker.sector.code, tables)
    previews = []
    for months in rule.payment_periods:
        rows = period_breakdown(
            m.declared_income,
            start,
            months,
            with_jht=m.with_jht,
            funding_type=m.funding_type,
            transport=transport,
            tables=tables,
        )
        previews.append({"months": months, "total": sum(r.total for r in rows), "rows": rows})
    return render(
        request,
        "enrollment/payment.html",
        {"m": m, "form": form, "start": start, "previews": previews},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_create(request, worker_id: int):
    worker = get_scoped_or_404(
        Worker.objects.select_related("village", "sector"), request.user, pk=worker_id
    )
    if not can_enrol(request.user):
        raise PermissionDenied
    rule = lapse_rule_on(timezone.localdate())
    existing = worker.memberships.exclude(status=MembershipStatus.BERAKHIR).first()
    form = EnrolForm(
        request.POST or None,
        periods=rule.payment_periods,
        initial={
            "declared_income": worker.monthly_income or None,
            "funding_type": FundingType.MANDIRI,
            "payment_period_months": 1,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            m = services.enrol(
                worker,
                by=request.user,
                declared_income=data["declared_income"],
                funding_type=data["funding_type"],
                with_jht=data["with_jht"],
                payment_period_months=data["payment_period_months"],
                kpj=data["kpj"],
                bpjs_registered=form.bpjs_registered,
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except ValidationError as exc:
            for text in _messages_of(exc):
                form.add_error(None, text)
        else:
            messages.success(request, _("Kepesertaan dicatat dengan status «Didata»."))
            return redirect("enrollment:detail", pk=m.pk)
    return render(
        request,
        "enrollment/create.html",
        {"worker": worker, "form": form, "existing": existing, "rule": rule},
    )


@login_required
def tariff_tables(request):
    today = timezone.localdate()
    versions = list(TariffVersion.objects.prefetch_related("brackets").order_by("-effective_from"))
    for v in versions:
        v.rows = list(v.brackets.all())
        for b in v.rows:
            b.jkk = percent_of(b.nominal_income, v.jkk_percent)
            b.jkk_jkm = b.jkk + v.jkm_flat
    programmes = DiscountProgramme.objects.order_by("-first_month", "code")
    funding_labels = dict(FundingType.choices)
    for p in programmes:
        p.excluded_labels = [funding_labels.get(code, code) for code in p.excluded_funding_types]
        p.running = p.is_active and p.first_month <= today.replace(day=1) <= p.last_month
    return render(
        request,
        "enrollment/tariffs.html",
        {
            "versions": versions,
            "programmes": programmes,
            "rules": LapseRule.objects.order_by("-effective_from"),
            "today": today,
            "funding_choices": FundingType.choices,
        },
    )


@login_required
@require_POST
def programme_exclusions(request, code: str):
    """Admin setting for open questions such as Dana Desa under PP 50/2025 (§9.5)."""
    if not request.user.is_admin:
        raise PermissionDenied
    programme = DiscountProgramme.objects.filter(code=code).first()
    if programme is None:
        raise Http404(_("Program tidak ditemukan."))
    chosen = [v for v in request.POST.getlist("excluded") if v in FundingType.values]
    programme.excluded_funding_types = chosen
    programme.save(update_fields=["excluded_funding_types"])
    labels = dict(FundingType.choices)
    messages.success(
        request,
        _("Pengecualian %(p)s disimpan: %(list)s.")
        % {"p": programme.name, "list": ", ".join(str(labels[c]) for c in chosen) or "-"},
    )
    return redirect(reverse("enrollment:tariffs") + f"#program-{programme.code}")


@login_required
def calculator(request):
    today = timezone.localdate()
    defaults = {
        "income": 1_000_000,
        "month": today.isoformat(),
        "months": 1,
        "funding_type": FundingType.MANDIRI,
    }
    form = CalculatorForm(request.GET or defaults)
    rows, error = [], ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            rows = period_breakdown(
                data["income"],
                data["month"],
                data["months"],
                with_jht=data["with_jht"],
                funding_type=data["funding_type"],
                transport=data["transport"],
                paid_up_before=not data["arrears_before"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "enrollment/calculator.html",
        {
            "form": form,
            "rows": rows,
            "total": sum(r.total for r in rows),
            "discount": sum(r.discount for r in rows),
            "error": error,
        },
    )
