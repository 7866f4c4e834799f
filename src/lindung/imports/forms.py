from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import FIELDS, REQUIRED, STANDS_IN
from .readers import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES
from .services import max_upload_bytes

ALLOWED = sorted(SPREADSHEET_SUFFIXES | TEXT_SUFFIXES)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas daftar pekerja"),
        help_text=_("XLSX, XLS, ODS atau CSV (UTF-8 / Windows-1252, pemisah ; atau ,)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED:
            raise forms.ValidationError(
                _("Format berkas tidak didukung. Gunakan XLSX, XLS, ODS atau CSV.")
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "Berkas terlalu besar (%(size)s MB; maksimal %(limit)s MB). "
                    "Pecah menjadi beberapa berkas."
                )
                % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Berkas kosong (0 byte)."))
        return upload


class MappingForm(forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— tidak ada —"))] + [
            (str(i), f"{h or _('(tanpa judul)')} (kolom {i + 1})") for i, h in enumerate(headers)
        ]
        for name, (label, _synonyms) in FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=name in REQUIRED and name not in STANDS_IN,
                initial=str(initial_mapping[name]) if name in initial_mapping else "",
            )
        for name, other in STANDS_IN.items():
            self.fields[name].help_text = _(
                "Wajib, kecuali tanggal lahir tertulis di kolom %(b)s (misalnya "
                "'Selong, 12 Agustus 1985')."
            ) % {"b": FIELDS[other][0]}

    def clean(self):
        data = super().clean()
        used: dict[str, str] = {}
        for name, value in data.items():
            if value in (None, ""):
                continue
            if value in used:
                raise forms.ValidationError(
                    _("Satu kolom berkas hanya boleh dipetakan ke satu isian (%(a)s dan %(b)s).")
                    % {"a": FIELDS[used[value]][0], "b": FIELDS[name][0]}
                )
            used[value] = name
        for name, other in STANDS_IN.items():
            if not data.get(name) and not data.get(other):
                self.add_error(
                    name,
                    _("Pilih kolom %(a)s, atau kolom %(b)s bila tanggal lahir ada di sana.")
                    % {"a": FIELDS[name][0], "b": FIELDS[other][0]},
                )
        return data

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("merge", _("Gabungkan")),
            ("distinct", _("Orang berbeda")),
            ("undo", _("Batalkan penggabungan")),
        ]
    )
