from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EligibilityRule, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "priority", "is_active")
    list_editable = ("priority", "is_active")
    search_fields = ("name", "code")


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "funding_type",
        "effective_from",
        "effective_to",
        "min_age",
        "max_age",
        "requires_residency",
    )
    list_filter = ("funding_type",)
    filter_horizontal = ("allowed_sectors",)
