"""The memberships behind a dashboard figure (active, at risk, new, by status), with downloads
that are logged in the access log like every list of personal data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lindung.accounts import masking
from lindung.core import export
from lindung.core.generic import ScopedListView, requested_delimiter
from lindung.enrollment.models import FundingType, MembershipStatus
from lindung.workers.models import Sector

from ..filters import PeopleFilterForm
from ..periods import ref_day
from ..selectors import KINDS, people
from ..tables import CoveragePeopleTable
from .base import EXPORT_FORMATS, CoverageAreaMixin

EXPORT_HEADER = ["nik", "nama", "desa_kode", "desa", "sektor", "sumber_dana", "status", "mulai",
                 "dibayar_sampai", "berakhir"]  # fmt: skip


class PeopleListView(CoverageAreaMixin, ScopedListView):
    download_formats = EXPORT_FORMATS
    filter_form_class = PeopleFilterForm
    table_class = CoveragePeopleTable
    template_name = "coverage/people.html"

    def get_queryset(self):
        values = self.get_filter_form().values
        return people(
            self.request.user,
            self.area.code,
            values["bulan"],
            values["jenis"],
            sector=values["sektor"],
            funding=values["dana"] or None,
            status=values["status"] or None,
        )

    def download(self, fmt: str):
        user, area = self.request.user, self.area
        values = self.get_filter_form().values
        period, kind = values["bulan"], values["jenis"]
        qs = self.get_queryset()
        rows = export.QueryRows(
            EXPORT_HEADER,
            qs,
            lambda m: [
                masking.nik_for(user, m.worker.nik),
                m.worker.name,
                m.village_id,
                m.village.name,
                m.worker.sector.name,
                m.get_funding_type_display(),
                m.get_status_display(),
                m.coverage_start,
                m.paid_until,
                m.coverage_end,
            ],
        )
        export.exported.send(
            type(self),
            user=user,
            what=f"Peserta cakupan {area.code} {period:%Y-%m} {kind} ({fmt.upper()})",
            area_code=area.code,
            record_count=qs.count(),
        )
        return export.table_response(
            fmt,
            f"peserta_{area.digits}_{period:%Y%m}_{kind}",
            _("Peserta"),
            rows.header,
            rows,
            delimiter=requested_delimiter(self.request),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        values = self.get_filter_form().values
        sector = values["sektor"]
        funding, status = values["dana"], values["status"]
        context.update(
            area=self.area,
            period=values["bulan"],
            day=ref_day(values["bulan"]),
            kind=values["jenis"],
            title=KINDS[values["jenis"]],
            sector_name=Sector.objects.filter(pk=sector).values_list("name", flat=True).first()
            if sector
            else None,
            funding_label=dict(FundingType.choices).get(funding) if funding else None,
            status_label=dict(MembershipStatus.choices).get(status) if status else None,
            breadcrumbs=self.breadcrumbs(),
        )
        return context
