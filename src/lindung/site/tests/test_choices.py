"""ChoiceLabels answers exactly what Django's get_FOO_display() answers, in every language."""

from django.db import models
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lindung.claims.models import Claim
from lindung.enrollment.models import Membership
from lindung.workers.models import Worker

FIELDS = [
    (Membership, "status"),
    (Membership, "funding_type"),
    (Worker, "sex"),
    (Claim, "status"),
]


def values_of(model, name):
    return [value for value, _ in model._meta.get_field(name).flatchoices]


@given(
    data=st.data(),
    language=st.sampled_from(["id", "en"]),
)
def test_label_is_djangos_label(data, language):
    model, name = data.draw(st.sampled_from(FIELDS))
    field = model._meta.get_field(name)
    value = data.draw(st.one_of(st.sampled_from(values_of(model, name)), st.text(max_size=12)))
    obj = model(**{field.attname: value})
    with translation.override(language):
        ours = getattr(obj, f"get_{name}_display")()
        djangos = models.Model._get_FIELD_display(obj, field)
    assert ours == djangos
    assert isinstance(ours, str)


def test_label_is_translated_at_each_call_not_frozen_at_the_first(monkeypatch):
    m = Membership(status="diajukan")
    assert m.get_status_display() == "Diajukan ke BPJS"  # builds the field's label table
    # A catalogue that answers differently: the label must follow it.
    monkeypatch.setattr(translation._trans, "gettext", lambda message: message.upper())
    assert m.get_status_display() == "DIAJUKAN KE BPJS"
