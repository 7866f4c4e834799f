"""The rows of the funding downloads; `lindung.core.export` writes them as CSV or XLSX.
NIKs are masked for roles that do not see personal data (lindung.accounts.masking)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindung.accounts import masking
from lindung.core.export import QueryRows


def sources(qs: QuerySet) -> Iterable[list]:
    header = [
        _("Nama"), _("Jenis"), _("Kode wadah"), _("Tahun"), _("Bulan pertama"), _("Jumlah bulan"),
        _("Wilayah"), _("Kode wilayah"), _("Pagu"), _("Dialokasikan"), _("Terealisasi"),
        _("Sisa"), _("Dasar hukum"),
    ]  # fmt: skip
    return QueryRows(
        header,
        qs,
        lambda s: [
            s.name,
            s.get_source_type_display(),
            s.wadah_code,
            s.fiscal_year,
            s.start_month.strftime("%m/%Y"),
            s.months,
            s.owner_area.name,
            s.owner_area_id,
            s.amount,
            s.allocated,
            s.spent,
            s.remaining,
            s.legal_basis,
        ],
    )


def commitments(qs: QuerySet, user) -> Iterable[list]:
    header = [
        _("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Bulan pertama"), _("Bulan terakhir"),
        _("Jumlah bulan"), _("Biaya"), _("Status"),
    ]  # fmt: skip
    return QueryRows(
        header,
        qs,
        lambda c: [
            masking.nik_for(user, c.membership.worker.nik),
            c.membership.worker.name,
            c.membership.village.name,
            c.membership.worker.sector.name,
            c.start_month.strftime("%m/%Y"),
            c.end_month.strftime("%m/%Y"),
            c.months,
            c.cost,
            c.get_status_display(),
        ],
    )


def renewals(qs: QuerySet, user) -> Iterable[list]:
    header = [_("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Dibayar sampai"), _("Status")]
    return QueryRows(
        header,
        qs,
        lambda m: [
            masking.nik_for(user, m.worker.nik),
            m.worker.name,
            m.village.name,
            m.worker.sector.name,
            m.paid_until.isoformat() if m.paid_until else "",
            m.get_status_display(),
        ],
    )


def candidates(qs: QuerySet, user) -> Iterable[list]:
    header = [
        _("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Desil"), _("Bobot"), _("Hasil"),
        _("Sumber dana"), _("Biaya"), _("Sumber (greedy)"),
    ]  # fmt: skip
    return QueryRows(
        header,
        qs,
        lambda c: [
            masking.nik_for(user, c.membership.worker.nik),
            c.membership.worker.name,
            c.membership.village.name,
            c.membership.worker.sector.name,
            c.membership.worker.poverty_desil or "",
            c.weight,
            c.get_reason_display(),
            c.source.name if c.source else "",
            c.cost,
            c.greedy_source.name if c.greedy_source else "",
        ],
    )
