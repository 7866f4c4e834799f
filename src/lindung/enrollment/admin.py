"""Tariff and rule tables are maintained in the admin: add a version with a new effective date
and cite the regulation; never edit a figure that past payments were priced with."""

from django.contrib import admin

from .tariffs import DiscountProgramme, IncomeBracket, LapseRule, TariffVersion


class IncomeBracketInline(admin.TabularInline):
    model = IncomeBracket
    extra = 1


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "effective_from", "effective_to", "brackets_complete"]
    inlines = [IncomeBracketInline]


@admin.register(DiscountProgramme)
class DiscountProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "percent", "first_month", "last_month", "sector_scope", "is_active"]
    list_filter = ["is_active", "sector_scope"]


@admin.register(LapseRule)
class LapseRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "effective_from", "max_unpaid_months", "payment_deadline_day"]
