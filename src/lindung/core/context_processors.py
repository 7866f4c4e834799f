from django.conf import settings

from . import figures
from .navigation import groups_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "regency_code": settings.LINDUNG_REGENCY_CODE}
    return {"nav_groups": groups_for(user), "regency_code": settings.LINDUNG_REGENCY_CODE}


def figures_note(request):
    """When a slow figure on this page is its last count, the page says from when."""
    return {"figures_stale_since": figures.stale_since}
