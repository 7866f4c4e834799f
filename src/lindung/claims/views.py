"""Claims pages. Thin: scoping, forms and services do the work."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.accounts.scoping import area_q, get_scoped_or_404, in_area
from lindung.areas.models import Area
from lindung.areas.services import home_area_for
from lindung.core.charts import Chart, Series
from lindung.core.formatting import format_month, format_rupiah
from lindung.core.generic import (
    EditorRequiredMixin,
    FilteredMixin,
    ScopedActionView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
)
from lindung.core.spreadsheet import SpreadsheetError
from lindung.core.tables import birth_text
from lindung.enrollment.models import Membership

from . import workflow
from .benefits import compute_benefit
from .deceased import deceased_without_claim, followup_days, import_death_list, record_death
from .forms import (
    AreaFilterForm,
    ClaimFilterForm,
    ClaimForm,
    DeathImportForm,
    DeathReportForm,
    HeirForm,
    NewClaimParams,
    PaymentForm,
    RejectForm,
    SettingsForm,
    TotalsFilterForm,
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
from .selectors import claims_totals, paid_by_month, totals_by_child_area
from .tables import ClaimTable, DeceasedTable

MAX_UPLOAD = 5 * 1024 * 1024


def _detail_url(claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


class ClaimEditorMixin:
    read_only_message = gettext_lazy("Peran Anda hanya dapat melihat klaim.")


# --- list ------------------------------------------------------------------------------------


class ClaimListView(ScopedListView):
    queryset = Claim.objects.select_related("membership__worker", "membership__village")
    filter_form_class = ClaimFilterForm
    table_class = ClaimTable
    template_name = "claims/list.html"
    cache_results = True

    def get_filter_form_kwargs(self):
        home = home_area_for(self.request.user)
        areas = home.children.order_by("code") if home and home.level < 4 else []
        return {"user": self.request.user, "areas": areas}

    def filter_queryset(self, qs, f):
        if f["jenis"]:
            qs = qs.filter(claim_type=f["jenis"])
        if f["status"]:
            qs = qs.filter(status=f["status"])
        if f["wilayah"]:
            qs = qs.filter(area_q("membership__village", f["wilayah"]))
        q = (f["q"] or "").strip()
        if q:
            qs = qs.filter(Q(membership__worker__name__icontains=q) | Q(membership__worker__nik=q))
        if f["dari"]:
            qs = qs.filter(paid_date__gte=f["dari"])
        if f["sampai"]:
            qs = qs.filter(paid_date__lte=f["sampai"])
        return qs.order_by("-report_date", "-id")


# --- create ----------------------------------------------------------------------------------


class ClaimCreateView(ClaimEditorMixin, ScopedEditView):
    form_class = ClaimForm
    template_name = "claims/form.html"
    get_success_url = staticmethod(_detail_url)
    success_message = "Klaim dicatat. Lengkapi berkas dan ahli waris."

    def get_form_kwargs(self):
        initial = {}
        params = NewClaimParams(self.request.GET)
        for text in params.invalid_messages():
            messages.warning(self.request, text)
        pk = params.values["kepesertaan"]
        if self.request.method == "GET" and pk:
            m = get_scoped_or_404(
                Membership.objects.select_related("worker"), self.request.user, pk=pk
            )
            initial = {
                "nik": m.worker.nik,
                "claim_type": ClaimType.JKM,
                "event_date": m.worker.deceased_date,
            }
        return {"user": self.request.user, "initial": initial}

    def save(self, form):
        return workflow.create_claim(form.membership, self.request.user, **form.claim_fields())


# --- detail and actions ----------------------------------------------------------------------


class ClaimDetailView(ScopedDetailView):
    queryset = Claim.objects.select_related("membership__worker", "membership__village")
    template_name = "claims/detail.html"
    context_object_name = "claim"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.claim_context(self.object, self.request.user))
        return context

    @staticmethod
    def claim_context(claim, user) -> dict:
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
                    "nik": masking.nik_for(user, heir.nik) if heir.nik else "-",
                    "birth": birth_text(user, heir.birth_date, dt.date.today()),
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
        return {
            "claim": claim,
            "worker": claim.membership.worker,
            "worker_nik": masking.nik_for(user, claim.membership.worker.nik),
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
        }


class ClaimActionView(ClaimEditorMixin, ScopedActionView):
    """A change on a claim's page. Scope first: another area's claim is "not found" for every
    role, never "forbidden"."""

    model = Claim
    get_success_url = staticmethod(_detail_url)


class ClaimTransitionView(ClaimActionView):
    def act(self, request, claim):
        try:
            workflow.transition(
                claim,
                request.POST.get("to", ""),
                request.user,
                reason=request.POST.get("reason", ""),
            )
        except workflow.ClaimError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Status klaim menjadi '{claim.get_status_display()}'.")


class ClaimDocumentsView(ClaimActionView):
    def act(self, request, claim):
        try:
            ids = {int(v) for v in request.POST.getlist("doc")}
            workflow.set_documents(claim, request.user, ids)
        except ValueError as exc:  # ClaimError is a ValueError; so is a tampered id
            messages.error(
                request,
                str(exc)
                if isinstance(exc, workflow.ClaimError)
                else "Pilihan dokumen tidak valid.",
            )
        else:
            messages.success(request, "Daftar berkas disimpan.")
        return _detail_url(claim) + "#berkas"


class ClaimRecipientView(ClaimActionView):
    def act(self, request, claim):
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
        return _detail_url(claim) + "#ahli-waris"


class ClaimPaymentView(ClaimActionView):
    def act(self, request, claim):
        form = PaymentForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return None
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
                    f"{format_rupiah(delay.penalty)} wajib dibayar ke penerima.",
                )
            else:
                messages.success(request, "Pembayaran dicatat, tepat waktu.")


# --- heirs -----------------------------------------------------------------------------------

HEIRS_FROZEN = "Ahli waris tidak dapat diubah setelah klaim diverifikasi."


def _heirs_url(claim) -> str:
    return _detail_url(claim) + "#ahli-waris"


class HeirEditView(ClaimEditorMixin, ScopedEditView):
    """Add (no heir_pk) or edit an heir of a claim still being completed."""

    model = Claim
    form_class = HeirForm
    template_name = "claims/heir_form.html"
    success_message = "Ahli waris disimpan."

    def prepare(self):
        super().prepare()
        self.claim = self.object
        heir_pk = self.kwargs.get("heir_pk")
        self.heir = (
            get_scoped_or_404(Heir.objects.filter(claim=self.claim), self.request.user, pk=heir_pk)
            if heir_pk
            else None
        )

    def blocked(self):
        if self.claim.status in (ClaimStatus.DILAPORKAN, ClaimStatus.BERKAS_LENGKAP):
            return None
        messages.error(self.request, HEIRS_FROZEN)
        return redirect("claims:detail", pk=self.claim.pk)

    def get_form_kwargs(self):
        return {"instance": self.heir, "claim": self.claim}

    def save(self, form):
        obj = form.save(commit=False)
        obj.claim = self.claim
        obj.nik = form.cleaned_data.get("nik", "")
        obj.birth_date = form.cleaned_data.get("birth_date")
        obj.save()
        return self.claim

    get_success_url = staticmethod(_heirs_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(claim=self.claim, heir=self.heir)
        return context


class HeirDeleteView(ClaimEditorMixin, ScopedDeleteView):
    model = Heir
    pk_url_kwarg = "heir_pk"
    success_message = "Ahli waris dihapus."

    def base_queryset(self):
        return Heir.objects.filter(claim_id=self.kwargs["pk"]).select_related("claim")

    def delete(self, heir):
        claim = heir.claim
        if claim.status not in (ClaimStatus.DILAPORKAN, ClaimStatus.BERKAS_LENGKAP):
            self.success_message = ""
            messages.error(self.request, HEIRS_FROZEN)
            return
        workflow.delete_heir(heir)

    def get_success_url(self, heir):
        return _heirs_url(heir.claim)


# --- deceased without claim, recording deaths ------------------------------------------------


class DeceasedListView(ScopedListView):
    model = Membership
    filter_form_class = AreaFilterForm
    template_name = "claims/deceased.html"
    table_class = DeceasedTable

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_queryset(self):
        # The selector scopes to the user itself.
        return deceased_without_claim(self.request.user, None, dt.date.today())

    def filter_queryset(self, qs, values):
        return in_area(qs, values["wilayah"]) if values["wilayah"] else qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            days=followup_days(dt.date.today()), wilayah=context["filter_form"].values["wilayah"]
        )
        return context


class DeathReportView(ScopedEditView):
    form_class = DeathReportForm
    template_name = "claims/death_report.html"
    service_errors = (ValueError,)  # record_death refuses an impossible date

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        worker = form.worker
        record_death(worker, form.cleaned_data["deceased_date"], self.request.user)
        messages.success(
            self.request,
            f"Kematian {worker.name} dicatat. Bila peserta terlindungi, "
            "segera laporkan klaim JKM/JKK.",
        )
        return worker

    def on_service_error(self, form, exc):
        form.add_error("deceased_date", str(exc))

    def get_success_url(self, worker):
        return reverse("claims:deceased")


class DeathImportView(LoginRequiredMixin, EditorRequiredMixin, TemplateView):
    """Upload a list of deaths: a preview first, saved only when asked and without errors."""

    template_name = "claims/death_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        result = None
        form = DeathImportForm(request.POST, request.FILES)
        if form.is_valid():
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
        return self.render_to_response(self.get_context_data(form=form, result=result))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", DeathImportForm())
        kwargs.setdefault("result", None)
        return super().get_context_data(**kwargs)


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


class TotalsView(FilteredMixin, LoginRequiredMixin, TemplateView):
    template_name = "claims/totals.html"
    filter_form_class = TotalsFilterForm

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        form = self.get_filter_form()
        for text in form.invalid_messages():
            messages.warning(request, text)
        f = form.values
        today = dt.date.today()
        start = f["dari"] or today.replace(month=1, day=1)
        end = f["sampai"] or today
        if end < start:
            messages.error(request, "Tanggal akhir sebelum tanggal awal; periode dibalik.")
            start, end = end, start
        home = home_area_for(user)
        area = Area.objects.filter(code=f["wilayah"]).first() if f["wilayah"] else home
        if area is None:
            raise Http404("Wilayah tidak ditemukan.")
        context.update(
            t=claims_totals(user, area.code, start, end),
            area=area,
            start=start,
            end=end,
            children=totals_by_child_area(user, area, start, end) if area.level < 4 else [],
            home=home,
            charts=[_paid_chart(user, area.code, start, end)],
            filter_form=form,
        )
        return context


# --- rules and settings ----------------------------------------------------------------------


class RulesView(LoginRequiredMixin, EditorRequiredMixin, TemplateView):
    """The benefit rules in force, and the claims settings the kabupaten admin may change."""

    template_name = "claims/rules.html"
    read_only_message = gettext_lazy("Hanya admin kabupaten yang dapat mengubah pengaturan.")

    def may_edit(self, user):
        return user.is_admin

    def post(self, request, *args, **kwargs):
        self.require_editor()
        form = SettingsForm(request.POST, instance=ClaimsSettings.current())
        if form.is_valid():
            obj = form.save(commit=False)
            obj.updated_by = request.user
            obj.save()
            messages.success(request, "Pengaturan klaim disimpan.")
            return redirect("claims:rules")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = ClaimsSettings.current()
        context.setdefault("form", SettingsForm(instance=current))
        context.update(
            settings=current,
            is_admin=self.request.user.is_admin,
            params=BenefitParameter.objects.all(),
            rates=ScholarshipRate.objects.all(),
            docs=DocumentRequirement.objects.all(),
        )
        return context
