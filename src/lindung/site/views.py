"""The home page and the worklists page: figures and sections registered by each domain app
(core.home, core.worklists), scoped to the user's area."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from lindung.areas.models import Area
from lindung.areas.services import breadcrumbs_for, home_area_for
from lindung.core.generic import FilteredMixin
from lindung.core.home import home_cards, home_charts
from lindung.core.worklists import sections_for

from .filters import WorklistFilterForm


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "site/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        area = home_area_for(user)
        return {
            **super().get_context_data(**kwargs),
            "area": area,
            "cards": home_cards(user, area),
            "charts": home_charts(user, area),
            "breadcrumbs": breadcrumbs_for(area, user),
        }


class WorklistsView(LoginRequiredMixin, FilteredMixin, TemplateView):
    """The user's area, or a kecamatan or village inside it (`?wilayah=`; an area outside it
    is dropped by the form with a warning, never shown)."""

    template_name = "site/worklists.html"
    filter_form_class = WorklistFilterForm

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        area = home_area_for(user)
        chosen = self.filter_values()["wilayah"]
        if chosen:
            area = Area.objects.filter(code=chosen).first() or area
        return {
            **super().get_context_data(**kwargs),
            "area": area,
            "sections": sections_for(user, area) if area else [],
            "breadcrumbs": breadcrumbs_for(area, user),
        }
