"""Tables of the socialisation lists (core.tables renders and escapes every cell)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lindung.core.tables import (
    ChoiceColumn,
    Column,
    DateColumn,
    LinkColumn,
    NumberColumn,
    Table,
    TemplateColumn,
)


class DateLinkColumn(LinkColumn, DateColumn):
    """A date, formatted for people, linking to the record."""


class ActivityTable(Table):
    date = DateLinkColumn(_("Tanggal"), url_name="outreach:activity_detail")
    kind = ChoiceColumn(_("Jenis"))
    place = Column(_("Tempat"))
    village = Column(_("Desa"), "village.name")
    team = LinkColumn(_("Tim"), "team.name", url_name="outreach:team_detail", link_accessor="team")
    attendees = NumberColumn(_("Peserta"))
    n_regs = NumberColumn(_("Pendaftaran"))


class TeamActivityTable(ActivityTable):
    """A team's own activities: the team and village are the page's."""

    def __init__(self, records, user, **kwargs):
        super().__init__(records, user, exclude=("village", "team"))


class TeamTable(Table):
    name = LinkColumn(_("Tim"), url_name="outreach:team_detail")
    village = Column(_("Desa"), "village.name")
    decree = TemplateColumn(
        _("SK pembentukan"),
        "{% if record.decree_number %}{{ record.decree_number }} · {{ record.decree_date|tanggal }}"
        '{% else %}<span class="badge warn">{% translate "belum ada SK" %}</span>{% endif %}',
    )
    n_members = NumberColumn(_("Anggota aktif"))
    n_activities = NumberColumn(_("Kegiatan"))
    last_activity = DateColumn(_("Kegiatan terakhir"))
    status = TemplateColumn(
        _("Status"),
        '{% if record.is_active %}<span class="badge ok">{% translate "aktif" %}</span>'
        '{% else %}<span class="badge">{% translate "nonaktif" %}</span>{% endif %}',
    )


# The two tables below show rows computed by services (dicts), so their cells are snippets.


class FlagsTable(Table):
    village = TemplateColumn(
        _("Desa/kelurahan"),
        '<a href="{% url "outreach:index" %}?wilayah={{ record.village.code }}">'
        "{{ record.village }}</a>",
    )
    kecamatan = TemplateColumn(_("Kecamatan"), "{{ record.kecamatan.name }}")
    last_date = TemplateColumn(
        _("Kegiatan terakhir"),
        "{% if record.last_date %}{{ record.last_date|tanggal }}{% else %}"
        '<span class="badge err">{% translate "belum pernah" %}</span>{% endif %}',
    )
    days_since = TemplateColumn(
        _("Hari sejak kegiatan"), "{{ record.days_since|angka }}", css="num"
    )
    has_team = TemplateColumn(
        _("Tim aktif"),
        '{% if record.has_team %}<span class="badge ok">{% translate "ada" %}</span>'
        '{% else %}<span class="badge warn">{% translate "belum ada" %}</span>{% endif %}',
    )


class TargetTable(Table):
    """Targets with their progress (views._target_rows); `edit` only for admins."""

    village = TemplateColumn(_("Desa"), "{{ record.obj.village.name }}")
    team = TemplateColumn(_("Tim"), '{{ record.obj.team.name|default:_("seluruh desa") }}')
    activities = TemplateColumn(
        _("Kegiatan"),
        "{{ record.activities|angka }} / {{ record.obj.activities_target|angka }}"
        "{% if record.act_pct is not None %} ({{ record.act_pct|persen }}){% endif %}",
    )
    registrations = TemplateColumn(
        _("Pendaftaran"),
        "{{ record.registrations|angka }} / {{ record.obj.registrations_target|angka }}"
        "{% if record.reg_pct is not None %} ({{ record.reg_pct|persen }}){% endif %}",
    )
    note = TemplateColumn(_("Keterangan"), "{{ record.obj.note }}")
    edit = TemplateColumn(
        "",
        '<a href="{% url "outreach:target_edit" record.obj.pk %}">{% translate "Ubah" %}</a>',
    )
