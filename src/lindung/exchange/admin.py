from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OccupationMapping


@admin.register(OccupationMapping)
class OccupationMappingAdmin(SimpleHistoryAdmin):
    """The regency decides which OpenSID occupations count as informal work, and as what."""

    list_display = ("code", "name", "sector")
    list_editable = ("sector",)
    list_filter = ("sector",)
    search_fields = ("name",)
    ordering = ("code", "name")
