"""The worker list's columns; NIK, phone and birth date shown per role by accounts.masking."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from lindung.core.tables import (
    BirthColumn,
    Column,
    LinkColumn,
    NikColumn,
    PhoneColumn,
    Table,
)

from .flags import describe_for


class VillageColumn(Column):
    """The village with its kecamatan below it."""

    def html(self, record, user):
        village = record.village
        kecamatan = village.parent.name if village.parent_id else ""
        return format_html('{}<br><span class="muted">{}</span>', village.name, kecamatan)


class NotesColumn(Column):
    """Death and verification badges; the flags' sentences are told per role (workers.flags)."""

    def html(self, record, user):
        parts = []
        if record.deceased_date:
            parts.append(format_html('<span class="badge err">{}</span> ', _("Meninggal")))
        if record.verification_flags:
            title = " ".join(f["message"] for f in describe_for(user, record))
            parts.append(
                format_html(
                    '<span class="badge warn" title="{}">{}</span>', title, _("Perlu verifikasi")
                )
            )
        elif record.verified_at:
            parts.append(format_html('<span class="badge ok">{}</span>', _("Terverifikasi")))
        return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


class WorkerTable(Table):
    name = LinkColumn(_("Nama"), url_name="workers:detail", sort_key="nama")
    nik = NikColumn(_("NIK"))
    sex = Column(_("L/P"))
    birth_date = BirthColumn(_("Tgl lahir"), sort_key="lahir")
    village = VillageColumn(_("Desa"), sort_key="desa")
    sector = Column(_("Sektor"), "sector.name")
    priority_group = Column(_("Prioritas"), sort_key="prioritas", css="num")
    phone = PhoneColumn(_("HP"))
    notes = NotesColumn(_("Catatan"))
