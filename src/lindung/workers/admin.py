from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EligibilityOverride, EligibilityRule, Sector


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


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(admin.ModelAdmin):
    """Read-only: the audit trail of exceptions to the eligibility rules."""

    list_display = ("at", "worker", "funding_type", "step", "by", "reason")
    list_filter = ("funding_type", "step")
    readonly_fields = ("worker", "funding_type", "step", "failed_checks", "reason", "by", "at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
