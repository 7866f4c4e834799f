"""Query-string filters of the area pages."""

from lindung.core.filters import ScopedFilterForm, YearField


class DenominatorFilterForm(ScopedFilterForm):
    tahun = YearField()
