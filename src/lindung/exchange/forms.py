from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import SOURCES, validate_columns
from .files import MAX_BYTES
from .models import ExportProfile, FileFormat

ACCEPTED = (".csv", ".txt", ".xlsx", ".xls", ".ods")


class UploadField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        name = upload.name.lower()
        if not name.endswith(ACCEPTED):
            raise forms.ValidationError(_("Format berkas tidak didukung. Gunakan CSV atau XLSX."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (lebih dari 20 MB)."))
        return upload


class ExportForm(forms.Form):
    profile = forms.ModelChoiceField(
        label=_("Profil kolom"), queryset=ExportProfile.objects.all(), empty_label=None
    )
    # XLSX first: its text cells keep NIK, village codes and phone numbers exactly.
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(FileFormat.XLSX, _("XLSX (Excel, disarankan)")), (FileFormat.CSV, "CSV")],
        initial=FileFormat.XLSX,
    )
    area = forms.ChoiceField(label=_("Wilayah"), required=False)
    submit = forms.BooleanField(
        label=_("Ubah status semua baris ke «Diajukan ke BPJS»"),
        required=False,
        help_text=_("Dilakukan dalam satu transaksi bersama pembuatan berkas."),
    )
    note = forms.CharField(label=_("Catatan"), max_length=120, required=False)

    def __init__(self, *args, areas, can_submit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Seluruh wilayah kerja saya"))] + [
            (a.code, f"{a.name} ({a.code})") for a in areas
        ]
        default = ExportProfile.objects.filter(is_default=True).first()
        if default:
            self.fields["profile"].initial = default.pk
        if not can_submit:
            del self.fields["submit"]


class StatusUploadForm(forms.Form):
    file = UploadField(
        label=_("Daftar status peserta dari BPJS"),
        help_text=_(
            "CSV/XLSX dengan kolom NIK (atau KPJ), NAMA, STATUS; KPJ dan tanggal opsional."
        ),
    )


class OpensidUploadForm(forms.Form):
    village = forms.ChoiceField(label=_("Desa tujuan"))
    file = UploadField(
        label=_("Ekspor data penduduk OpenSID"),
        help_text=_("Berkas XLSX/CSV dari OpenSID: Kependudukan > Penduduk > Unduh."),
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, f"{v.name} ({v.code})") for v in villages]


class KoboUploadForm(forms.Form):
    file = UploadField(
        label=_("Ekspor kiriman KoboToolbox/ODK"),
        help_text=_(
            "Unduh dari KoboToolbox (Data > Downloads) sebagai XLS atau CSV. Semua pilihan "
            "ekspor diterima: «Labels» maupun «XML values and headers», pemisah grup «/» "
            "maupun «.», dengan atau tanpa nama grup."
        ),
    )
    skip_not_approved = forms.BooleanField(
        label=_("Lewati kiriman yang ditandai «Not approved» di KoboToolbox"),
        required=False,
        initial=True,
        help_text=_("Status validasi diisi pemeriksa di KoboToolbox (kolom _validation_status)."),
    )


class ConfirmRowsForm(forms.Form):
    """The fuzzy matches ticked on a BPJS status preview (`konfirmasi`: file row numbers).
    A value that is no row number is ignored: it can only come from a tampered form."""

    def rows(self) -> set[int]:
        values = self.data.getlist("konfirmasi") if self.data else []
        return {int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 9}


class ProfileForm(forms.ModelForm):
    columns_text = forms.CharField(
        label=_("Kolom (satu per baris: JUDUL = sumber)"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 50}),
    )

    class Meta:
        model = ExportProfile
        fields = ["name", "confirmed_by_branch", "is_default", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["columns_text"] = "\n".join(
                f"{c['header']} = {c['source']}" for c in self.instance.columns
            )
        self.fields["columns_text"].help_text = _("Sumber yang tersedia: ") + ", ".join(SOURCES)

    def clean_columns_text(self):
        columns = []
        for i, line in enumerate(self.cleaned_data["columns_text"].splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(
                    _("Baris %(n)s: tulis JUDUL = sumber, mis. NIK = nik.") % {"n": i}
                )
            header, source = (p.strip() for p in line.rsplit("=", 1))
            columns.append({"header": header, "source": source})
        problems = validate_columns(columns)
        if problems:
            raise forms.ValidationError(problems)
        return columns

    def save(self, commit=True):
        self.instance.columns = self.cleaned_data["columns_text"]
        profile = super().save(commit)
        if commit and profile.is_default:
            ExportProfile.objects.exclude(pk=profile.pk).update(is_default=False)
        return profile
