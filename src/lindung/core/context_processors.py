from django.conf import settings

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "regency_code": settings.LINDUNG_REGENCY_CODE}
    return {"nav_items": items_for(user), "regency_code": settings.LINDUNG_REGENCY_CODE}
