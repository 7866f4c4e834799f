"""Thin views over services; every queryset goes through accounts.scoping."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.areas.models import Area
from lindung.core.formatting import format_date
from lindung.core.generic import (
    EditorRequiredMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
)
from lindung.core.sorting import Sorting
from lindung.workers.models import Worker

from . import providers, selectors, services
from .forms import (
    CalculatorForm,
    EnrolForm,
    MembershipFilterForm,
    PaymentForm,
    TransitionForm,
)
from .models import FundingType, Membership, MembershipStatus
from .permissions import can_enrol, can_record_payment, transitions_for
from .tables import MembershipTable
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

LIST_SORTING = Sorting(
    {
        "terbaru": ("-created_at", "id"),
        "status": ("status", "paid_until", "id"),
        "dibayar": ("paid_until", "id"),
        "desa": ("village", "status", "id"),
    },
    default="terbaru",
)


class MembershipListView(ScopedListView):
    queryset = Membership.objects.select_related("worker", "village")
    filter_form_class = MembershipFilterForm
    table_class = MembershipTable
    sorting = LIST_SORTING
    template_name = "enrollment/list.html"
    cache_results = True

    def known_count(self, values):
        return providers.listed_count(self.request.user, values, timezone.localdate())

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def filter_queryset(self, qs, values):
        if values["wilayah"]:
            qs = selectors.in_area(qs, values["wilayah"])
        if values["status"] == "pra_aktif":
            qs = selectors.not_submitted(qs)
        elif values["status"]:
            qs = qs.filter(status=values["status"])
        if values["funding_type"]:
            qs = qs.filter(funding_type=values["funding_type"])
        if values["habis"]:
            qs = selectors.expiring_within(qs, timezone.localdate(), values["habis"])
        return selectors.search(qs, values["q"] or "")

    def sort(self, qs):
        # A lapse worklist link lists the soonest to lapse first unless a column is chosen.
        if self.get_filter_form().values["habis"] and not self.requested_sort():
            return qs.order_by("paid_until", "id"), "dibayar"
        return super().sort(qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.get_filter_form().values["wilayah"]
        context["area"] = Area.objects.filter(code=code).first() if code else None
        return context


class MembershipDetailView(ScopedDetailView):
    queryset = Membership.objects.select_related("worker__sector", "village__parent")
    template_name = "enrollment/detail.html"
    context_object_name = "m"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m, user = self.object, self.request.user
        today = timezone.localdate()
        allowed = transitions_for(user, m)
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
        context.update(
            nik_shown=masking.nik_for(user, m.worker.nik),
            transitions=m.transitions.select_related("by"),
            payments=m.payments.select_related("by")[:24],
            allowed=allowed,
            transition_form=TransitionForm(allowed=allowed) if allowed else None,
            can_pay=can_record_payment(user) and m.status in services.PAYABLE_STATUSES,
            contribution=contribution,
            tariff_error=tariff_error,
        )
        return context


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _detail_url(m) -> str:
    return reverse("enrollment:detail", args=[m.pk])


class MembershipTransitionView(ScopedActionView):
    model = Membership
    get_success_url = staticmethod(_detail_url)

    def act(self, request, m):
        allowed = transitions_for(request.user, m)
        form = TransitionForm(request.POST, allowed=allowed)
        if not allowed:
            messages.error(request, _("Status kepesertaan ini tidak dapat Anda ubah."))
            return None
        if not form.is_valid():
            for field_errors in form.errors.values():
                for error in field_errors:
                    messages.error(request, error)
            return None
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
        return None


class PaymentView(ScopedEditView):
    queryset = Membership.objects.select_related("worker__sector", "village")
    form_class = PaymentForm
    template_name = "enrollment/payment.html"
    service_errors = (ValidationError,)
    get_success_url = staticmethod(_detail_url)

    def may_edit(self, user):
        return can_record_payment(user)

    def dispatch(self, request, *args, **kwargs):
        self.rule = lapse_rule_on(timezone.localdate())
        return super().dispatch(request, *args, **kwargs)

    def blocked(self):
        m = self.object
        if m.status in services.PAYABLE_STATUSES:
            return None
        messages.error(
            self.request,
            _("Iuran tidak dapat dicatat untuk kepesertaan berstatus «%(s)s».")
            % {"s": m.get_status_display()},
        )
        return redirect("enrollment:detail", pk=m.pk)

    def get_form_kwargs(self):
        return {
            "periods": self.rule.payment_periods,
            "initial": {
                "months": self.object.payment_period_months,
                "paid_on": timezone.localdate(),
            },
        }

    def save(self, form):
        data = form.cleaned_data
        payment = services.record_payment(
            self.object,
            months=data["months"],
            paid_on=data["paid_on"],
            by=self.request.user,
            amount=data["amount"],
            note=data["note"],
        )
        messages.success(
            self.request,
            _("Pembayaran %(n)s bulan tercatat; dibayar sampai %(d)s.")
            % {"n": payment.months, "d": format_date(payment.period_end)},
        )
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = self.object
        start = services.next_period_start(m, timezone.localdate())
        tables = load_tables()
        transport = is_transport_sector(m.worker.sector.code, tables)
        previews = []
        for months in self.rule.payment_periods:
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
        context.update(m=m, start=start, previews=previews)
        return context


class EnrolView(ScopedEditView):
    """Register a membership for a worker (the scoped record is the worker)."""

    queryset = Worker.objects.select_related("village", "sector")
    pk_url_kwarg = "worker_id"
    form_class = EnrolForm
    template_name = "enrollment/create.html"
    service_errors = (ValidationError,)
    get_success_url = staticmethod(_detail_url)

    def may_edit(self, user):
        return can_enrol(user)

    def get_form_kwargs(self):
        worker = self.object
        return {
            "periods": lapse_rule_on(timezone.localdate()).payment_periods,
            "initial": {
                "declared_income": worker.monthly_income or None,
                "funding_type": FundingType.MANDIRI,
                "payment_period_months": 1,
            },
        }

    def save(self, form):
        data = form.cleaned_data
        m = services.enrol(
            self.object,
            by=self.request.user,
            declared_income=data["declared_income"],
            funding_type=data["funding_type"],
            with_jht=data["with_jht"],
            payment_period_months=data["payment_period_months"],
            kpj=data["kpj"],
            bpjs_registered=form.bpjs_registered,
            note=data["note"],
            override_reason=data["override_reason"],
        )
        messages.success(self.request, _("Kepesertaan dicatat dengan status «Didata»."))
        return m

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        worker = self.object
        context.update(
            worker=worker,
            existing=worker.memberships.exclude(status=MembershipStatus.BERAKHIR).first(),
            rule=lapse_rule_on(timezone.localdate()),
        )
        return context


class TariffTablesView(LoginRequiredMixin, TemplateView):
    template_name = "enrollment/tariffs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        versions = list(
            TariffVersion.objects.prefetch_related("brackets").order_by("-effective_from")
        )
        for v in versions:
            v.rows = list(v.brackets.all())
            for b in v.rows:
                b.jkk = percent_of(b.nominal_income, v.jkk_percent)
                b.jkk_jkm = b.jkk + v.jkm_flat
        programmes = DiscountProgramme.objects.order_by("-first_month", "code")
        funding_labels = dict(FundingType.choices)
        for p in programmes:
            p.excluded_labels = [funding_labels.get(c, c) for c in p.excluded_funding_types]
            p.running = p.is_active and p.first_month <= today.replace(day=1) <= p.last_month
        context.update(
            versions=versions,
            programmes=programmes,
            rules=LapseRule.objects.order_by("-effective_from"),
            today=today,
            funding_choices=FundingType.choices,
        )
        return context


class ProgrammeExclusionsView(LoginRequiredMixin, EditorRequiredMixin, View):
    """Admin setting for open questions such as Dana Desa under PP 50/2025 (§9.5)."""

    http_method_names = ["post"]
    read_only_message = gettext_lazy("Hanya admin kabupaten yang dapat mengubah pengaturan ini.")

    def may_edit(self, user):
        return user.is_admin

    def post(self, request, code: str):
        self.require_editor()
        programme = DiscountProgramme.objects.filter(code=code).first()
        if programme is None:
            raise Http404(_("Program tidak ditemukan."))
        back = reverse("enrollment:tariffs") + f"#program-{programme.code}"
        # Ticked boxes; a value that is no funding source is ignored.
        chosen = [v for v in request.POST.getlist("excluded") if v in FundingType.values]
        programme.excluded_funding_types = chosen
        programme.save(update_fields=["excluded_funding_types"])
        labels = dict(FundingType.choices)
        messages.success(
            request,
            _("Pengecualian %(p)s disimpan: %(list)s.")
            % {"p": programme.name, "list": ", ".join(str(labels[c]) for c in chosen) or "-"},
        )
        return redirect(back)


class CalculatorView(LoginRequiredMixin, TemplateView):
    """Contribution calculator: its parameters are a form; without any, the defaults apply."""

    template_name = "enrollment/calculator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        defaults = {
            "income": 1_000_000,
            "month": timezone.localdate().isoformat(),
            "months": 1,
            "funding_type": FundingType.MANDIRI,
        }
        form = CalculatorForm(self.request.GET or defaults)
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
        context.update(
            form=form,
            rows=rows,
            total=sum(r.total for r in rows),
            discount=sum(r.discount for r in rows),
            error=error,
        )
        return context
