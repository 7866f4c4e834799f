"""Menu entries per role, grouped by task. Apps register their entries; the base template
renders the groups in the order of GROUPS (a dropdown on desktop, an accordion on a phone)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
        _MENUS.clear()
        _HTML.clear()


# The menu depends only on what decides visibility, the URL prefix and the language: built
# (and rendered, per current page) once per process for each combination instead of
# reversing and rendering ~35 entries on every page.
_MENUS: dict[tuple, list[dict]] = {}
_HTML: dict[tuple, SafeString] = {}


@receiver(setting_changed)
def _forget_menus(**kwargs) -> None:
    """Tests that swap URL maps or templates get menus built from the new ones."""
    _MENUS.clear()
    _HTML.clear()


def _visible(item: NavItem, user) -> bool:
    if item.admin_only and not user.is_admin:
        return False
    return item.roles is None or user.is_superuser or user.role in item.roles


def items_for(user) -> list[dict]:
    """Every menu entry the user may open, flat, in menu order."""
    return [entry for group in groups_for(user) for entry in group["items"]]


def _menu_key(user) -> tuple:
    return (user.role, user.is_admin, user.is_superuser, get_script_prefix(), get_language())


def groups_for(user) -> list[dict]:
    """The menu for one user: top-level entries first, then each non-empty task group.
    Shared between requests: callers must not change it."""
    key = _menu_key(user)
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = _build(user)
    return menu


def _build(user) -> list[dict]:
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


def rendered_menu(request) -> SafeString:
    """The menu's HTML for the request's user with the current page marked."""
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    key = (_menu_key(request.user), current)
    html = _HTML.get(key)
    if html is None:
        if len(_HTML) > 5000:  # roles x pages; a bound all the same
            _HTML.clear()
        groups = groups_for(request.user)
        html = _HTML[key] = mark_safe(  # noqa: S308 - rendered by the template engine
            render_to_string("core/_main_nav.html", {"nav_groups": groups, "current": current})
        )
    return html
