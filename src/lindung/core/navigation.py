"""Menu entries per role. Apps register their entries here; the base template renders them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None = every signed-in role
    admin_only: bool = False


NAV_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


def items_for(user) -> list[dict]:
    out = []
    for item in NAV_ITEMS:
        if item.admin_only and not user.is_admin:
            continue
        if item.roles is not None and not user.is_superuser and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": item.label, "url": url, "name": item.url_name})
    return out
