"""The people behind a coverage figure; the NIK is shown per role by accounts.masking."""

from django.utils.translation import gettext_lazy as _

from lindung.core.tables import (
    BadgeColumn,
    ChoiceColumn,
    Column,
    DateColumn,
    LinkColumn,
    NikColumn,
    Table,
)


class CoveragePeopleTable(Table):
    nik = NikColumn(_("NIK"), "worker.nik")
    name = LinkColumn(_("Nama"), "worker.name", url_name="workers:detail", link_accessor="worker")
    village = Column(_("Desa"), "village.name")
    sector = Column(_("Sektor"), "worker.sector.name")
    funding_type = ChoiceColumn(_("Sumber dana"))
    status = BadgeColumn(_("Status"), styles={}, default="")
    coverage_start = DateColumn(_("Mulai"))
    paid_until = DateColumn(_("Dibayar sampai"))
