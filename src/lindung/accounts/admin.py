from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class LindungUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Lindung", {"fields": ("role", "area", "phone")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Lindung", {"fields": ("role", "area")}))
    list_display = ("username", "get_full_name", "role", "area", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("area",)
    search_fields = ("username", "first_name", "last_name")
