"""Rule tables are maintained in the admin: add a row with a new effective date, cite the rule."""

from django.contrib import admin

from .models import BenefitParameter, DocumentRequirement, ScholarshipRate


@admin.register(BenefitParameter)
class BenefitParameterAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "value", "unit", "effective_from", "regulation"]
    list_filter = ["code"]


@admin.register(ScholarshipRate)
class ScholarshipRateAdmin(admin.ModelAdmin):
    list_display = ["level", "yearly_amount", "max_years", "effective_from", "regulation"]


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["claim_type", "label", "condition", "effective_from", "effective_to"]
    list_filter = ["claim_type"]
