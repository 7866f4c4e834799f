"""The one place that decides which records a user may see.

Every model that holds area-bound data names the path to its area code in
`scope_field` (e.g. Worker.scope_field = "village"). Views, API endpoints and
exports all pass their querysets through `scoped()`; detail lookups use
`get_scoped_or_404()` so that a record outside the user's area is
indistinguishable from one that does not exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def area_q(field: str, code: str) -> Q:
    """Records whose area (reached through the FK path `field`) lies within `code`.

    `field__code` on Area's primary key is resolved by Django without a join to Area.
    A village (code `52.03.07.2012`, the deepest level) has nothing below it: its records are
    matched by equality alone, which the area index serves; with the `OR LIKE` beside it
    SQLite scanned a whole list's sort index to find one village's rows.
    """
    path = f"{field}__code"
    if code.count(".") >= 3:
        return Q(**{path: code})
    return Q(**{path: code}) | Q(**{f"{path}__startswith": code + "."})


def scope_path(model: type[Model]) -> str:
    try:
        return model.scope_field  # type: ignore[attr-defined]
    except AttributeError as exc:
        raise TypeError(f"{model.__name__} has no scope_field; it cannot be scoped") from exc


def scoped(qs: QuerySet[M], user) -> QuerySet[M]:
    """Restrict `qs` to the user's area. Anonymous or area-less users get nothing."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    code = user.scope_code
    if code == "":
        return qs
    if not code:
        return qs.none()
    return qs.filter(area_q(scope_path(qs.model), code))


def get_scoped_or_404(qs: QuerySet[M], user, **lookup) -> M:
    try:
        return scoped(qs, user).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404("Data tidak ditemukan.") from exc


def scope_covers(scope_code: str | None, area_code: str) -> bool:
    """Area `area_code` lies within scope `scope_code` ("" = everything, None = nothing)."""
    if scope_code == "":
        return True
    return bool(scope_code) and (area_code == scope_code or area_code.startswith(scope_code + "."))


def user_covers_area(user, area_code: str) -> bool:
    return scope_covers(user.scope_code, area_code)


def in_area(qs: QuerySet[M], code: str) -> QuerySet[M]:
    """Narrow `qs` to records inside area `code` (a drill-down filter, not a permission check:
    combine with scoped())."""
    return qs.filter(area_q(scope_path(qs.model), code))
