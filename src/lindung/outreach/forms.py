"""Forms for teams, members, activities, attribution and targets; choices are always scoped."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import scoped
from lindung.areas.models import Area

from .models import Activity, ActivityKind, OutreachTarget, Team, TeamMember
from .photos import check_photo

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def villages_for(user):
    code = user.scope_code
    if code is None:
        return Area.objects.none()
    qs = Area.objects.villages()
    return qs.within(code) if code else qs


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj} ({obj.code})"


class TeamForm(forms.ModelForm):
    village = VillageChoiceField(queryset=Area.objects.none(), label=_("Desa/kelurahan"))

    class Meta:
        model = Team
        fields = ["village", "name", "decree_number", "decree_date", "is_active"]
        widgets = {"decree_date": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user)
        if user.area and user.area.level == 4:
            self.fields["village"].initial = user.area
        if self.instance.pk:
            # Moving a team to another village would silently move its history and yield.
            self.fields["village"].disabled = True

    def clean_decree_date(self):
        value = self.cleaned_data.get("decree_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal SK tidak boleh di masa depan."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("decree_number") and not data.get("decree_date"):
            self.add_error("decree_date", _("Isi tanggal SK karena nomor SK sudah diisi."))
        if data.get("decree_date") and not data.get("decree_number"):
            self.add_error("decree_number", _("Isi nomor SK karena tanggal SK sudah diisi."))
        return data


PHONE_RE = re.compile(r"^08\d{8,11}$")


def normalise_phone(raw: str) -> str:
    """'+62 812-3456-7890' -> '081234567890'."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


class TeamMemberForm(forms.ModelForm):
    # Longer than the stored value: people type spaces, dashes and +62, normalised below.
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=25,
        required=False,
        help_text=_("Contoh: 081234567890 atau +62 812-3456-7890."),
    )

    class Meta:
        model = TeamMember
        fields = ["name", "role", "phone", "is_active"]

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Nomor HP tidak valid. Gunakan format 08xxxxxxxxxx (10–13 digit).")
            )
        return phone


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} — {obj.village.name}"


class ActivityForm(forms.ModelForm):
    team = TeamChoiceField(queryset=Team.objects.none(), label=_("Tim"))
    photo = forms.FileField(
        label=_("Foto kegiatan (opsional)"),
        required=False,
        help_text=_("JPEG, PNG atau WebP; maksimal 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Activity
        fields = ["team", "date", "kind", "place", "attendees", "notes"]
        widgets = {
            "date": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "attendees": forms.NumberInput(attrs={"min": 0}),
            "place": forms.TextInput(attrs={"size": 50}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = scoped(Team.objects.select_related("village"), user)
        if self.instance.pk:
            # Keep the current team selectable even if it was deactivated since.
            teams = teams.filter(village_id=self.instance.village_id)
        else:
            teams = teams.filter(is_active=True)
        self.fields["team"].queryset = teams.order_by("village__name", "name")
        self.fields["kind"].choices = [("", "---------"), *ActivityKind.choices]
        self.fields["photo"].help_text = _("JPEG, PNG atau WebP; maksimal %(mb)s MB.") % {
            "mb": _photo_limit_mb()
        }
        self.checked_photo = None

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("Tanggal kegiatan tidak boleh di masa depan: catat kegiatan setelah terlaksana.")
            )
        return value

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload and hasattr(upload, "read"):
            self.checked_photo = check_photo(upload)
        return upload


def _photo_limit_mb() -> str:
    from .conf import photo_max_bytes

    return f"{photo_max_bytes() / (1024 * 1024):g}".replace(".", ",")


class AttributionForm(forms.Form):
    workers = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Pekerja yang didaftarkan melalui kegiatan ini"),
        error_messages={"required": _("Pilih minimal satu pekerja.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = candidates


class TargetForm(forms.ModelForm):
    village = VillageChoiceField(queryset=Area.objects.none(), label=_("Desa/kelurahan"))

    class Meta:
        model = OutreachTarget
        fields = ["village", "team", "year", "activities_target", "registrations_target", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user)
        self.fields["team"].queryset = scoped(Team.objects.select_related("village"), user)
        self.fields["team"].label_from_instance = lambda t: f"{t.name} — {t.village.name}"
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 2021 <= year <= 2100:
            raise forms.ValidationError(_("Tahun harus antara 2021 dan 2100."))
        return year

    def clean(self):
        data = super().clean()
        team, village = data.get("team"), data.get("village")
        if team and village and team.village_id != village.code:
            self.add_error("team", _("Tim ini bukan tim dari desa yang dipilih."))
        year = data.get("year")
        if village and year and not self.errors:
            clash = OutreachTarget.objects.filter(village=village, year=year, team=team)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("Target untuk desa/tim dan tahun ini sudah ada; ubah target yang ada.")
                )
        return data
