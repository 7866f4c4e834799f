"""Forms of the claims pages; domain checks are delegated to workflow/deceased services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import scoped, user_covers_area
from lindung.core.filters import AreaCodeField, BoundedIntegerField, FilterForm, ScopedFilterForm
from lindung.core.formatting import format_date
from lindung.enrollment.models import PRE_ACTIVE, Membership
from lindung.workers.models import Worker
from lindung.workers.nik import parse_nik
from lindung.workers.services import death_date_problems

from .models import Claim, ClaimsSettings, ClaimStatus, ClaimType, Heir, JkkOutcome
from .models import Relationship as R
from .workflow import check_new_claim

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _nik_or_error(raw: str) -> str:
    result = parse_nik(raw)
    if not result.ok:
        raise forms.ValidationError(result.errors[0].message)
    return result.nik


class ClaimForm(forms.Form):
    nik = forms.CharField(label=_("NIK peserta"), max_length=24)
    claim_type = forms.ChoiceField(label=_("Jenis klaim"), choices=ClaimType.choices)
    jkk_outcome = forms.ChoiceField(
        label=_("Akibat kecelakaan (JKK)"),
        choices=[("", "—"), *JkkOutcome.choices],
        required=False,
    )
    event_date = forms.DateField(label=_("Tanggal kejadian / meninggal"), widget=DATE)
    report_date = forms.DateField(label=_("Tanggal lapor"), widget=DATE, initial=dt.date.today)
    stmb_start = forms.DateField(label=_("STMB mulai"), widget=DATE, required=False)
    stmb_end = forms.DateField(label=_("STMB sampai"), widget=DATE, required=False)
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.membership: Membership | None = None

    def clean_nik(self) -> str:
        nik = _nik_or_error(self.cleaned_data["nik"])
        worker = scoped(Worker.objects.all(), self.user).filter(nik=nik).first()
        if worker is None:
            raise forms.ValidationError(_("NIK tidak ditemukan di antara pekerja wilayah Anda."))
        self.worker = worker
        return nik

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        ctype, event, report = data["claim_type"], data["event_date"], data["report_date"]
        outcome = data.get("jkk_outcome") or ""
        for message in check_new_claim(ctype, event, report, outcome):
            self.add_error(None, message)
        if outcome == JkkOutcome.STMB and not (data.get("stmb_start") and data.get("stmb_end")):
            self.add_error("stmb_start", _("Isi tanggal mulai dan akhir STMB."))
        if (
            data.get("stmb_start")
            and data.get("stmb_end")
            and data["stmb_end"] < data["stmb_start"]
        ):
            self.add_error("stmb_end", _("Tanggal akhir STMB sebelum tanggal mulai."))
        memberships = scoped(Membership.objects.all(), self.user).filter(worker=self.worker)
        memberships = memberships.exclude(status__in=PRE_ACTIVE)
        covering = memberships.filter(coverage_start__lte=event, paid_until__gte=event)
        self.membership = covering.first() or memberships.order_by("-coverage_start").first()
        if self.membership is None:
            self.add_error("nik", _("Pekerja ini belum memiliki kepesertaan aktif di BPJS."))
            return data
        if ctype == ClaimType.JHT and not self.membership.with_jht:
            self.add_error("claim_type", _("Peserta ini tidak ikut program JHT."))
        death = ctype == ClaimType.JKM or outcome == JkkOutcome.MENINGGAL
        recorded = self.worker.deceased_date
        if death and recorded and recorded != event:
            self.add_error(
                "event_date",
                _("Tanggal meninggal tercatat %(d)s; samakan atau perbaiki data pekerja.")
                % {"d": format_date(recorded)},
            )
        duplicate = Claim.objects.filter(
            membership__worker=self.worker, claim_type=ctype, event_date=event
        ).exclude(status=ClaimStatus.DITOLAK)
        if duplicate.exists():
            self.add_error(None, _("Klaim yang sama untuk kejadian ini sudah ada."))
        return data

    def claim_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "claim_type": d["claim_type"],
            "jkk_outcome": d.get("jkk_outcome") or "",
            "event_date": d["event_date"],
            "report_date": d["report_date"],
            "stmb_start": d.get("stmb_start"),
            "stmb_end": d.get("stmb_end"),
            "note": d.get("note", ""),
        }


class HeirForm(forms.ModelForm):
    # Wider than the 16 stored digits so a NIK typed with spaces or dots reaches the validator.
    nik = forms.CharField(label=_("NIK"), max_length=24, required=False)

    class Meta:
        model = Heir
        fields = [
            "name",
            "nik",
            "relationship",
            "birth_date",
            "is_married",
            "is_working",
            "school_level",
            "notarial_will",
            "court_ruling",
        ]
        widgets = {"birth_date": DATE}

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim

    def clean(self):
        data = super().clean()
        raw = (data.get("nik") or "").strip()
        relationship = data.get("relationship")
        if not raw:
            if relationship != R.PENGURUS_PEMAKAMAN:
                self.add_error("nik", _("NIK ahli waris wajib diisi."))
            return data
        result = parse_nik(raw)
        if not result.ok:
            self.add_error("nik", result.errors[0].message)
            return data
        data["nik"] = result.nik
        if not data.get("birth_date") and relationship != R.PENGURUS_PEMAKAMAN:
            data["birth_date"] = result.birth_date
        if result.nik == self.claim.membership.worker.nik:
            self.add_error("nik", _("Ahli waris tidak boleh peserta yang meninggal itu sendiri."))
        others = self.claim.heirs.filter(nik=result.nik)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error("nik", _("NIK ini sudah tercatat sebagai ahli waris klaim ini."))
        if relationship == R.LAINNYA and not (data.get("court_ruling") or "").strip():
            self.add_error(
                "court_ruling", _("Ahli waris di luar daftar wajib punya penetapan pengadilan.")
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=500)


class PaymentForm(forms.Form):
    paid_date = forms.DateField(label=_("Tanggal bayar"), widget=DATE, initial=dt.date.today)
    amount = forms.IntegerField(label=_("Jumlah dibayar (Rp)"), min_value=1)


class DeathReportForm(forms.Form):
    nik = forms.CharField(label=_("NIK pekerja"), max_length=24)
    deceased_date = forms.DateField(label=_("Tanggal meninggal"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nik(self) -> str:
        nik = _nik_or_error(self.cleaned_data["nik"])
        self.worker = scoped(Worker.objects.all(), self.user).filter(nik=nik).first()
        if self.worker is None:
            raise forms.ValidationError(_("NIK tidak ditemukan di antara pekerja wilayah Anda."))
        return nik

    def clean(self):
        data = super().clean()
        worker, date = getattr(self, "worker", None), data.get("deceased_date")
        if worker is not None and date is not None:
            for problem in death_date_problems(worker, date):
                self.add_error("deceased_date", problem)
        return data


class DeathImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas daftar kematian (CSV/XLSX)"))
    commit = forms.BooleanField(label=_("Simpan (tanpa centang: hanya periksa)"), required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ClaimsSettings
        fields = ["jkm_waiting_variant"]
        widgets = {"jkm_waiting_variant": forms.RadioSelect}


# --- query-string filters -----------------------------------------------------------------------


class ClaimFilterForm(ScopedFilterForm):
    jenis = forms.ChoiceField(label=_("Jenis"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    wilayah = AreaCodeField()
    q = forms.CharField(label=_("Nama / NIK"), required=False, max_length=60)
    # On the payment date, so a totals link lists exactly what it counted.
    dari = forms.DateField(label=_("Dibayar dari"), required=False, widget=DATE)
    sampai = forms.DateField(label=_("sampai"), required=False, widget=DATE)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = [("", _("Semua")), *((v, v) for v in ClaimType.values)]
        self.fields["status"].choices = [("", _("Semua")), *ClaimStatus.choices]
        choices = [("", _("Semua")), *((a.code, str(a)) for a in areas)]
        current = str(self.data.get("wilayah") or "").strip()
        if current and current not in dict(choices) and user_covers_area(self.user, current):
            choices.append((current, current))
        if len(choices) > 1:
            self.fields["wilayah"].widget = forms.Select(choices=choices)
        else:
            self.fields["wilayah"].widget = forms.HiddenInput()


class AreaFilterForm(ScopedFilterForm):
    """Just a drill-down area (links from worklists and totals)."""

    wilayah = AreaCodeField(widget=forms.HiddenInput)


class TotalsFilterForm(ScopedFilterForm):
    dari = forms.DateField(label=_("Dari"), required=False, widget=DATE)
    sampai = forms.DateField(label=_("Sampai"), required=False, widget=DATE)
    wilayah = AreaCodeField(widget=forms.HiddenInput)


class NewClaimParams(FilterForm):
    """`?kepesertaan=<id>`: the membership a new claim starts from (worklist link)."""

    kepesertaan = BoundedIntegerField(min_value=1)
