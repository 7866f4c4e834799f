"""Columns of the denominator list."""

from django.utils.translation import gettext_lazy as _

from lindung.core.tables import ChoiceColumn, Column, NumberColumn, Table, TemplateColumn


class DenominatorTable(Table):
    area = TemplateColumn(_("Wilayah"), "{{ record.area.code }} {{ record.area.name }}")
    year = Column(_("Tahun"))
    working_population = NumberColumn(_("Penduduk bekerja"))
    source = ChoiceColumn(_("Sumber"))
