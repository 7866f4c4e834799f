"""URL reversing for templates, remembered per process.

Django's `reverse` walks the URL map on every call (25-45 us here); a list page calls it for
every row and the dashboard about 70 times. The result depends only on the view name, the
arguments, the current app, the URL map, the script prefix and the language, so it is
remembered. Rows differ only by an integer primary key: for integer arguments the URL is
reversed once with marker numbers and the numbers are put in its place (an integer needs no
quoting and every project route takes it through `<int:>` or `<str:>`).
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Markers far beyond any primary key: their digits appear nowhere else in a project URL.
_MARKERS = tuple(9_876_543_210_123 + i for i in range(4))
_PATTERNS: dict[tuple, str] = {}
_URLS: dict[tuple, str] = {}
_LIMIT = 20_000  # entries per table; cleared beyond (a bound, never reached in practice)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _PATTERNS.clear()
    _URLS.clear()


def _plain_int(value) -> bool:
    return type(value) is int and 0 <= value < _MARKERS[0]


def cached_reverse(view_name: str, args=(), kwargs=None, current_app: str | None = None) -> str:
    """`reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)`, remembered."""
    where = (view_name, current_app, get_urlconf(), get_script_prefix(), get_language())
    if not kwargs and args and len(args) <= len(_MARKERS) and all(_plain_int(a) for a in args):
        key = (*where, len(args))
        pattern = _PATTERNS.get(key)
        if pattern is None:
            if len(_PATTERNS) > _LIMIT:
                _PATTERNS.clear()
            pattern = _PATTERNS[key] = reverse(
                view_name, args=_MARKERS[: len(args)], current_app=current_app
            )
        for marker, value in zip(_MARKERS, args, strict=False):
            pattern = pattern.replace(str(marker), str(value), 1)
        return pattern
    try:
        key = (*where, tuple(args), tuple(sorted((kwargs or {}).items())))
        hash(key)
    except TypeError:  # an argument that cannot be a key: reverse it every time
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    url = _URLS.get(key)
    if url is None:
        if len(_URLS) > _LIMIT:
            _URLS.clear()
        url = _URLS[key] = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return url
