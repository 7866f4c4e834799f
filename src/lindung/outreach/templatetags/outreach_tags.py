"""Masking filters for personal data shown on outreach pages."""

from django import template

from lindung.workers.nik import mask_nik

from ..services import mask_phone

register = template.Library()


@register.filter
def nik_for(nik: str, sees_personal_data: bool) -> str:
    return nik if sees_personal_data else mask_nik(nik)


@register.filter
def phone_for(phone: str, sees_personal_data: bool) -> str:
    return phone if sees_personal_data else mask_phone(phone)
