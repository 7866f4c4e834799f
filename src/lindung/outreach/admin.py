from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, OutreachPolicy, OutreachTarget, Team, TeamMember


@admin.register(OutreachPolicy)
class OutreachPolicyAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "inactive_days", "attribution_window_days", "source"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "village", "decree_number", "decree_date", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "village__name", "decree_number"]
    raw_id_fields = ["village"]
    inlines = [TeamMemberInline]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "place", "village", "team", "attendees"]
    list_filter = ["kind"]
    raw_id_fields = ["team", "village"]
    date_hierarchy = "date"


@admin.register(OutreachTarget)
class OutreachTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "village", "team", "activities_target", "registrations_target"]
    raw_id_fields = ["village", "team"]
