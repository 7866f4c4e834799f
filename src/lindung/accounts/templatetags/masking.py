"""`{% load masking %}`: the masking policy (lindung.accounts.masking) in templates.

{{ worker.nik|nik_for:user }}  {{ worker.phone|phone_for:user }}
{{ worker.birth_date|birth_for:user }}   (a date for full roles, "41 tahun" for the others)
"""

from django import template
from django.utils import timezone

from lindung.accounts import masking
from lindung.core.formatting import format_date

register = template.Library()


@register.filter
def nik_for(nik: str, user) -> str:
    return masking.nik_for(user, nik)


@register.filter
def phone_for(phone: str, user) -> str:
    return masking.phone_for(user, phone)


@register.filter
def birth_for(birth_date, user) -> str:
    if birth_date is None:
        return ""
    shown = masking.birth_for(user, birth_date, timezone.localdate())
    return format_date(shown) if shown == birth_date else f"{shown} tahun"
