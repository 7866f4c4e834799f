"""Template filters for Indonesian formats: Rp1.234.567 and 24 Nov 2026."""

from django import template
from django.utils.html import format_html

from lindung.core import formatting

register = template.Library()

register.filter("rupiah", formatting.format_rupiah)
register.filter("tanggal", formatting.format_date)
register.filter("angka", formatting.format_number)
register.filter("persen", formatting.format_percent)


@register.simple_tag(takes_context=True)
def querystring_page(context, page: int) -> str:
    """Current query string with `page` replaced, for pagination links."""
    params = context["request"].GET.copy()
    params["page"] = page
    return "?" + params.urlencode()


@register.simple_tag
def empty_state(message: str, hint: str = "") -> str:
    return format_html(
        '<div class="empty"><p class="empty-title">{}</p><p class="muted">{}</p></div>',
        message,
        hint,
    )
