"""Template filters for Indonesian formats: Rp1.234.567 and 24 Nov 2026."""

from django import template
from django.utils.html import format_html

from lindung.core import formatting

register = template.Library()

register.filter("rupiah", formatting.format_rupiah)
register.filter("tanggal", formatting.format_date)
register.filter("angka", formatting.format_number)
register.filter("persen", formatting.format_percent)
register.filter("nilai", formatting.format_value)
register.filter("bulan", formatting.format_month)


@register.simple_tag(takes_context=True)
def querystring_page(context, page: int) -> str:
    """Current query string with `page` replaced, for pagination links."""
    params = context["request"].GET.copy()
    params["page"] = page
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A column header that sorts the list by `key`; a second click reverses it."""
    from lindung.core.sorting import PARAM

    current = context.get("sort_key", "")
    params = context["request"].GET.copy()
    params.pop("page", None)
    params[PARAM] = f"-{key}" if current == key else key
    arrow = {key: " ↑", f"-{key}": " ↓"}.get(current, "")
    state = {key: "ascending", f"-{key}": "descending"}.get(current)
    return format_html(
        '<a class="sort-link" href="?{}"{}>{}{}</a>',
        params.urlencode(),
        format_html(' aria-sort="{}"', state) if state else "",
        label,
        arrow,
    )


@register.simple_tag
def empty_state(message: str, hint: str = "") -> str:
    return format_html(
        '<div class="empty"><p class="empty-title">{}</p><p class="muted">{}</p></div>',
        message,
        hint,
    )


@register.filter
def lebar(percent) -> str:
    """CSS class of a progress bar's width in 5% steps (`w0`…`w100`, defined in app.css): the
    Content-Security-Policy allows no inline style. Values out of 0–100 are clamped; a value
    that is not a number gives an empty bar."""
    try:
        value = float(percent)
    except (TypeError, ValueError):
        return "w0"
    if value != value:  # NaN
        return "w0"
    value = min(max(value, 0.0), 100.0)  # also infinities
    return f"w{int(round(value / 5) * 5)}"
