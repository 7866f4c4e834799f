from django.contrib import admin

from .models import Area, WorkforceDenominator


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "postal_code")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    show_full_result_count = False


@admin.register(WorkforceDenominator)
class WorkforceDenominatorAdmin(admin.ModelAdmin):
    list_display = ("area", "year", "working_population", "source")
    list_filter = ("year", "source")
    raw_id_fields = ("area",)
