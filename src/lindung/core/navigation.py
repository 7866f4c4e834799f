"""Menu entries per role, grouped by task. Apps register their entries; the base template
renders the groups in the order of GROUPS (a dropdown on desktop, an accordion on a phone)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Task groups in menu order; items without a group sit at the top level (Beranda, Daftar kerja).
GROUPS: dict[str, str] = {
    "pendataan": _("Pendataan"),
    "kepesertaan": _("Kepesertaan"),
    "pendanaan": _("Pendanaan"),
    "sosialisasi": _("Sosialisasi"),
    "klaim": _("Klaim"),
    "cakupan": _("Cakupan & laporan"),
    "administrasi": _("Administrasi"),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None = every signed-in role
    admin_only: bool = False
    group: str = ""
    order: int = 50  # position inside the group


NAV_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if item.group and item.group not in GROUPS:
        raise ValueError(f"unknown menu group {item.group!r}")
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


def _visible(item: NavItem, user) -> bool:
    if item.admin_only and not user.is_admin:
        return False
    return item.roles is None or user.is_superuser or user.role in item.roles


def items_for(user) -> list[dict]:
    """Every menu entry the user may open, flat, in menu order."""
    return [entry for group in groups_for(user) for entry in group["items"]]


def groups_for(user) -> list[dict]:
    """The menu for one user: top-level entries first, then each non-empty task group."""
    order = {"": -1, **{key: i for i, key in enumerate(GROUPS)}}
    visible = sorted(
        (item for item in NAV_ITEMS if _visible(item, user)),
        key=lambda item: (order[item.group], item.order),
    )
    out: list[dict] = []
    for item in visible:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "name": item.url_name}
        if not out or out[-1]["key"] != item.group:
            out.append({"key": item.group, "label": GROUPS.get(item.group, ""), "items": []})
        out[-1]["items"].append(entry)
    return out
