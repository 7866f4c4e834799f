"""QuickSelect renders the same options as Django's Select, escaped."""

from html.parser import HTMLParser

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.widgets import FixedChoices, QuickSelect


class _Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.select: dict = {}
        self.options: list[tuple[str, str, bool]] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.select = attrs
        elif tag == "option":
            self._open = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._open is not None:
            self.options.append(tuple(self._open))
            self._open = None


def parsed(html: str) -> _Options:
    parser = _Options()
    parser.feed(html)
    return parser


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(
    choices=st.lists(st.tuples(text, text), max_size=8, unique_by=lambda c: c[0]),
    pick=st.integers(min_value=0, max_value=9),
)
def test_same_options_as_django(choices, pick):
    value = choices[pick][0] if pick < len(choices) else "tidak-ada"
    attrs = {"id": "id_wilayah"}
    ours = parsed(QuickSelect(choices=choices).render("wilayah", value, attrs))
    django = parsed(forms.Select(choices=choices).render("wilayah", value, attrs))
    assert ours.options == django.options
    assert ours.select == django.select


def test_hostile_label_is_escaped():
    html = QuickSelect(choices=[("a", "<script>x</script>")]).render("w", "a")
    assert "<script>" not in html
    assert parsed(html).options == [("a", "<script>x</script>", True)]


def test_option_groups_fall_back_to_django():
    choices = [("Kecamatan", [("1", "Satu"), ("2", "Dua")])]
    html = QuickSelect(choices=choices).render("w", "2")
    assert "<optgroup" in html
    assert ("2", "Dua", True) in parsed(html).options


def test_model_choices_same_as_django_in_one_query(db):
    """A model field's options (the worker list's sectors): Django's options, read with one
    plain query rather than a server-side cursor."""
    from django.contrib.auth.models import Group

    Group.objects.create(name="uji <a>")
    Group.objects.create(name="uji-b")
    field = forms.ModelChoiceField(queryset=Group.objects.order_by("name"), to_field_name="name")
    field.empty_label = "Semua"
    django = parsed(forms.Select(choices=field.choices).render("grup", "uji-b"))
    with CaptureQueriesContext(connection) as queries:
        ours = parsed(QuickSelect(choices=field.choices).render("grup", "uji-b"))
    assert len(queries) == 1 and not queries[0]["sql"].startswith("DECLARE")
    assert ours.options == django.options
    assert ("uji-b", "uji-b", True) in ours.options and ours.options[0][1] == "Semua"


@given(
    choices=st.lists(st.tuples(text, text), max_size=8, unique_by=lambda c: c[0]),
    picks=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4),
)
def test_fixed_choices_render_as_plain_ones_whatever_was_chosen_before(choices, picks):
    """Kept choices (the area picker) keep their options per selection: every render equals a
    plain list's, whichever selections were rendered before it."""
    fixed = FixedChoices(choices)
    for pick in picks:
        value = choices[pick][0] if pick < len(choices) else "tidak-ada"
        kept = QuickSelect(choices=fixed).render("wilayah", value)
        plain = QuickSelect(choices=list(choices)).render("wilayah", value)
        assert kept == plain


def test_fixed_choices_pass_a_field_unchanged_and_validate():
    fixed = FixedChoices([("", "Semua"), ("52.03.07", "Kec. Selong")])
    field = forms.ChoiceField(required=False, widget=QuickSelect)
    field.choices = fixed
    assert field.choices is fixed and field.widget.choices is fixed
    assert field.clean("52.03.07") == "52.03.07"
    try:
        field.clean("52.03.99")
    except forms.ValidationError:
        pass
    else:
        raise AssertionError("a value outside the choices was accepted")
