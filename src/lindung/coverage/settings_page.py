"""One settings page for the admin kabupaten: the letterhead and signatory of official
documents, and every choice the regulations leave open (gathered from the apps that use them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


@login_required
def settings_page(request):
    if not request.user.is_admin:
        raise PermissionDenied(_("Pengaturan hanya dapat diubah admin kabupaten."))
    letterhead = Letterhead.current()
    config = CoverageConfig.current()
    claims = ClaimsSettings.current()
    section = request.POST.get("bagian") if request.method == "POST" else None
    forms_ = {
        "kop": LetterheadForm(
            request.POST if section == "kop" else None,
            request.FILES if section == "kop" else None,
            instance=letterhead,
            prefix="kop",
        ),
        "cakupan": CoverageChoicesForm(
            request.POST if section == "cakupan" else None, instance=config, prefix="cakupan"
        ),
        "klaim": ClaimsChoicesForm(
            request.POST if section == "klaim" else None, instance=claims, prefix="klaim"
        ),
    }
    if section in forms_:
        form = forms_[section]
        if form.is_valid():
            obj = form.save(commit=False)
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = request.user
            obj.save()
            messages.success(request, _("Pengaturan disimpan."))
            return redirect(reverse("coverage:settings") + f"#{section}")
    return render(
        request,
        "coverage/settings.html",
        {"forms": forms_, "letterhead": letterhead, "questions": open_questions()},
    )
