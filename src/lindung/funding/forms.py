from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.areas.models import Area, AreaLevel
from lindung.core.months import add_months_to_first
from lindung.enrollment.models import FundingType
from lindung.workers.models import Sector

from . import services, wadah
from .models import FundingSource, Scenario
from .services import can_create_type, visible_sources

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


# Which level of area may own each kind of budget.
OWNER_LEVELS = {
    FundingType.DANA_DESA: {AreaLevel.DESA},
    FundingType.APBD: {AreaLevel.KABUPATEN},
    FundingType.DBHCHT: {AreaLevel.KABUPATEN},
    # Provincial money earmarked for this regency is recorded against the regency.
    FundingType.APBD_PROVINSI: {AreaLevel.PROVINSI, AreaLevel.KABUPATEN},
    FundingType.CSR: {AreaLevel.KABUPATEN, AreaLevel.KECAMATAN, AreaLevel.DESA},
    FundingType.MANDIRI: {AreaLevel.KABUPATEN, AreaLevel.KECAMATAN, AreaLevel.DESA},
}


class FundingSourceForm(forms.ModelForm):
    start_month = MonthField(label=_("Bulan iuran pertama"))

    class Meta:
        model = FundingSource
        fields = [
            "name",
            "source_type",
            "wadah_code",
            "fiscal_year",
            "start_month",
            "months",
            "owner_area",
            "amount",
            "eligible_sectors",
            "eligible_areas",
            "max_poverty_desil",
            "legal_basis",
            "note",
            "is_active",
        ]
        widgets = {
            "eligible_sectors": forms.CheckboxSelectMultiple,
            "eligible_areas": forms.SelectMultiple(attrs={"size": 8}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = user.scope_code or ""
        areas = Area.objects.filter(level__gte=AreaLevel.KABUPATEN)
        if scope:
            areas = areas.within(scope)
        self.fields["owner_area"].queryset = areas.order_by("code")
        self.fields["eligible_areas"].queryset = areas.filter(
            level__in=[AreaLevel.KECAMATAN, AreaLevel.DESA]
        ).order_by("code")
        self.fields["eligible_sectors"].queryset = Sector.objects.filter(is_active=True)
        self.fields["source_type"].choices = [
            (v, label) for v, label in FundingType.choices if can_create_type(user, v)
        ]
        if not self.instance.pk:
            self.fields["fiscal_year"].initial = dt.date.today().year + 1
            if len(self.fields["source_type"].choices) == 1:
                self.fields["source_type"].initial = self.fields["source_type"].choices[0][0]
            if user.area_id and user.area.level == AreaLevel.DESA:
                self.fields["owner_area"].initial = user.area_id
        self.fields["months"].widget.attrs.update(min=1, max=12)
        self.fields["max_poverty_desil"].widget.attrs.update(min=1, max=10)

    def clean_max_poverty_desil(self):
        value = self.cleaned_data.get("max_poverty_desil")
        if value is not None and not 1 <= value <= 10:
            raise forms.ValidationError(_("Desil harus 1 sampai 10."))
        return value

    def clean_months(self):
        value = self.cleaned_data.get("months")
        if value is not None and not 1 <= value <= 12:
            raise forms.ValidationError(_("Jumlah bulan harus 1 sampai 12."))
        return value

    def clean(self):
        data = super().clean()
        stype, owner = data.get("source_type"), data.get("owner_area")
        year, start, months = data.get("fiscal_year"), data.get("start_month"), data.get("months")
        if stype and owner and owner.level not in OWNER_LEVELS.get(stype, set()):
            self.add_error(
                "owner_area",
                _(
                    "Wilayah pemilik tidak cocok dengan jenis sumber (%(t)s): Dana Desa milik "
                    "desa, APBD dan DBHCHT milik kabupaten."
                )
                % {"t": FundingType(stype).label},
            )
        if stype and owner:
            for problem in services.owner_problems(stype, owner):
                self.add_error("owner_area", problem)
        code = data.get("wadah_code")
        if stype and code and code not in wadah.allowed_codes(stype):
            self.add_error(
                "wadah_code",
                _("Kode wadah %(c)s tidak dipakai untuk %(t)s; pilih salah satu: %(ok)s.")
                % {
                    "c": code,
                    "t": FundingType(stype).label,
                    "ok": ", ".join(wadah.allowed_codes(stype)) or "-",
                },
            )
        if stype and not code:
            data["wadah_code"] = wadah.default_code(stype)
        if year and start and months:
            if start.year != year:
                self.add_error("start_month", _("Bulan pertama harus di tahun anggaran."))
            elif add_months_to_first(start, months - 1).year != year:
                self.add_error(
                    "months", _("Periode melewati Desember tahun anggaran; kurangi jumlah bulan.")
                )
        amount = data.get("amount")
        if self.instance.pk and amount is not None and amount < self.instance.allocated:
            self.add_error(
                "amount",
                _("Pagu tidak boleh di bawah yang sudah dialokasikan (Rp%(a)s).")
                % {"a": f"{self.instance.allocated:,}".replace(",", ".")},
            )
        if stype and not can_create_type(self.user, stype):
            self.add_error("source_type", _("Anda hanya dapat mengelola Dana Desa desa Anda."))
        return data


class CommitForm(forms.Form):
    start_month = MonthField(label=_("Bulan pertama"))
    months = forms.IntegerField(label=_("Jumlah bulan"), min_value=1, max_value=12)


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "fiscal_year", "cut_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cut_percent"].help_text = _("Mis. 10 = semua pagu dipotong 10%.")
        if not self.instance.pk:
            self.fields["fiscal_year"].initial = dt.date.today().year + 1
        for value, label in FundingType.choices:
            if value == FundingType.MANDIRI:
                continue
            self.fields[f"cut_{value}"] = forms.DecimalField(
                label=_("Potongan tambahan %(t)s (%%)") % {"t": label},
                min_value=0,
                max_value=100,
                decimal_places=2,
                required=False,
            )

    def clean_cut_percent(self):
        value = self.cleaned_data["cut_percent"]
        if value is None or not Decimal(0) <= value <= Decimal(100):
            raise forms.ValidationError(_("Potongan harus 0 sampai 100%."))
        return value

    def type_cuts(self) -> dict[str, str]:
        out = {}
        for value, _label in FundingType.choices:
            cut = self.cleaned_data.get(f"cut_{value}")
            if cut:
                out[value] = str(cut)
        return out


class RenewalForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Sumber dana tahun baru"), queryset=FundingSource.objects.none()
    )
    previous_type = forms.ChoiceField(
        label=_("Hanya yang sebelumnya didanai"),
        required=False,
        choices=[("", _("Semua sumber"))] + list(FundingType.choices),
    )

    def __init__(self, *args, user, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.user = user


def manageable_choices(user, year: int | None = None):
    from .services import can_manage

    qs = visible_sources(user).filter(is_active=True).select_related("owner_area")
    if year:
        qs = qs.filter(fiscal_year=year)
    return FundingSource.objects.filter(pk__in=[s.pk for s in qs if can_manage(user, s)])
