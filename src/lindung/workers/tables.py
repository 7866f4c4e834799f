"""The worker list's columns; NIK, phone and birth date shown per role by accounts.masking."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lindung.core.tables import (
    BirthColumn,
    Column,
    LinkColumn,
    NikColumn,
    PhoneColumn,
    Table,
    esc,
)

from .flags import describe_for


class VillageColumn(Column):
    """The village with its kecamatan below it."""

    def html(self, record, user):
        village = record.village
        kecamatan = village.parent.name if village.parent_id else ""
        # tables.esc, not format_html: the same HTML for each of the page's rows, cheaper
        return mark_safe(f'{esc(village.name)}<br><span class="muted">{esc(kecamatan)}</span>')  # noqa: S308


class NotesColumn(Column):
    """Death and verification badges; the flags' sentences are told per role (workers.flags)."""

    def html(self, record, user):
        parts = []
        if record.deceased_date:
            parts.append(f'<span class="badge err">{esc(gettext("Meninggal"))}</span> ')
        if record.verification_flags:
            title = " ".join(f["message"] for f in describe_for(user, record))
            label = esc(gettext("Perlu verifikasi"))
            parts.append(f'<span class="badge warn" title="{esc(title)}">{label}</span>')
        elif record.verified_at:
            parts.append(f'<span class="badge ok">{esc(gettext("Terverifikasi"))}</span>')
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped


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
