"""Query-string filters of the funding pages: every parameter a page or download reads."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import scoped
from lindung.core.filters import (
    AreaCodeField,
    ExportFormatField,
    FilterForm,
    ScopedFilterForm,
    YearField,
    current_year,
)
from lindung.core.jobstatus import JobStatus
from lindung.enrollment.models import FundingType

from .models import CommitmentStatus, Reason, Scenario

# Budgets and renewals are planned ahead: a fiscal year up to five years on is a real question.
YEARS_AHEAD = 5
# The largest id a database integer key holds; a bigger number names no record.
MAX_ID = 2_147_483_647
COMPARE_MAX = 4


def _next_year() -> int:
    return current_year() + 1


def _search_field(label):
    # CharField refuses NUL characters (a 500 on PostgreSQL otherwise).
    return forms.CharField(required=False, max_length=100, strip=True, label=label)


class SourceFilterForm(FilterForm):
    tahun = YearField(last_offset=YEARS_AHEAD, label=_("Tahun anggaran"))
    jenis = forms.ChoiceField(choices=FundingType.choices, required=False, label=_("Jenis"))
    q = _search_field(_("Cari"))


class CommitmentFilterForm(FilterForm):
    status = forms.ChoiceField(choices=CommitmentStatus.choices, required=False, label=_("Status"))


class MemberSearchForm(FilterForm):
    q = _search_field(_("Cari nama / awal NIK"))


class RenewalFilterForm(ScopedFilterForm):
    tahun = YearField(last_offset=YEARS_AHEAD, initial=_next_year, label=_("Tahun anggaran"))
    desa = AreaCodeField(label=_("Desa"))


class ScenarioFilterForm(FilterForm):
    tahun = YearField(last_offset=YEARS_AHEAD, label=_("Tahun anggaran"))


class CandidateFilterForm(FilterForm):
    alasan = forms.ChoiceField(choices=Reason.choices, required=False, label=_("Hasil"))
    q = _search_field(_("Nama"))


class DownloadForm(FilterForm):
    """The file type of a funding download (`?format=`); CSV unless XLSX is asked for."""

    format = ExportFormatField(initial="csv")


class IdListField(forms.Field):
    """Repeated `?s=` record ids: values that are not a positive database id are dropped
    (never an error, never an overflowing query); order kept, duplicates removed."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        raw = value if isinstance(value, (list, tuple)) else [value]
        ids: list[int] = []
        for item in raw:
            text = str(item).strip()
            # isdecimal, not isdigit: "²" is a digit int() refuses.
            if not (text.isascii() and text.isdecimal()) or len(text) > 10:
                continue
            number = int(text)
            if 0 < number <= MAX_ID and number not in ids:
                ids.append(number)
        return ids[: self.max_count]


class ScenarioCompareForm(ScopedFilterForm):
    """The finished scenarios to compare; ids outside the user's area are dropped like bad ones."""

    s = IdListField(max_count=COMPARE_MAX, label=_("Skenario"))

    def clean_s(self) -> list[int]:
        ids = self.cleaned_data["s"]
        found = set(
            scoped(Scenario.objects.all(), self.user)
            .filter(pk__in=ids, status=JobStatus.DONE)
            .values_list("pk", flat=True)
        )
        return [pk for pk in ids if pk in found]
