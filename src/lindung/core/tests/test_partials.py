"""The shared form-field and progress-bar partials every page includes."""

import re

from django import forms
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st


class _Form(forms.Form):
    name = forms.CharField(label="nama", help_text="Seperti di KTP.")
    note = forms.CharField(label="Catatan", required=False)
    agreed = forms.BooleanField(label="Setuju", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _field(form, name) -> str:
    return render_to_string("core/_field.html", {"field": form[name]})


def _described_by(html: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]+)"', html)
    return found.group(1).split() if found else []


def test_help_text_and_errors_are_the_ones_the_input_points_to():
    form = _Form(data={"name": ""})
    assert not form.is_valid()
    html = _field(form, "name")
    ids = _described_by(html)
    assert ids == ["id_name_helptext", "id_name_error"]
    for element_id in ids:
        assert f'id="{element_id}"' in html
    assert "has-error" in html and "Seperti di KTP." in html
    assert '<label for="id_name">Nama *</label>' in html  # first letter up, required marked


def test_an_optional_field_without_help_or_errors_is_just_label_and_input():
    html = _field(_Form(), "note")
    assert '<label for="id_note">Catatan</label>' in html
    assert "helptext" not in html and "errorlist" not in html and "has-error" not in html


def test_a_checkbox_sits_inside_its_label_and_a_hidden_field_has_no_row():
    checkbox = _field(_Form(), "agreed")
    assert re.search(
        r'<label for="id_agreed"><input type="checkbox"[^>]*> Setuju</label>', checkbox
    )
    hidden = _field(_Form(), "token").strip()
    assert hidden.startswith('<input type="hidden"') and "form-row" not in hidden


@given(st.one_of(st.integers(-50, 150), st.none(), st.text(max_size=5)))
def test_the_progress_bar_width_is_a_css_class_in_5_percent_steps(percent):
    html = render_to_string("core/_progress.html", {"percent": percent})
    assert 'role="progressbar"' in html and "style=" not in html  # CSP: no inline style
    width = int(re.search(r'<span class="w(\d+)">', html).group(1))
    assert width % 5 == 0 and 0 <= width <= 100
    if isinstance(percent, int):
        assert width == min(max(round(percent / 5) * 5, 0), 100)
