"""Columns of the access log."""

from django.utils.translation import gettext_lazy as _

from lindung.core.tables import ChoiceColumn, Column, NumberColumn, Table, TemplateColumn


class AccessLogTable(Table):
    at = TemplateColumn(_("Waktu"), '{{ record.at|tanggal }} {{ record.at|time:"H:i" }}')
    user = Column(_("Pengguna"))
    action = ChoiceColumn(_("Aksi"))
    what = Column(_("Apa"))
    area_code = Column(_("Wilayah"))
    record_count = NumberColumn(_("Jumlah"))
