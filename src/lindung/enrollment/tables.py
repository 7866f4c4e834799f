"""The membership list's columns; the NIK is shown per role by accounts.masking."""

from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

from lindung.core.formatting import format_date
from lindung.core.tables import (
    BadgeColumn,
    ChoiceColumn,
    Column,
    DateColumn,
    LinkColumn,
    NikColumn,
    Table,
)


class StatusColumn(BadgeColumn):
    """The status badge, and since when an unpaid membership leaves its worker unprotected."""

    def html(self, record, user):
        badge = super().html(record, user)
        since = record.unprotected_today
        if not since:
            return badge
        note = _("belum terlindungi sejak %(d)s: iuran belum dibayar") % {"d": format_date(since)}
        return format_html('{}<br><small class="muted">{}</small>', badge, note)


class BpjsColumn(Column):
    """The KPJ number, or what is known of the registration at BPJS."""

    def html(self, record, user):
        if record.kpj:
            return conditional_escape(record.kpj)
        if record.bpjs_registered:
            return conditional_escape(_("Terdaftar (KPJ tidak dibagikan)"))
        if record.bpjs_registered is False:
            return conditional_escape(_("Belum terdaftar"))
        return "-"


class ProgrammeColumn(Column):
    def html(self, record, user):
        return "JKK+JKM+JHT" if record.with_jht else "JKK+JKM"


class MembershipTable(Table):
    name = LinkColumn(_("Nama"), "worker.name", url_name="enrollment:detail")
    nik = NikColumn(_("NIK"), "worker.nik")
    village = Column(_("Desa/kelurahan"), "village.name", sort_key="desa")
    status = StatusColumn(
        _("Status"),
        styles={"aktif": "ok", "menunggak": "warn", "nonaktif": "warn", "berakhir": "err"},
        default="",
        sort_key="status",
    )
    bpjs = BpjsColumn(_("KPJ / status BPJS"))
    funding_type = ChoiceColumn(_("Sumber dana"))
    programme = ProgrammeColumn(_("Program"))
    paid_until = DateColumn(_("Dibayar sampai"), sort_key="dibayar")
