"""The scoping helper: every role sees its own area and nothing outside it."""

import pytest

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.enrollment.models import Membership, MembershipTransition
from lindung.workers import testing
from lindung.workers.models import Worker


@pytest.fixture
def two_workers(lotim):
    return testing.make_worker(testing.VILLAGE_A), testing.make_worker(testing.VILLAGE_B)


def _membership(worker):
    return Membership.objects.create(
        worker=worker, village_id=worker.village_id, declared_income=1_000_000
    )


@pytest.mark.parametrize(
    "role,area,sees_a,sees_b",
    [
        ("admin_kabupaten", "52.03", True, True),
        ("petugas_bpjs", "52.03", True, True),
        ("viewer", "52.03", True, True),
        ("camat", testing.KECAMATAN_A, True, False),
        ("operator_desa", testing.VILLAGE_A, True, False),
        ("operator_desa", testing.VILLAGE_B, False, True),
        ("camat", "52.03.02", False, False),
        ("operator_desa", None, False, False),
    ],
)
def test_every_scoped_model(two_workers, role, area, sees_a, sees_b):
    user = testing.make_user(role, area)
    a, b = two_workers
    ma, mb = _membership(a), _membership(b)
    MembershipTransition.objects.create(membership=ma, to_status="didata")
    MembershipTransition.objects.create(membership=mb, to_status="didata")
    for model, obj_a, obj_b in [
        (Worker, a, b),
        (Membership, ma, mb),
        (MembershipTransition, ma.transitions.get(), mb.transitions.get()),
    ]:
        visible = set(scoped(model.objects.all(), user).values_list("pk", flat=True))
        assert (obj_a.pk in visible) is sees_a, model
        assert (obj_b.pk in visible) is sees_b, model


def test_prefix_does_not_leak_to_sibling_codes(lotim):
    # 52.03.1 must not match 52.03.10..19: scoping compares whole code segments.
    user = testing.make_user("camat", "52.03.01")
    inside = testing.make_worker("52.03.01.2001")
    sibling = testing.make_worker("52.03.10.2001")
    visible = set(scoped(Worker.objects.all(), user).values_list("pk", flat=True))
    assert inside.pk in visible and sibling.pk not in visible


def test_get_scoped_or_404(two_workers):
    from django.http import Http404

    user = testing.make_user("operator_desa", testing.VILLAGE_A)
    a, b = two_workers
    assert get_scoped_or_404(Worker.objects.all(), user, pk=a.pk) == a
    with pytest.raises(Http404):
        get_scoped_or_404(Worker.objects.all(), user, pk=b.pk)


def test_anonymous_sees_nothing(two_workers):
    from django.contrib.auth.models import AnonymousUser

    assert not scoped(Worker.objects.all(), AnonymousUser()).exists()


def test_every_area_bound_model_declares_scope():
    """A new model with an FK to Area must say how it is scoped, or this fails."""
    from django.apps import apps

    from lindung.areas.models import Area

    missing = []
    for model in apps.get_models():
        if model._meta.app_label in {"areas", "accounts"} or model.__name__.startswith(
            "Historical"
        ):
            continue
        fks = [f for f in model._meta.get_fields() if getattr(f, "related_model", None) is Area]
        if fks and not hasattr(model, "scope_field"):
            missing.append(model.__name__)
    assert missing == []
