from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import user_covers_area
from lindung.areas.models import Area
from lindung.areas.services import normalise_code

from .models import CoverageTarget, Innovation, RegionalPolicy


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV / XLSX"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimal 5 MB)."))
        return upload


class AreaCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Kode wilayah"))
        kwargs.setdefault("help_text", _("Contoh: 52.03 atau 52.03.07.2012"))
        super().__init__(max_length=16, **kwargs)


class ScopedAreaForm(forms.ModelForm):
    """Model forms whose area is typed as a code and must lie inside the user's area."""

    area_code = AreaCodeField()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_area_code(self):
        code = normalise_code(self.cleaned_data["area_code"])
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(_("Kode wilayah %(code)s tidak dikenal.") % {"code": code})
        if not user_covers_area(self.user, code):
            raise forms.ValidationError(
                _("Wilayah %(code)s di luar wilayah kerja Anda.") % {"code": code}
            )
        self.instance.area = area
        return code


class TargetForm(ScopedAreaForm):
    class Meta:
        model = CoverageTarget
        fields = ["year", "percent", "source", "note"]

    field_order = ["area_code", "year", "percent", "source", "note"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Tahun harus antara 2000 dan 2100."))
        return year

    def clean_percent(self):
        pct = self.cleaned_data["percent"]
        if not Decimal(0) < pct <= Decimal(100):
            raise forms.ValidationError(_("Target harus lebih dari 0 dan paling tinggi 100%."))
        return pct

    def clean(self):
        data = super().clean()
        area = getattr(self.instance, "area", None)
        year = data.get("year")
        if area is not None and year:
            clash = CoverageTarget.objects.filter(area=area, year=year)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("Target %(area)s tahun %(year)s sudah ada; ubah yang lama.")
                    % {"area": area.code, "year": year}
                )
        return data


class PolicyForm(ScopedAreaForm):
    class Meta:
        model = RegionalPolicy
        fields = ["kind", "number", "title", "issued_on", "note"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}

    field_order = ["area_code", "kind", "number", "title", "issued_on", "note"]


class InnovationForm(ScopedAreaForm):
    class Meta:
        model = Innovation
        fields = ["title", "description", "started_on"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["area_code", "title", "description", "started_on"]
