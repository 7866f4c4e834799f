"""Columns of the claims lists; NIKs shown per role by accounts.masking."""

import datetime as dt

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lindung.core.tables import (
    BadgeColumn,
    Column,
    DateColumn,
    LinkColumn,
    MoneyColumn,
    NikColumn,
    NumberColumn,
    Table,
)

from .models import ClaimStatus


class ClaimTable(Table):
    number = LinkColumn("#", "pk", url_name="claims:detail")
    name = LinkColumn(_("Peserta"), "membership.worker.name", url_name="claims:detail")
    nik = NikColumn("NIK", "membership.worker.nik")
    village = Column(_("Desa"), "membership.village.name")
    claim_type = Column(_("Jenis"))
    event_date = DateColumn(_("Kejadian"))
    status = BadgeColumn(
        _("Status"), styles={ClaimStatus.DIBAYAR: "ok", ClaimStatus.DITOLAK: "err"}
    )
    amount_paid = MoneyColumn(_("Dibayar"))
    paid_date = DateColumn(_("Tgl bayar"))


class DaysSinceDeathColumn(NumberColumn):
    def value(self, record, user):
        return (dt.date.today() - record.worker.deceased_date).days  # as the selector counts


class ReportClaimColumn(Column):
    """«Laporkan klaim» for roles that may record one."""

    def html(self, record, user):
        if not user.can_edit:
            return ""
        url = reverse("claims:create") + f"?kepesertaan={record.pk}"
        return format_html('<a class="btn secondary" href="{}">{}</a>', url, _("Laporkan klaim"))


class DeceasedTable(Table):
    name = Column(_("Nama"), "worker.name")
    nik = NikColumn("NIK", "worker.nik")
    village = Column(_("Desa"), "village.name")
    deceased_date = DateColumn(_("Meninggal"), "worker.deceased_date")
    days = DaysSinceDeathColumn(_("Hari"))
    report = ReportClaimColumn("")
