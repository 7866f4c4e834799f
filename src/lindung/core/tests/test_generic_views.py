"""Apps converted to the generic views keep to them: every page is a class view, and every list
page declares the filter form that reads its query string."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lindung.core.generic import ScopedListView

CONVERTED = (
    "workers",
    "enrollment",
    "claims",
    "areas",
    "audit",
    "exchange",
    "imports",
    "outreach",
    "funding",
    "coverage",
)


def _patterns(namespace):
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == namespace:
            yield from entry.url_patterns


@pytest.mark.parametrize("namespace", CONVERTED)
def test_every_page_is_a_class_view(namespace):
    patterns = list(_patterns(namespace))
    assert patterns
    function_views = [p.name for p in patterns if not hasattr(p.callback, "view_class")]
    assert function_views == []


@pytest.mark.parametrize("namespace", CONVERTED)
def test_every_list_page_declares_a_filter_form(namespace):
    lists = [
        p.callback.view_class
        for p in _patterns(namespace)
        if issubclass(p.callback.view_class, ScopedListView)
    ]
    assert lists
    assert [v.__name__ for v in lists if v.filter_form_class is None] == []


def test_the_site_pages_are_class_views():
    """Home, worklists and the personal-data pages live outside any app namespace."""
    names = {"home", "worklists", "person_search", "person_export", "person_anonymise"}
    found = {
        p.name: p.callback
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and p.name in names
    }
    assert set(found) == names
    assert [n for n, view in found.items() if not hasattr(view, "view_class")] == []
