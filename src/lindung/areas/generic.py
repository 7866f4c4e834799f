"""Pages about one area named in the URL (`<code>`): the area is looked up only when the
user's scope covers it, so an area outside the scope is a 404 like a missing one."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from lindung.accounts.scoping import user_covers_area

from .models import Area
from .services import breadcrumbs_for, home_area_for


def area_in_scope_or_404(user, code: str) -> Area:
    area = Area.objects.filter(code=code).first() if user_covers_area(user, code) else None
    if area is None:
        raise Http404("Wilayah tidak ditemukan.")
    return area


class AreaScopedMixin(LoginRequiredMixin):
    area_url_kwarg = "code"

    @property
    def area(self) -> Area:
        if not hasattr(self, "_area"):
            self._area = area_in_scope_or_404(self.request.user, self.kwargs[self.area_url_kwarg])
        return self._area

    def breadcrumbs(self) -> list[dict]:
        return breadcrumbs_for(self.area, self.request.user)


class HomeAreaRedirectView(LoginRequiredMixin, View):
    """Opens `pattern_name` for the user's own area (their village, kecamatan or regency);
    a user without an area gets `no_area_template`."""

    pattern_name = ""
    no_area_template = ""

    def get(self, request, *args, **kwargs):
        area = home_area_for(request.user)
        if area is None:
            return render(request, self.no_area_template)
        return redirect(self.pattern_name, code=area.code)
