"""{% cached_part %}: rendered once per key, each time without a key or a cache."""

from django.template import Context, Template


def test_part_rendered_each_time_without_key_or_cache(monkeypatch):
    template = Template("{% load lindung %}{% cached_part key %}{{ n }}{% endcached_part %}")
    assert template.render(Context({"key": "", "n": 1})) == "1"
    assert template.render(Context({"key": "", "n": 2})) == "2"
    assert template.render(Context({"key": "k-test", "n": 3})) == "3"
    assert template.render(Context({"key": "k-test", "n": 4})) == "3"  # kept under its key

    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    assert template.render(Context({"key": "k-test", "n": 5})) == "5"
