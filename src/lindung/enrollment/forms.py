"""Forms for memberships, payments, status changes and the contribution calculator."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import AreaCodeField, ScopedFilterForm
from lindung.core.widgets import QuickSelect

from .models import EndReason, FundingType, MembershipStatus

PERIOD_CHOICES = [(1, _("1 bulan")), (3, _("3 bulan")), (6, _("6 bulan")), (12, _("12 bulan"))]
BPJS_STATUS_CHOICES = [
    ("", _("Belum diketahui")),
    ("ya", _("Ya, sudah terdaftar")),
    ("tidak", _("Belum terdaftar")),
]


def _period_choices(periods: list[int]) -> list[tuple[int, str]]:
    return [(p, _("%(n)s bulan") % {"n": p}) for p in periods]


def clean_kpj(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and (not value.isdigit() or not 8 <= len(value) <= 20):
        raise forms.ValidationError(
            _("Nomor KPJ hanya berisi angka (8–20 digit). Kosongkan bila belum dibagikan BPJS.")
        )
    return value


class EnrolForm(forms.Form):
    declared_income = forms.IntegerField(
        label=_("Penghasilan yang dilaporkan per bulan (Rp)"),
        min_value=1,
        error_messages={"min_value": _("Penghasilan harus lebih dari Rp0.")},
        help_text=_("Dasar iuran JKK/JHT menurut jenjang Lampiran II PP 44/2015."),
    )
    funding_type = forms.ChoiceField(label=_("Sumber dana iuran"), choices=FundingType.choices)
    with_jht = forms.BooleanField(label=_("Ikut JHT (2% penghasilan)"), required=False)
    payment_period_months = forms.TypedChoiceField(
        label=_("Periode bayar"), coerce=int, choices=PERIOD_CHOICES, initial=1
    )
    kpj = forms.CharField(label=_("Nomor KPJ (bila sudah ada)"), required=False, max_length=20)
    bpjs_status = forms.ChoiceField(
        label=_("Sudah terdaftar di BPJS Ketenagakerjaan?"),
        choices=BPJS_STATUS_CHOICES,
        required=False,
        help_text=_("Isi ini bila cabang hanya mengonfirmasi status tanpa membagikan KPJ."),
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)
    override_reason = forms.CharField(
        label=_("Alasan pengecualian syarat kelayakan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Hanya untuk admin kabupaten atau petugas BPJS, bila pekerja tidak memenuhi syarat "
            "sumber dana tetapi tetap perlu didaftarkan. Alasan dan nama Anda dicatat."
        ),
    )

    def __init__(self, *args, periods: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if periods:
            self.fields["payment_period_months"].choices = _period_choices(periods)

    def clean_kpj(self) -> str:
        return clean_kpj(self.cleaned_data.get("kpj", ""))

    @property
    def bpjs_registered(self) -> bool | None:
        return {"ya": True, "tidak": False}.get(self.cleaned_data.get("bpjs_status") or "")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Ubah status ke"), choices=MembershipStatus.choices)
    end_reason = forms.ChoiceField(
        label=_("Alasan berakhir"),
        choices=[("", "—")] + list(EndReason.choices),
        required=False,
    )
    kpj = forms.CharField(label=_("Nomor KPJ"), required=False, max_length=20)
    on = forms.DateField(
        label=_("Tanggal berlaku"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Kosongkan untuk hari ini."),
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)
    override_reason = forms.CharField(
        label=_("Alasan pengecualian syarat kelayakan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Hanya untuk admin kabupaten atau petugas BPJS, bila pekerja tidak memenuhi syarat "
            "sumber dana tetapi tetap perlu didaftarkan. Alasan dan nama Anda dicatat."
        ),
    )

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to_status"].choices = [
                (value, label) for value, label in MembershipStatus.choices if value in allowed
            ]

    def clean_kpj(self) -> str:
        return clean_kpj(self.cleaned_data.get("kpj", ""))

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return on


class PaymentForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Jumlah bulan dibayar"), coerce=int, choices=[])
    paid_on = forms.DateField(
        label=_("Tanggal bayar"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = forms.IntegerField(
        label=_("Jumlah dibayar (Rp)"),
        required=False,
        min_value=0,
        help_text=_("Kosongkan untuk memakai iuran menurut tabel tarif."),
    )
    note = forms.CharField(label=_("Catatan / nomor bukti bayar"), required=False, max_length=255)

    def __init__(self, *args, periods: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = _period_choices(periods)

    def clean_paid_on(self) -> dt.date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("Tanggal bayar tidak boleh di masa depan."))
        return paid_on


class CalculatorForm(forms.Form):
    income = forms.IntegerField(
        label=_("Penghasilan per bulan (Rp)"),
        min_value=0,
        initial=1_000_000,
        error_messages={"min_value": _("Penghasilan tidak boleh negatif.")},
    )
    month = forms.DateField(
        label=_("Bulan iuran pertama"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tanggal mana pun di bulan itu."),
    )
    months = forms.TypedChoiceField(
        label=_("Periode"), coerce=int, choices=PERIOD_CHOICES, initial=1
    )
    with_jht = forms.BooleanField(label=_("Ikut JHT"), required=False)
    funding_type = forms.ChoiceField(
        label=_("Sumber dana"), choices=FundingType.choices, initial=FundingType.MANDIRI
    )
    transport = forms.BooleanField(label=_("Sektor transportasi"), required=False)
    arrears_before = forms.BooleanField(
        label=_("Masih menunggak iuran sebelum periode keringanan"),
        required=False,
        help_text=_("Syarat PP 49/2020 Pasal 13 ayat (1): yang menunggak tidak mendapat potongan."),
    )


class MembershipFilterForm(ScopedFilterForm):
    q = forms.CharField(label=_("Cari nama, NIK atau KPJ"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua")), ("pra_aktif", _("Didata/diverifikasi (belum diajukan)"))]
        + list(MembershipStatus.choices),
        widget=QuickSelect,
    )
    funding_type = forms.ChoiceField(
        label=_("Sumber dana"),
        required=False,
        choices=[("", _("Semua"))] + FundingType.choices,
        widget=QuickSelect,
    )
    habis = forms.TypedChoiceField(
        label=_("Habis masa bayar dalam"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (30, _("30 hari")), (60, _("60 hari")), (90, _("90 hari"))],
        widget=QuickSelect,
    )
    wilayah = AreaCodeField(widget=forms.HiddenInput)
