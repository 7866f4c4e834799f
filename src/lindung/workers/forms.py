"""Worker forms. Validation itself lives in services so imports and the API share it."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.areas.choices import area_choices
from lindung.areas.models import Area
from lindung.core.filters import FilterForm
from lindung.core.widgets import QuickSelect

from .choices import priority_choices, sector_choices
from .models import Sector, Sex, Worker
from .nik import parse_nik
from .services import EDITABLE_FIELDS

_PHONE_STRIP = re.compile(r"[\s.\-()]")


def normalise_phone(raw: str) -> str:
    """'+62 812-3456-7890' -> '081234567890'; '' stays ''."""
    phone = _PHONE_STRIP.sub("", raw or "")
    if phone.startswith("+62"):
        phone = "0" + phone[3:]
    elif phone.startswith("62"):
        phone = "0" + phone[2:]
    return phone


def villages_for(user):
    """Villages the user may register people in (their own area and below)."""
    qs = Area.objects.villages().select_related("parent").order_by("code")
    code = user.scope_code
    if code == "":
        return qs
    if not code:
        return qs.none()
    return qs.within(code)


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{obj.name} — Kec. {parent}" if parent else obj.name


class WorkerForm(forms.ModelForm):
    """Sex and birth date may be left blank: they are then read from the NIK."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Wider than the model's 16: separators are removed before the 16-digit check.
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 digit dari KTP/KK. Spasi, titik dan tanda hubung boleh."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 22}),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=30,
        required=False,
        help_text=_("Contoh: 081234567890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "size": 18}),
    )

    class Meta:
        model = Worker
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.TextInput(attrs={"size": 60}),
        }
        help_texts = {
            "sex": _("Kosongkan untuk mengambil dari NIK."),
            "birth_date": _("Kosongkan untuk mengambil dari NIK."),
            "poverty_desil": _("Isi bila diketahui dari DTSEN: 1 = termiskin, 10 = terkaya."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["sex"].required = False
        self.fields["sex"].choices = [("", _("— dari NIK —")), *Sex.choices]
        self.fields["birth_date"].required = False
        self.fields["village"] = VillageChoiceField(
            queryset=villages_for(user),
            label=_("Desa/kelurahan domisili"),
            empty_label=_("— pilih desa —"),
        )
        villages = self.fields["village"].queryset
        if not self.instance.pk and villages.count() == 1:
            self.initial.setdefault("village", villages.first().pk)
        sectors = Sector.objects.filter(is_active=True)
        if self.instance.pk and self.instance.sector_id:
            sectors = Sector.objects.filter(pk=self.instance.sector_id) | sectors
        self.fields["sector"].queryset = sectors.order_by("priority", "name")
        self.fields["sector"].empty_label = _("— pilih sektor —")
        self.fields["monthly_income"].widget.attrs["min"] = 0
        self.fields["poverty_desil"].widget.attrs.update({"min": 1, "max": 10})
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean_nik(self) -> str:
        result = parse_nik(self.cleaned_data.get("nik", ""))
        if result.errors:
            raise forms.ValidationError([i.message for i in result.errors])
        return result.nik

    def validate_unique(self) -> None:
        """Uniqueness of the NIK is checked by the service, with a message that helps."""

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone", ""))
        if phone and not re.fullmatch(r"08\d{8,11}", phone):
            raise forms.ValidationError(
                _("Nomor HP tidak valid: gunakan nomor seluler 10–13 digit, contoh 081234567890.")
            )
        return phone

    def clean_poverty_desil(self):
        desil = self.cleaned_data.get("poverty_desil")
        if desil is not None and not 1 <= desil <= 10:
            raise forms.ValidationError(_("Desil DTSEN harus antara 1 dan 10."))
        return desil

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class DeceasedForm(forms.Form):
    deceased_date = forms.DateField(
        label=_("Tanggal meninggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker

    def clean_deceased_date(self):
        from .services import death_date_problems

        date = self.cleaned_data["deceased_date"]
        if self.worker is not None:
            problems = death_date_problems(self.worker, date)
            if problems:
                raise forms.ValidationError(problems)
        return date


class WorkerFilterForm(FilterForm):
    """Query-string filters of the worker list; every choice is limited to the user's scope."""

    q = forms.CharField(label=_("Cari nama / NIK"), required=False)
    wilayah = forms.ChoiceField(label=_("Wilayah"), required=False, widget=QuickSelect)
    sektor = forms.ChoiceField(label=_("Sektor"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status kepesertaan"), required=False, widget=QuickSelect)
    dana = forms.ChoiceField(label=_("Sumber dana"), required=False, widget=QuickSelect)
    prioritas = forms.TypedChoiceField(
        label=_("Prioritas"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    verifikasi = forms.ChoiceField(
        label=_("Verifikasi"),
        required=False,
        choices=[("", _("Semua")), ("perlu", _("Perlu verifikasi")), ("ok", _("Tanpa catatan"))],
        widget=QuickSelect,
    )

    NO_MEMBERSHIP = "belum"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from lindung.workers.funding_types import FundingType

        from .memberships import lookup

        self.fields["wilayah"].choices = area_choices(user, blank=_("Semua wilayah saya"))
        self.fields["sektor"].choices = sector_choices(blank=_("Semua sektor"))
        self.fields["status"].choices = [
            ("", _("Semua status")),
            (self.NO_MEMBERSHIP, _("Belum punya kepesertaan")),
            *(found.statuses if (found := lookup()) else []),
        ]
        self.fields["dana"].choices = [("", _("Semua sumber dana")), *FundingType.choices]
        self.fields["prioritas"].choices = priority_choices(blank=_("Semua prioritas"))
