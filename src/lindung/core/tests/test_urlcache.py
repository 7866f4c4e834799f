"""The remembered {% url %} gives exactly Django's URLs."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.urlcache import cached_reverse


@given(pk=st.integers(min_value=0, max_value=10**12))
def test_integer_arguments_give_djangos_url(pk):
    assert cached_reverse("workers:detail", [pk]) == reverse("workers:detail", args=[pk])
    assert cached_reverse("enrollment:payment", [pk]) == reverse("enrollment:payment", args=[pk])


@given(code=st.sampled_from(["52", "52.03", "52.03.07", "52.03.07.2012"]))
def test_text_arguments_give_djangos_url(code):
    assert cached_reverse("coverage:dashboard", [code]) == reverse(
        "coverage:dashboard", args=[code]
    )


def test_arguments_django_refuses_are_refused():
    with pytest.raises(NoReverseMatch):
        cached_reverse("workers:detail", [-1])
    with pytest.raises(NoReverseMatch):
        cached_reverse("workers:detail", ["bukan angka"])
    with pytest.raises(NoReverseMatch):
        cached_reverse("tidak:ada", [])


def test_template_tag_renders_like_djangos():
    request = RequestFactory().get("/")
    ours = Template(
        "{% load lindung %}{% url 'workers:detail' pk %}|{% url 'home' %}"
        "|{% url 'tidak:ada' as nothing %}[{{ nothing }}]|{% url 'coverage:dashboard' code %}"
    )
    django = Template(
        "{% url 'workers:detail' pk %}|{% url 'home' %}"
        "|{% url 'tidak:ada' as nothing %}[{{ nothing }}]|{% url 'coverage:dashboard' code %}"
    )
    for pk in (1, 7, 123456):
        context = {"pk": pk, "code": "52.03", "request": request}
        assert ours.render(Context(context)) == django.render(Context(context))
