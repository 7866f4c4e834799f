"""Loading the committed Kemendagri fixture and answering questions about areas."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from .choices import areas_changed
from .fixture import read_fixture
from .models import Area, AreaLevel


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    total: int


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def load_areas(
    prefix: str | None = None, progress: Callable[[int, int], None] | None = None
) -> LoadResult:
    """Insert or update areas from the fixture. Idempotent: a second run changes nothing."""
    rows = read_fixture(prefix)
    existing = {
        a[0]: a[1:]
        for a in Area.objects.values_list("code", "name", "kind", "postal_code", "parent_id")
    }
    to_create: list[Area] = []
    to_update: list[Area] = []
    for code, name, kind, postal in rows:
        parent = _parent_code(code)
        obj = Area(
            code=code,
            name=name,
            kind=kind,
            level=code.count(".") + 1,
            postal_code=postal,
            parent_id=parent,
        )
        old = existing.get(code)
        if old is None:
            to_create.append(obj)
        elif old != (name, kind, postal, parent):
            to_update.append(obj)
    total = len(rows)
    done = 0
    with transaction.atomic():
        # Parents first, so foreign keys hold on databases that check them immediately.
        for level in AreaLevel.values:
            batch = [a for a in to_create if a.level == level]
            for chunk in _chunks(batch, 5000):
                Area.objects.bulk_create(chunk)
                done += len(chunk)
                if progress:
                    progress(done, len(to_create) + len(to_update))
        for chunk in _chunks(to_update, 5000):
            Area.objects.bulk_update(chunk, ["name", "kind", "postal_code", "parent"])
            done += len(chunk)
            if progress:
                progress(done, len(to_create) + len(to_update))
    if to_create or to_update:
        # Now (this process, and an outer transaction that may roll back) and after commit
        # (other processes must not rebuild from the rows before it).
        areas_changed()
        transaction.on_commit(areas_changed)
    return LoadResult(created=len(to_create), updated=len(to_update), total=total)


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def regency_code() -> str:
    return settings.LINDUNG_REGENCY_CODE


def normalise_code(raw: str) -> str:
    """'5203071001' or '52.03.07.1001' -> '52.03.07.1001'."""
    raw = raw.strip()
    if "." in raw:
        return raw
    digits = "".join(ch for ch in raw if ch.isdigit())
    return ".".join(p for p in (digits[0:2], digits[2:4], digits[4:6], digits[6:10]) if p)


def area_summary(area: Area) -> dict:
    children = list(area.children.order_by("code"))
    return {
        "code": area.code,
        "name": area.name,
        "type": area.kind,
        "level": area.level,
        "postal_code": area.postal_code or None,
        "parent": area.parent_id,
        "children": [
            {"code": c.code, "name": c.name, "type": c.kind, "postal_code": c.postal_code or None}
            for c in children
        ],
        "counts": _descendant_counts(area),
    }


def _descendant_counts(area: Area) -> dict[str, int]:
    from django.db.models import Count

    below = Area.objects.filter(code__startswith=area.code + ".")
    return {row["kind"]: row["n"] for row in below.values("kind").annotate(n=Count("code"))}


def home_area_for(user) -> Area | None:
    """The area a user's pages start from: their own, or the deployment's regency for superusers."""
    code = user.area_id or (regency_code() if user.is_superuser else None)
    if not code:
        return None
    return Area.objects.filter(code=code).first()


def breadcrumbs_for(area: Area | None, user=None) -> list[dict]:
    """kabupaten › kecamatan › desa; links only where the user may go."""
    if area is None:
        return []
    from django.urls import reverse

    from lindung.accounts.scoping import user_covers_area

    crumbs = []
    for a in [*area.ancestors(), area]:
        if a.level < 2:
            continue
        allowed = user is None or user_covers_area(user, a.code)
        url = reverse("areas:detail", args=[a.code]) if allowed else None
        crumbs.append({"label": str(a), "url": url, "code": a.code})
    return crumbs
