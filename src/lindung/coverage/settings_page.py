"""One settings page for the admin kabupaten: the letterhead and signatory of official
documents, and every choice the regulations leave open (gathered from the apps that use them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lindung.claims.models import ClaimsSettings
from lindung.enrollment.tariffs import DiscountProgramme, LapseRule

from .models import CoverageConfig, Letterhead

MAX_LOGO_BYTES = 1024 * 1024


class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = [
            "government",
            "office",
            "address",
            "place",
            "logo",
            "signatory_name",
            "signatory_title",
            "signatory_nip",
        ]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(gettext_lazy("Logo paling besar 1 MB."))
        return logo


class CoverageChoicesForm(forms.ModelForm):
    class Meta:
        model = CoverageConfig
        fields = ["bpu_overlap", "denominator_sources", "lapse_risk_days"]


class ClaimsChoicesForm(forms.ModelForm):
    class Meta:
        model = ClaimsSettings
        fields = ["jkm_waiting_variant"]


def open_questions() -> list[dict]:
    """Questions kept in the tariff tables, with where they are decided."""
    tariffs = reverse("enrollment:tariffs")
    rows = [
        {"topic": p.name, "question": p.open_question, "url": f"{tariffs}#program-{p.code}"}
        for p in DiscountProgramme.objects.exclude(open_question="").order_by("name")
    ]
    rows += [
        {"topic": _("Aturan tunggakan"), "question": r.open_question, "url": tariffs}
        for r in LapseRule.objects.exclude(open_question="").order_by("-effective_from")
    ]
    return rows


class SettingsView(LoginRequiredMixin, TemplateView):
    """Three sections, each its own form (`bagian` says which one was sent)."""

    template_name = "coverage/settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_admin:
            raise PermissionDenied(_("Pengaturan hanya dapat diubah admin kabupaten."))
        return super().dispatch(request, *args, **kwargs)

    def get_forms(self, section: str | None = None) -> dict:
        request = self.request

        def bound(name):
            return (request.POST, request.FILES) if section == name else (None, None)

        return {
            "kop": LetterheadForm(*bound("kop"), instance=Letterhead.current(), prefix="kop"),
            "cakupan": CoverageChoicesForm(
                bound("cakupan")[0], instance=CoverageConfig.current(), prefix="cakupan"
            ),
            "klaim": ClaimsChoicesForm(
                bound("klaim")[0], instance=ClaimsSettings.current(), prefix="klaim"
            ),
        }

    def post(self, request, *args, **kwargs):
        section = request.POST.get("bagian")
        forms_ = self.get_forms(section)
        form = forms_.get(section)
        if form is not None and form.is_valid():
            saved = form.save(commit=False)
            if hasattr(saved, "updated_by_id"):
                saved.updated_by = request.user
            saved.save()
            messages.success(request, _("Pengaturan disimpan."))
            return redirect(reverse("coverage:settings") + f"#{section}")
        return self.render_to_response(self.get_context_data(forms=forms_))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("forms", self.get_forms())
        return {
            **super().get_context_data(**kwargs),
            "letterhead": kwargs["forms"]["kop"].instance,
            "questions": open_questions(),
        }
