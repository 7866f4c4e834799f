"""Template filters for Indonesian formats: Rp1.234.567 and 24 Nov 2026."""

import contextlib

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lindung.core import formatting, navigation
from lindung.core.urlcache import cached_reverse

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


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The main menu of the signed-in user, the current page marked (base.html)."""
    return navigation.rendered_menu(context["request"])


class CachedURLNode(defaulttags.URLNode):
    """Django's {% url %} with its result remembered (lindung.core.urlcache)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """{% url %} as Django's, remembered: templates that load `lindung` use this one."""
    node = defaulttags.url(parser, token)
    node.__class__ = CachedURLNode
    return node


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


@register.simple_tag
def excel_csv_link(*parts, css_class: str = "") -> str:
    """«CSV untuk Excel» next to a CSV download: the CSV address (`parts` joined) with
    `pemisah=titikkoma` (Indonesian Excel splits columns on `;`; read by
    core.generic.requested_delimiter in every CSV download)."""
    href = "".join(str(p) for p in parts)
    joiner = "" if href.endswith(("?", "&")) else ("&" if "?" in href else "?")
    return format_html(
        '<a{} href="{}{}pemisah=titikkoma" title="{}">{}</a>',
        format_html(' class="{}"', css_class) if css_class else "",
        href,
        joiner,
        _("Kolom dipisah titik koma (;), seperti yang diharapkan Excel berbahasa Indonesia"),
        _("CSV untuk Excel"),
    )


class CachedPartNode(template.Node):
    """{% cached_part key %}…{% endcached_part %}: the part rendered once per `key` (a
    generation key of core.figures, which changes with every write it depends on), and
    rendered each time when the key is empty or the cache is unavailable. Unlike Django's
    {% cache %}, one tag serves both cases, so blocks inside it are written once."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        from django.core.cache import cache

        from lindung.core.figures import MAX_AGE

        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        full = f"lindung:part:{key}"
        try:
            found = cache.get(full)
        except Exception:  # a cache outage shows the page, rendered
            return self.nodelist.render(context)
        if found is not None:
            return mark_safe(found)  # noqa: S308 - stored from a rendered (escaped) nodelist
        html = self.nodelist.render(context)
        with contextlib.suppress(Exception):  # served anyway; the next one renders again
            cache.set(full, str(html), MAX_AGE)
        return html


@register.tag
def cached_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% cached_part key %} takes one key")
    nodelist = parser.parse(("endcached_part",))
    parser.delete_first_token()
    return CachedPartNode(nodelist, parser.compile_filter(bits[1]))
